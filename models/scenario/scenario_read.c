/* scenario_read.c: look up nodes of the scenario tree by dotted path and read typed values,
 * with errors that name the place, the key and what was expected. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "scenario/scenario_int.h"

#define PATH_LEN 256

const char *xp_src_shown(const char *override, char *buf)
{
	size_t len = strlen(override);
	if (len <= 100)
		return override;
	snprintf(buf, XP_SHOWN_LEN, "%.80s... (%zu characters)", override, len);
	return buf;
}

xp_status xp_reader_fail(const xp_reader *rd, const xp_node *n, const char *path, const char *fmt,
                         ...)
{
	char what[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (!n)
		n = rd->root; /* never expected: blame the whole file rather than crash */
	char shown[XP_SHOWN_LEN];
	if (n->src->override)
		return xp_fail(rd->err, XP_EINVAL, "--set %s: %s: %s",
		               xp_src_shown(n->src->override, shown), path, what);
	return xp_fail(rd->err, XP_EINVAL, "%s:%d:%d: %s: %s", n->src->file, n->line, n->column,
	               path, what);
}

/* What a node is, for "got ...": the quoted text (cut at 60 characters), or its kind. */
static const char *got(const xp_node *n, char *buf, size_t len)
{
	if (n->kind == XP_NODE_SEQ)
		return "a list";
	if (n->kind == XP_NODE_MAP)
		return "a mapping";
	snprintf(buf, len, "'%.60s%s'", n->text, strlen(n->text) > 60 ? "..." : "");
	return buf;
}

static const xp_node *map_value(const xp_node *map, const char *key, size_t len, int want_key)
{
	if (!map || map->kind != XP_NODE_MAP)
		return NULL;
	for (int i = 0; i + 1 < map->n; i += 2) {
		const char *k = map->kids[i]->text;
		if (strlen(k) == len && strncmp(k, key, len) == 0)
			return map->kids[want_key ? i : i + 1];
	}
	return NULL;
}

/* Walk path; *deepest is the last mapping reached (where a missing key is reported). */
static const xp_node *walk(const xp_reader *rd, const char *path, int want_key,
                           const xp_node **deepest)
{
	const xp_node *n = rd->root;
	*deepest = n;
	while (n && *path) {
		const char *dot = strchr(path, '.');
		size_t len = dot ? (size_t)(dot - path) : strlen(path);
		if (n->kind == XP_NODE_MAP)
			*deepest = n;
		n = map_value(n, path, len, dot ? 0 : want_key);
		path = dot ? dot + 1 : path + len;
	}
	return n;
}

const xp_node *xp_reader_get(const xp_reader *rd, const char *path)
{
	const xp_node *deepest;
	const xp_node *n = walk(rd, path, 0, &deepest);
	return n && !(n->kind == XP_NODE_SCALAR && n->is_null) ? n : NULL;
}

const xp_node *xp_reader_key(const xp_reader *rd, const char *path)
{
	const xp_node *deepest;
	return walk(rd, path, 1, &deepest);
}

/* "missing, expected <what>", reported at the deepest mapping on the way to path. */
static xp_status missing(const xp_reader *rd, const char *path, const char *what)
{
	const xp_node *deepest;
	const xp_node *reset = walk(rd, path, 0, &deepest);
	if (reset && reset->src->override) /* "--set key=" emptied a required key */
		return xp_reader_fail(rd, reset, path, "emptied by this override, expected %s",
		                      what);
	return xp_reader_fail(rd, deepest, path, "missing, expected %s", what);
}

/* The text of a scalar node, or an error naming what was expected instead. */
static xp_status scalar_text(const xp_reader *rd, const xp_node *n, const char *path,
                             const char *what, const char **text)
{
	char buf[80];
	if (n->kind != XP_NODE_SCALAR)
		return xp_reader_fail(rd, n, path, "expected %s, got %s", what,
		                      got(n, buf, sizeof buf));
	*text = n->text;
	return XP_OK;
}

static const char *int_range(char *what, size_t len, int64_t lo, int64_t hi)
{
	if (hi == INT64_MAX)
		snprintf(what, len, "an integer >= %" PRId64, lo);
	else
		snprintf(what, len, "an integer from %" PRId64 " to %" PRId64, lo, hi);
	return what;
}

static xp_status node_int(const xp_reader *rd, const xp_node *n, const char *path, int64_t lo,
                          int64_t hi, int64_t *out)
{
	char what[96], buf[80], *end;
	const char *s = "";
	int_range(what, sizeof what, lo, hi);
	xp_status st = scalar_text(rd, n, path, what, &s);
	if (st)
		return st;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	while (*end == ' ')
		end++;
	/* A sign is an error where negative values are (so "-0" is refused like "-1"). */
	if (end == s || *end || errno || v < lo || v > hi || !strchr("+-0123456789", s[0]) ||
	    (s[0] == '-' && lo >= 0))
		return xp_reader_fail(rd, n, path, "expected %s, got %s", what,
		                      got(n, buf, sizeof buf));
	*out = v;
	return XP_OK;
}

xp_status xp_reader_int(const xp_reader *rd, const char *path, int64_t lo, int64_t hi, int required,
                        int64_t *out)
{
	const xp_node *n = xp_reader_get(rd, path);
	char what[96];
	if (!n && required)
		return missing(rd, path, int_range(what, sizeof what, lo, hi));
	return n ? node_int(rd, n, path, lo, hi, out) : XP_OK;
}

/* The phrase a parser uses for what it expects (it sets *why before rejecting ""). */
static const char *expectation_i64(xp_i64_parser parse)
{
	const char *why = "a value";
	int64_t v;
	parse("", &v, &why);
	return why;
}

static const char *expectation_f64(xp_f64_parser parse)
{
	const char *why = "a value";
	double v;
	parse("", &v, &why);
	return why;
}

static xp_status node_i64(const xp_reader *rd, const xp_node *n, const char *path,
                          xp_i64_parser parse, int64_t *out)
{
	char buf[80];
	const char *s = "", *why;
	xp_status st = scalar_text(rd, n, path, expectation_i64(parse), &s);
	if (!st && parse(s, out, &why) < 0)
		st = xp_reader_fail(rd, n, path, "expected %s, got %s", why,
		                    got(n, buf, sizeof buf));
	return st;
}

xp_status xp_reader_i64(const xp_reader *rd, const char *path, xp_i64_parser parse, int required,
                        int64_t *out)
{
	const xp_node *n = xp_reader_get(rd, path);
	if (!n)
		return required ? missing(rd, path, expectation_i64(parse)) : XP_OK;
	return node_i64(rd, n, path, parse, out);
}

xp_status xp_reader_f64(const xp_reader *rd, const char *path, xp_f64_parser parse, int required,
                        double *out)
{
	char buf[80];
	const char *s = "", *why;
	const xp_node *n = xp_reader_get(rd, path);
	if (!n)
		return required ? missing(rd, path, expectation_f64(parse)) : XP_OK;
	xp_status st = scalar_text(rd, n, path, expectation_f64(parse), &s);
	if (!st && parse(s, out, &why) < 0)
		st = xp_reader_fail(rd, n, path, "expected %s, got %s", why,
		                    got(n, buf, sizeof buf));
	return st;
}

xp_status xp_reader_number(const xp_reader *rd, const char *path, double lo, double hi,
                           int required, double *out)
{
	char what[96], buf[80];
	double v = *out;
	if (isinf(hi))
		snprintf(what, sizeof what, "a number >= %g", lo);
	else
		snprintf(what, sizeof what, "a number from %g to %g", lo, hi);
	const xp_node *n = xp_reader_get(rd, path);
	if (!n)
		return required ? missing(rd, path, what) : XP_OK;
	xp_status st = xp_reader_f64(rd, path, xp_parse_number, 1, &v);
	if (!st && (v < lo || v > hi))
		st = xp_reader_fail(rd, n, path, "expected %s, got %s", what,
		                    got(n, buf, sizeof buf));
	if (!st)
		*out = v;
	return st;
}

/* One entry of a per-stage value: parsed, then checked against lo. */
static xp_status staged_entry(const xp_reader *rd, const xp_node *n, const char *path,
                              xp_i64_parser parse, int64_t lo, int64_t *out)
{
	char buf[80];
	xp_status st = node_i64(rd, n, path, parse, out);
	if (!st && *out < lo)
		st = xp_reader_fail(rd, n, path, "expected a value > 0, got %s",
		                    got(n, buf, sizeof buf));
	return st;
}

xp_status xp_reader_staged(const xp_reader *rd, const char *path, int p, xp_i64_parser parse,
                           int64_t lo, int required, int64_t *out)
{
	char item[PATH_LEN];
	const xp_node *n = xp_reader_get(rd, path);
	xp_status st = XP_OK;
	if (!n)
		return required ? missing(rd, path, expectation_i64(parse)) : XP_OK;
	if (n->kind == XP_NODE_MAP)
		return xp_reader_fail(rd, n, path,
		                      "expected %s or a list of %d (one per stage), got "
		                      "a mapping",
		                      expectation_i64(parse), p);
	if (n->kind == XP_NODE_SCALAR) {
		st = staged_entry(rd, n, path, parse, lo, &out[0]);
		for (int k = 1; !st && k < p; k++)
			out[k] = out[0];
		return st;
	}
	if (n->n != p)
		return xp_reader_fail(
		    rd, n, path, "expected a list of %d entries (one per stage), got %d", p, n->n);
	for (int k = 0; !st && k < p; k++) {
		snprintf(item, sizeof item, "%s[%d]", path, k);
		st = staged_entry(rd, n->kids[k], item, parse, lo, &out[k]);
	}
	return st;
}

xp_status xp_reader_int_list(const xp_reader *rd, const char *path, int p, int64_t lo, int64_t hi,
                             int *out)
{
	char item[PATH_LEN], buf[80];
	const xp_node *n = xp_reader_get(rd, path);
	xp_status st = XP_OK;
	if (!n)
		return XP_OK;
	if (n->kind == XP_NODE_SEQ && n->n != p)
		return xp_reader_fail(
		    rd, n, path, "expected a list of %d integers (one per stage), got %d", p, n->n);
	if (n->kind != XP_NODE_SEQ)
		return xp_reader_fail(rd, n, path,
		                      "expected a list of %d integers (one per stage), got %s", p,
		                      got(n, buf, sizeof buf));
	for (int k = 0; !st && k < p; k++) {
		int64_t v = 0;
		snprintf(item, sizeof item, "%s[%d]", path, k);
		st = node_int(rd, n->kids[k], item, lo, hi, &v);
		out[k] = (int)v;
	}
	return st;
}

xp_status xp_reader_choice(const xp_reader *rd, const char *path, const char *const *choices,
                           int *out)
{
	char list[256] = "", buf[80];
	const xp_node *n = xp_reader_get(rd, path);
	if (!n)
		return XP_OK;
	for (int i = 0; choices[i]; i++) {
		if (n->kind == XP_NODE_SCALAR && strcmp(n->text, choices[i]) == 0) {
			*out = i;
			return XP_OK;
		}
		size_t used = strlen(list);
		snprintf(list + used, sizeof list - used, "%s%s", i ? " or " : "", choices[i]);
	}
	return xp_reader_fail(rd, n, path, "expected %s, got %s", list, got(n, buf, sizeof buf));
}

static xp_status strings_fail(const xp_reader *rd, const xp_node *n, const char *path)
{
	char buf[80];
	return xp_reader_fail(rd, n, path, "expected a name or a non-empty list of names, got %s",
	                      got(n, buf, sizeof buf));
}

xp_status xp_reader_strings(const xp_reader *rd, const char *path, char ***out, int *n_out)
{
	const xp_node *n = xp_reader_get(rd, path);
	if (!n)
		return XP_OK;
	int single = n->kind == XP_NODE_SCALAR;
	int count = single ? 1 : n->n;
	if (n->kind == XP_NODE_MAP || count <= 0)
		return strings_fail(rd, n, path);
	for (int i = 0; !single && i < count; i++)
		if (n->kids[i]->kind != XP_NODE_SCALAR || n->kids[i]->text[0] == '\0')
			return strings_fail(rd, n->kids[i], path);
	if (single && n->text[0] == '\0')
		return strings_fail(rd, n, path);
	char **names = calloc((size_t)count, sizeof *names);
	if (!names)
		return xp_fail(rd->err, XP_ENOMEM, "out of memory");
	for (int i = 0; i < count; i++) {
		if (!(names[i] = strdup(single ? n->text : n->kids[i]->text))) {
			for (int j = 0; j < i; j++)
				free(names[j]);
			free(names);
			return xp_fail(rd->err, XP_ENOMEM, "out of memory");
		}
	}
	*out = names;
	*n_out = count;
	return XP_OK;
}

/* Edit distance of two short keys (at most 31 characters each; longer ones count as far). */
static int distance(const char *a, const char *b)
{
	int la = (int)strlen(a), lb = (int)strlen(b);
	int row[32];
	if (la > 31 || lb > 31)
		return 99;
	for (int j = 0; j <= lb; j++)
		row[j] = j;
	for (int i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = i;
		for (int j = 1; j <= lb; j++) {
			int up = row[j];
			int best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static xp_status unknown_key(const xp_reader *rd, const xp_node *key, const char *path,
                             const char *const *keys)
{
	char full[PATH_LEN], list[512] = "";
	const char *near = NULL;
	int best = 3;
	snprintf(full, sizeof full, "%s%s%s", path, *path ? "." : "", key->text);
	for (const char *const *k = keys; *k; k++) {
		int d = distance(key->text, *k);
		if (d < best) {
			best = d;
			near = *k;
		}
		size_t used = strlen(list);
		snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", *k);
	}
	if (near)
		return xp_reader_fail(rd, key, full, "unknown key; did you mean '%s'?", near);
	return xp_reader_fail(rd, key, full, "unknown key; expected one of %s", list);
}

static xp_status check_map(const xp_reader *rd, const xp_node *map, const char *path,
                           const char *const *keys)
{
	char buf[80];
	if (map->kind != XP_NODE_MAP)
		return xp_reader_fail(rd, map, path, "expected a mapping, got %s",
		                      got(map, buf, sizeof buf));
	for (int i = 0; i + 1 < map->n; i += 2) {
		const char *const *k = keys;
		while (*k && strcmp(*k, map->kids[i]->text) != 0)
			k++;
		if (!*k)
			return unknown_key(rd, map->kids[i], path, keys);
	}
	return XP_OK;
}

xp_status xp_reader_schema(const xp_reader *rd, const char *const *maps,
                           const char *const *const *keys)
{
	xp_status st = XP_OK;
	for (int i = 0; !st && maps[i]; i++) {
		const xp_node *map = *maps[i] ? xp_reader_get(rd, maps[i]) : rd->root;
		if (map)
			st = check_map(rd, map, maps[i], keys[i]);
	}
	return st;
}
