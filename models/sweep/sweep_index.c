/* sweep_index.c: the rows already in a sweep's result files, checked before they are kept.
 *
 * A task's rows count only when its CSV row is exactly the row this sweep would write for the
 * task with the values it holds (so: the right columns, numbers that parse, the task's current
 * key and axis values), and its JSON line is exactly the line those same values give. A row
 * whose key is well-formed but is not the key of its task belongs to another sweep: "stale". */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/sweep_int.h"
#include "sweep/sweep_run_int.h"

xp_status xp_rix_init(xp_row_index *ix, int tasks)
{
	*ix = (xp_row_index){ .tasks = tasks };
	ix->csv = calloc((size_t)tasks + 1, sizeof *ix->csv);
	ix->json = calloc((size_t)tasks + 1, sizeof *ix->json);
	ix->expect = calloc((size_t)tasks + 1, sizeof *ix->expect);
	ix->status = calloc((size_t)tasks + 1, 1);
	ix->stale_seen = calloc((size_t)tasks + 1, 1);
	return ix->csv && ix->json && ix->expect && ix->status && ix->stale_seen ? XP_OK
	                                                                         : XP_ENOMEM;
}

void xp_rix_free(xp_row_index *ix)
{
	for (int t = 0; ix->expect && t < ix->tasks; t++)
		free(ix->expect[t]);
	free(ix->expect);
	free(ix->csv);
	free(ix->json);
	free(ix->status);
	free(ix->stale_seen);
	free(ix->stale);
	*ix = (xp_row_index){ 0 };
}

/* Split one CSV line (p up to nl) into unquoted fields held in buf; the count, or -1. */
static int split(const char *p, const char *nl, char *buf, char **field, int max)
{
	int n = 0;
	while (n < max) {
		field[n++] = buf;
		if (p < nl && *p == '"') {
			for (p++;; p++) {
				if (p >= nl)
					return -1;
				if (*p == '"' && (p + 1 >= nl || p[1] != '"'))
					break;
				p += *p == '"';
				*buf++ = *p;
			}
			p++;
			if (p < nl && *p != ',')
				return -1;
		} else {
			while (p < nl && *p != ',') {
				if (*p == '"')
					return -1;
				*buf++ = *p++;
			}
		}
		*buf++ = '\0';
		if (p >= nl)
			return n;
		p++; /* the comma */
	}
	return -1;
}

static int parse_i64(const char *f, int64_t *v)
{
	char *end;
	*v = strtoll(f, &end, 10);
	return *f && !*end ? 0 : -1;
}

static int parse_num(const char *f, double *v)
{
	char *end;
	*v = *f ? strtod(f, &end) : NAN;
	return !*f || !*end ? 0 : -1;
}

static int is_key(const char *k)
{
	return strlen(k) == 16 && strspn(k, "0123456789abcdef") == 16;
}

/* The row held by fields f (from the key column on); -1 when a field does not parse. */
static int row_from(char **f, xp_sweep_row *w)
{
	int64_t fits = 0;
	*w = (xp_sweep_row){ .status = f[1], .solver_status = f[9], .message = f[17] };
	w->metrics = !strcmp(f[1], "ok");
	w->robust = *f[11] != '\0';
	w->iters = *f[13] != '\0';
	if (parse_num(f[16], &w->wall_s))
		return -1;
	if (!w->metrics)
		return 0;
	int bad = parse_i64(f[2], &w->makespan_ns) || parse_i64(f[3], &w->time_per_microbatch_ns) ||
	          parse_num(f[4], &w->tokens_per_s) || parse_num(f[5], &w->bubble_mean) ||
	          parse_num(f[6], &w->bubble_max) || parse_i64(f[7], &w->peak_memory_max_bytes) ||
	          parse_i64(f[8], &fits) || parse_num(f[10], &w->solver_gap);
	if (w->robust)
		bad = bad || parse_i64(f[11], &w->robust_mean_ns) ||
		      parse_i64(f[12], &w->robust_p95_ns);
	if (w->iters)
		bad = bad || parse_i64(f[13], &w->iter_mean_ns) ||
		      parse_i64(f[14], &w->iter_p95_ns) || parse_i64(f[15], &w->iter_max_ns);
	w->fits_memory = (int)fits;
	return bad ? -1 : 0;
}

/* Keep the line of task t if it is among the three lowest tasks seen, and rebuild ix->stale
 * from them in task order (rows are in completion order, the message must not be). */
static void keep_lowest(xp_row_index *ix, int t, const char *line)
{
	int kept = ix->n_stale < 3 ? ix->n_stale : 3, at = kept;
	while (at > 0 && ix->stale_task[at - 1] > t)
		at--;
	if (at == 3)
		return;
	for (int k = (kept < 3 ? kept : 2); k > at; k--) {
		ix->stale_task[k] = ix->stale_task[k - 1];
		memcpy(ix->stale_line[k], ix->stale_line[k - 1], sizeof ix->stale_line[k]);
	}
	ix->stale_task[at] = t;
	snprintf(ix->stale_line[at], sizeof ix->stale_line[at], "%s", line);
	if (kept < 3)
		kept++;
	size_t len = 1;
	for (int k = 0; k < kept; k++)
		len += strlen(ix->stale_line[k]);
	char *m = realloc(ix->stale, len);
	if (!m)
		return;
	*m = '\0';
	for (int k = 0; k < kept; k++)
		strcat(m, ix->stale_line[k]);
	ix->stale = m;
}

/* Note a row of another sweep: its count, and the lowest three tasks described. */
static void stale(xp_row_index *ix, const xp_sweep *s, int t, const char *key, const char *what)
{
	char line[400], now[17] = "";
	if (t < ix->tasks && ix->stale_seen[t]++)
		return; /* its other line */
	if (t < ix->tasks) {
		xp_task k = xp_sweep_task(s, t);
		xp_sweep_task_key(s, t, now);
		snprintf(line, sizeof line,
		         "\n  task %d: row key %s (%s); now %s (point %d, seed %llu, "
		         "%s, %s)",
		         t, key, what, now, k.point, (unsigned long long)k.seed, k.schedule,
		         k.engine);
	} else {
		snprintf(line, sizeof line,
		         "\n  task %d: row key %s (%s); the sweep has %d tasks now", t, key, what,
		         ix->tasks);
	}
	keep_lowest(ix, t, line);
	ix->n_stale++;
}

/* One CSV line; cols is the header's column count, f and buf scratch of that size. */
static xp_status csv_line(xp_row_index *ix, const xp_sweep *s, const char *p, const char *nl,
                          int cols, char **f, char *buf)
{
	int t = -1, key = 2 + s->n_keys + 3;
	if (split(p, nl, buf, f, cols + 1) != cols || sscanf(f[0], "%d", &t) != 1 || t < 0)
		return XP_OK; /* torn or malformed: run again */
	char now[17] = "";
	if (t < ix->tasks)
		xp_sweep_task_key(s, t, now);
	if (is_key(f[key]) && strcmp(f[key], now)) {
		char what[200];
		snprintf(what, sizeof what, "point %s, seed %s, %s, %s", f[1], f[key - 3],
		         f[key - 2], f[key - 1]);
		stale(ix, s, t, f[key], what);
		return XP_OK;
	}
	xp_sweep_row w;
	char *csv = NULL, *json = NULL;
	if (t >= ix->tasks || ix->csv[t] || row_from(f + key, &w))
		return XP_OK;
	if (xp_sweep_render(s, t, &w, &csv, &json))
		return XP_ENOMEM;
	if (strlen(csv) == (size_t)(nl - p + 1) && !memcmp(csv, p, (size_t)(nl - p + 1))) {
		ix->csv[t] = p;
		ix->expect[t] = json;
		ix->status[t] = w.metrics ? XP_ROW_OK : XP_ROW_FAILED;
		json = NULL;
	}
	free(csv);
	free(json);
	return XP_OK;
}

static void json_line(xp_row_index *ix, const xp_sweep *s, const char *p, const char *nl)
{
	int t = -1, at = 0;
	char status[16], key[17] = "";
	if (sscanf(p, "{\"task\": %d, \"status\": \"%15[a-z]\", \"key\": \"%16[0-9a-f]\"%n", &t,
	           status, key, &at) < 3 ||
	    t < 0 || !at || p + at > nl || p[at - 1] != '"')
		return;
	char now[17] = "";
	if (t < ix->tasks)
		xp_sweep_task_key(s, t, now);
	if (is_key(key) && strcmp(key, now)) {
		stale(ix, s, t, key, "JSON line");
		return;
	}
	size_t len = (size_t)(nl - p + 1);
	if (t < ix->tasks && !ix->json[t] && ix->expect[t] && strlen(ix->expect[t]) == len &&
	    !memcmp(ix->expect[t], p, len))
		ix->json[t] = p;
}

/* The newline ending the complete line at *p (and *p moved past it), or NULL at the end. */
static const char *next_line(const char **p, const char *end, const char **line)
{
	const char *nl = *p < end ? memchr(*p, '\n', (size_t)(end - *p)) : NULL;
	*line = *p;
	if (nl)
		*p = nl + 1;
	return nl;
}

xp_status xp_rix_add(xp_row_index *ix, const xp_sweep *s, const char *csv, size_t lc,
                     const char *json, size_t lj)
{
	const char *p = memchr(csv, '\n', lc), *end = csv + lc, *line, *nl;
	int cols = s->n_keys + 23;
	char **f = malloc(((size_t)cols + 2) * sizeof *f), *buf = malloc(lc + (size_t)cols + 2);
	xp_status st = f && buf ? XP_OK : XP_ENOMEM;
	for (p = p ? p + 1 : end; st == XP_OK && (nl = next_line(&p, end, &line));)
		st = csv_line(ix, s, line, nl, cols, f, buf);
	free(f);
	free(buf);
	for (p = json, end = json + lj; (nl = next_line(&p, end, &line));)
		json_line(ix, s, line, nl);
	for (int t = 0; t < ix->tasks; t++)
		if (ix->csv[t] && !ix->json[t]) { /* no JSON twin: run again */
			free(ix->expect[t]);
			ix->expect[t] = NULL;
			ix->csv[t] = NULL;
			ix->status[t] = XP_ROW_NONE;
		}
	return st;
}
