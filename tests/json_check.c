/* json_check.c: a JSON syntax checker and the keys of a document (json_check.h). */
#include "json_check.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

static const char *ws(const char *s)
{
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	return s;
}

static const char *value(const char *s, int depth);

static const char *string(const char *s)
{
	if (*s++ != '"')
		return NULL;
	for (; *s != '"'; s++) {
		if ((unsigned char)*s < 0x20)
			return NULL;
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)s[i]))
						return NULL;
				s += 4;
			} else if (!strchr("\"\\/bfnrt", *s) || !*s) {
				return NULL;
			}
		}
	}
	return s + 1;
}

static const char *number(const char *s)
{
	if (*s == '-')
		s++;
	if (!isdigit((unsigned char)*s) || (*s == '0' && isdigit((unsigned char)s[1])))
		return NULL;
	while (isdigit((unsigned char)*s))
		s++;
	if (*s == '.') {
		if (!isdigit((unsigned char)*++s))
			return NULL;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s += s[1] == '+' || s[1] == '-' ? 2 : 1;
		if (!isdigit((unsigned char)*s))
			return NULL;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return s;
}

/* Items of an object (with keys) or an array, after the opening bracket. */
static const char *items(const char *s, int depth, char close, int keyed)
{
	s = ws(s);
	if (*s == close)
		return s + 1;
	for (;;) {
		if (keyed) {
			s = string(ws(s));
			if (!s || *(s = ws(s)) != ':')
				return NULL;
			s++;
		}
		s = value(s, depth + 1);
		if (!s)
			return NULL;
		s = ws(s);
		if (*s == close)
			return s + 1;
		if (*s++ != ',')
			return NULL;
	}
}

static const char *value(const char *s, int depth)
{
	s = ws(s);
	if (depth > 64)
		return NULL;
	if (*s == '{')
		return items(s + 1, depth, '}', 1);
	if (*s == '[')
		return items(s + 1, depth, ']', 0);
	if (*s == '"')
		return string(s);
	for (const char *const *w = (const char *const[]){ "true", "false", "null", NULL }; *w; w++)
		if (!strncmp(s, *w, strlen(*w)))
			return s + strlen(*w);
	return number(s);
}

int json_valid(const char *s)
{
	const char *end = value(s, 0);
	return end && *ws(end) == '\0';
}

/* the keys */

static void add_key(keyset *ks, const char *path)
{
	for (int i = 0; i < ks->n; i++)
		if (!strcmp(ks->path[i], path))
			return;
	if (ks->n == MAX_KEYS)
		bail("more than %d distinct JSON keys", MAX_KEYS);
	snprintf(ks->path[ks->n++], KEY_LEN, "%s", path);
}

/* Walk one value (syntax already checked by json_valid), recording the keys under prefix. */
static const char *walk(const char *s, const char *prefix, keyset *ks)
{
	s = ws(s);
	if (*s != '{' && *s != '[')
		return value(s, 0);
	char close = *s == '{' ? '}' : ']';
	for (s = ws(s + 1); *s != close; s = ws(s)) {
		char path[KEY_LEN];
		if (close == '}') {
			const char *end = string(s);
			snprintf(path, sizeof path, "%s%s%.*s", prefix, *prefix ? "." : "",
			         (int)(end - s - 2), s + 1);
			add_key(ks, path);
			s = walk(ws(end) + 1, path, ks);
		} else {
			s = walk(s, prefix, ks);
		}
		s = ws(s);
		if (*s == ',')
			s++;
	}
	return s + 1;
}

int json_keys(const char *s, keyset *ks)
{
	ks->n = 0;
	return walk(s, "", ks) != NULL;
}
