/* scenario_trace.c: the CSV trace files of time-varying scenarios (a link's bandwidth and latency
 * over time, a straggler's slow-down over time), read with the capped reader of base/io.h.
 *
 * A row is "time,value[,value]" in the scenario's units ("0s,100Gbps,10ms"); blank lines and
 * lines starting with '#' are skipped, and a first row whose first field is "time" is a header.
 * Times must increase strictly from row to row. Every error names file:line and the field. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/io.h"
#include "base/units.h"
#include "scenario/scenario_int.h"

#define MAX_ROWS  ((size_t)1 << 22)
#define MAX_FIELD 3

/* Where a trace's errors point, and the rows read so far. */
typedef struct trace_in {
	const char *path;
	xp_error *err;
	int line;
} trace_in;

/* Split a line (modified in place) at commas into at most MAX_FIELD trimmed fields. */
static int split(char *line, char **field)
{
	int n = 0;
	for (char *p = line;; p++) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		while (isspace((unsigned char)*p))
			p++;
		char *end = p + strlen(p);
		while (end > p && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (n == MAX_FIELD)
			return MAX_FIELD + 1;
		field[n++] = p;
		if (!comma)
			return n;
		p = comma;
	}
}

static xp_status bad_field(const trace_in *in, int col, const char *name, const char *text,
                           const char *why)
{
	return xp_fail(in->err, XP_EINVAL, "%s:%d: column %d (%s): expected %s, got '%s'", in->path,
	               in->line, col, name, why, text);
}

static xp_status parse_time(const trace_in *in, int col, const char *name, const char *text,
                            int64_t *out)
{
	const char *why;
	return xp_parse_time_ns(text, out, &why) ? bad_field(in, col, name, text, why) : XP_OK;
}

/* One link row: time, bandwidth, latency. */
static xp_status link_row(const trace_in *in, char **f, xp_link_variation *v, size_t i)
{
	const char *why;
	xp_status st = parse_time(in, 1, "time", f[0], &v->row_ns[i]);
	if (!st && xp_parse_bandwidth_bps(f[1], &v->row_bps[i], &why))
		st = bad_field(in, 2, "bandwidth", f[1], why);
	if (!st)
		st = parse_time(in, 3, "latency", f[2], &v->row_latency_ns[i]);
	return st;
}

/* One straggler row: time, factor (a number > 0, 1 = full speed, 2 = twice as slow). */
static xp_status slow_row(const trace_in *in, char **f, xp_straggler *s, size_t i)
{
	const char *why;
	xp_status st = parse_time(in, 1, "time", f[0], &s->row_ns[i]);
	if (!st && (xp_parse_number(f[1], &s->row_factor[i], &why) || s->row_factor[i] < 1e-6 ||
	            s->row_factor[i] > 1e6))
		st = bad_field(in, 2, "factor", f[1], "a slow-down factor from 1e-6 to 1e6");
	return st;
}

/* Resize *p to n entries of size bytes; 0, or -1 leaving *p as it was. */
static int resize(void *p, size_t n, size_t size)
{
	void **slot = p, *q = realloc(*slot, n * size);
	if (!q)
		return -1;
	*slot = q;
	return 0;
}

static xp_status grow(xp_error *err, size_t n, int link, void *target)
{
	int bad;
	if (link) {
		xp_link_variation *v = target;
		bad = resize(&v->row_ns, n, sizeof(int64_t)) ||
		      resize(&v->row_bps, n, sizeof(double)) ||
		      resize(&v->row_latency_ns, n, sizeof(int64_t));
	} else {
		xp_straggler *s = target;
		bad = resize(&s->row_ns, n, sizeof(int64_t)) ||
		      resize(&s->row_factor, n, sizeof(double));
	}
	return bad ? xp_fail(err, XP_ENOMEM, "out of memory reading a trace") : XP_OK;
}

/* Read row i of the current line (fields f, n of them) into target. */
static xp_status one_row(const trace_in *in, char **f, int n, int link, void *target, size_t i,
                         const int64_t *times)
{
	int want = link ? 3 : 2;
	if (n != want)
		return xp_fail(in->err, XP_EINVAL,
		               "%s:%d: expected %d comma-separated fields (%s), got %d", in->path,
		               in->line, want, link ? "time,bandwidth,latency" : "time,factor", n);
	xp_status st = link ? link_row(in, f, target, i) : slow_row(in, f, target, i);
	if (!st && i > 0 && times[i] <= times[i - 1])
		st = xp_fail(in->err, XP_EINVAL,
		             "%s:%d: column 1 (time): '%s' is not after the previous row's time "
		             "(times must increase)",
		             in->path, in->line, f[0]);
	return st;
}

static xp_status parse_rows(trace_in *in, char *text, int link, void *target, size_t *rows)
{
	size_t n = 0, cap = 0;
	xp_status st = XP_OK;
	char *save = NULL, *f[MAX_FIELD + 1];
	in->line = 0;
	for (char *p = text; p && !st; p = save) {
		save = strchr(p, '\n');
		if (save)
			*save++ = '\0';
		in->line++;
		int nf = split(p, f);
		if ((nf == 1 && !*f[0]) || f[0][0] == '#' || (n == 0 && !strcmp(f[0], "time")))
			continue;
		if (n == MAX_ROWS)
			return xp_fail(in->err, XP_EINVAL, "%s:%d: more than %zu rows", in->path,
			               in->line, MAX_ROWS);
		if (n == cap && (st = grow(in->err, cap = cap ? 2 * cap : 64, link, target)))
			break;
		const int64_t *times =
		    link ? ((xp_link_variation *)target)->row_ns : ((xp_straggler *)target)->row_ns;
		st = one_row(in, f, nf, link, target, n, times);
		n += !st;
	}
	*rows = n;
	if (!st && n == 0)
		st = xp_fail(in->err, XP_EINVAL, "%s: the trace has no rows", in->path);
	return st;
}

xp_status xp_reader_path(const xp_reader *rd, const xp_node *n, const char *key, char *out)
{
	const char *file = n->src->file, *slash = strrchr(file, '/');
	int len;
	if (n->src->override || n->text[0] == '/' || !slash)
		len = snprintf(out, XP_PATH_MAX, "%s", n->text);
	else
		len = snprintf(out, XP_PATH_MAX, "%.*s/%s", (int)(slash - file), file, n->text);
	if (len < 0 || len >= XP_PATH_MAX || !n->text[0])
		return xp_reader_fail(rd, n, key, "expected a file path (below %d characters)",
		                      XP_PATH_MAX);
	return XP_OK;
}

xp_status xp_read_trace_file(const xp_reader *rd, const char *key, int link, void *target,
                             size_t *rows)
{
	const xp_node *n = xp_reader_get(rd, key);
	char path[XP_PATH_MAX], *text = NULL;
	size_t len;
	if (!n)
		return XP_OK;
	if (n->kind != XP_NODE_SCALAR)
		return xp_reader_fail(rd, n, key, "expected a file path, got a list or mapping");
	xp_status st = xp_reader_path(rd, n, key, path);
	if (!st)
		st = xp_io_read_file(path, &text, &len, rd->err);
	if (!st && strlen(text) != len)
		st = xp_fail(rd->err, XP_EINVAL, "%s: a NUL byte in a text file", path);
	if (!st)
		st = parse_rows(&(trace_in){ path, rd->err, 0 }, text, link, target, rows);
	free(text);
	return st;
}
