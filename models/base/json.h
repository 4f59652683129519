/* json.h: a streaming JSON writer, shared by the result writers, the sweep and `validate`. */
#ifndef XP_JSON_H
#define XP_JSON_H

#include <stdint.h>
#include <stdio.h>

/* Keeps track of commas and indentation. Containers opened "multi-line" put each item on its own
 * indented line; containers opened "one-line" (and everything inside them) stay on one line.
 * Every value function takes a key, which must be NULL inside arrays and non-NULL inside objects.
 * Doubles are written with %.6f (fixed six decimals); NaN and infinities become null. */
#define XP_JSON_DEPTH 16

typedef struct xp_json {
	FILE *f;
	int depth;
	int oneline_from; /* depth of the outermost one-line container, or XP_JSON_DEPTH */
	char close[XP_JSON_DEPTH];
	unsigned char empty[XP_JSON_DEPTH];
} xp_json;

void xp_json_init(xp_json *j, FILE *f);
void xp_json_object(xp_json *j, const char *key, int oneline);
void xp_json_array(xp_json *j, const char *key, int oneline);
void xp_json_end(xp_json *j); /* closes the innermost container; a newline after the last one */
void xp_json_int(xp_json *j, const char *key, int64_t v);
void xp_json_num(xp_json *j, const char *key, double v); /* null when not finite */
void xp_json_str(xp_json *j, const char *key, const char *s);
void xp_json_bool(xp_json *j, const char *key, int v);
void xp_json_null(xp_json *j, const char *key);
void xp_json_raw(xp_json *j, const char *key, const char *literal); /* a preformatted value */
/* A one-line array of n integers; with unlimited_null, INT64_MAX entries become null. */
void xp_json_ints(xp_json *j, const char *key, const int64_t *v, int n, int unlimited_null);
void xp_json_int32s(xp_json *j, const char *key, const int *v, int n);
void xp_json_nums(xp_json *j, const char *key, const double *v, int n);

/* s as a JSON string literal, quotes included (NULL as ""). */
void xp_json_quote(FILE *f, const char *s);

/* A double in the machine formats' fixed precision (%.6f; -0 printed as 0; nothing when not
 * finite). */
void xp_fixed_double(FILE *f, double v);

#endif
