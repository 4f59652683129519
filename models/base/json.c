/* json.c: a small streaming JSON writer (commas, indentation, fixed-precision numbers). */
#include "base/json.h"

#include <inttypes.h>
#include <math.h>

void xp_json_quote(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f); /* UTF-8 passes through unchanged */
		}
	}
	fputc('"', f);
}

void xp_fixed_double(FILE *f, double v)
{
	if (!isfinite(v))
		return;
	if (fabs(v) < 5e-7)
		v = 0.0; /* never print "-0.000000" */
	fprintf(f, "%.6f", v);
}

void xp_json_init(xp_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->oneline_from = XP_JSON_DEPTH;
	j->empty[0] = 1;
}

static int oneline(const xp_json *j)
{
	return j->depth >= j->oneline_from;
}

static void newline(xp_json *j, int depth)
{
	fputc('\n', j->f);
	for (int i = 0; i < depth; i++)
		fputs("  ", j->f);
}

/* The separator before an item of the current container, then its key. */
static void item(xp_json *j, const char *key)
{
	if (j->depth > 0) {
		if (!j->empty[j->depth])
			fputc(',', j->f);
		if (oneline(j)) {
			if (!j->empty[j->depth])
				fputc(' ', j->f);
		} else {
			newline(j, j->depth);
		}
		j->empty[j->depth] = 0;
	}
	if (key) {
		xp_json_quote(j->f, key);
		fputs(": ", j->f);
	}
}

static void begin(xp_json *j, const char *key, int one, char opening, char closing)
{
	item(j, key);
	fputc(opening, j->f);
	if (j->depth + 1 >= XP_JSON_DEPTH)
		return; /* deeper nesting is a programming error; the writers never reach it */
	j->depth++;
	j->close[j->depth] = closing;
	j->empty[j->depth] = 1;
	if (one && j->oneline_from > j->depth)
		j->oneline_from = j->depth;
}

void xp_json_object(xp_json *j, const char *key, int one)
{
	begin(j, key, one, '{', '}');
}

void xp_json_array(xp_json *j, const char *key, int one)
{
	begin(j, key, one, '[', ']');
}

void xp_json_end(xp_json *j)
{
	if (j->depth == 0)
		return;
	if (!oneline(j) && !j->empty[j->depth])
		newline(j, j->depth - 1);
	fputc(j->close[j->depth], j->f);
	if (j->oneline_from == j->depth)
		j->oneline_from = XP_JSON_DEPTH;
	j->depth--;
	if (j->depth == 0)
		fputc('\n', j->f);
}

void xp_json_int(xp_json *j, const char *key, int64_t v)
{
	item(j, key);
	fprintf(j->f, "%" PRId64, v);
}

void xp_json_num(xp_json *j, const char *key, double v)
{
	item(j, key);
	if (isfinite(v))
		xp_fixed_double(j->f, v);
	else
		fputs("null",
		      j->f); /* JSON has no infinity (an infinite bandwidth, a trace's inf) */
}

void xp_json_str(xp_json *j, const char *key, const char *s)
{
	item(j, key);
	xp_json_quote(j->f, s);
}

void xp_json_bool(xp_json *j, const char *key, int v)
{
	item(j, key);
	fputs(v ? "true" : "false", j->f);
}

void xp_json_null(xp_json *j, const char *key)
{
	item(j, key);
	fputs("null", j->f);
}

void xp_json_raw(xp_json *j, const char *key, const char *literal)
{
	item(j, key);
	fputs(literal, j->f);
}

void xp_json_ints(xp_json *j, const char *key, const int64_t *v, int n, int unlimited_null)
{
	xp_json_array(j, key, 1);
	for (int i = 0; i < n; i++) {
		if (unlimited_null && v[i] == INT64_MAX)
			xp_json_null(j, NULL);
		else
			xp_json_int(j, NULL, v[i]);
	}
	xp_json_end(j);
}

void xp_json_int32s(xp_json *j, const char *key, const int *v, int n)
{
	xp_json_array(j, key, 1);
	for (int i = 0; i < n; i++)
		xp_json_int(j, NULL, v[i]);
	xp_json_end(j);
}

void xp_json_nums(xp_json *j, const char *key, const double *v, int n)
{
	xp_json_array(j, key, 1);
	for (int i = 0; i < n; i++)
		xp_json_num(j, NULL, v[i]);
	xp_json_end(j);
}
