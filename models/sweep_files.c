/* sweep_files.c: the sweep's result files (append, resume) and its manifest. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crosspipe.h"
#include "output/output_int.h"
#include "sweep_run_int.h"

static void path_of(char *buf, size_t len, const xp_sweep_opts *o, const char *ext)
{
	snprintf(buf, len, "%s/%s.%s", o->dir, o->stem, ext);
}

/* mkdir -p of the folder holding path */
static int make_parents(const char *path)
{
	char tmp[4400];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

char *xp_sw_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0;
	*len = 0;
	if (!f)
		return NULL;
	FILE *m = open_memstream(&buf, &cap);
	char chunk[65536];
	size_t k;
	while (m && (k = fread(chunk, 1, sizeof chunk, f)) > 0)
		*len += fwrite(chunk, 1, k, m);
	fclose(f);
	if (m)
		fclose(m);
	return buf;
}

/* Task ids of complete lines: in JSON lines those with status ok, in CSV every row. */
static void scan(char *text, size_t len, int json, int tasks, char *mark)
{
	char *p = text, *end = text + len;
	if (!json && p < end && (p = memchr(p, '\n', (size_t)(end - p))))
		p++; /* the header */
	while (p && p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break; /* a torn last line */
		int t = -1;
		char status[8] = "";
		if (json)
			sscanf(p, "{\"task\": %d, \"status\": \"%7[a-z]\"", &t, status);
		else
			sscanf(p, "%d,", &t);
		if (t >= 0 && t < tasks && (!json || !strcmp(status, "ok")))
			mark[t] |= json ? 1 : 2;
		p = nl + 1;
	}
}

/* Rewrite path keeping the header (CSV) and the first complete line of every task in keep. */
static int rewrite(const char *path, char *text, size_t len, int json, const char *keep, int tasks,
                   const char *header)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	char *seen = calloc((size_t)tasks + 1, 1), *p = text, *end = text + len;
	if (!f || !seen) {
		if (f)
			fclose(f);
		free(seen);
		return -1;
	}
	if (!json) {
		fputs(header, f);
		p = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		p = p ? p + 1 : end;
	}
	for (char *nl; p < end && (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1) {
		int t = -1;
		sscanf(p, json ? "{\"task\": %d," : "%d,", &t);
		if (t >= 0 && t < tasks && keep[t] && !seen[t]) {
			seen[t] = 1;
			fwrite(p, 1, (size_t)(nl - p + 1), f);
		}
	}
	free(seen);
	int bad = ferror(f);
	bad |= fclose(f) != 0;
	return bad || rename(tmp, path) != 0 ? -1 : 0;
}

static xp_status resume(const char *csv, const char *json, const char *header, int tasks,
                        char *done, int *kept, xp_error *err)
{
	size_t lc, lj;
	char *tc = xp_sw_slurp(csv, &lc), *tj = xp_sw_slurp(json, &lj);
	char *mark = calloc((size_t)tasks + 1, 1);
	xp_status st = XP_OK;
	if (!tc || !tj || !mark)
		st = xp_fail(err, XP_EIO, "cannot read %s and %s to resume", csv, json);
	else if (lc < strlen(header) || memcmp(tc, header, strlen(header)))
		st = xp_fail(
		    err, XP_EINVAL,
		    "%s was written by another sweep (its header differs); use another --out", csv);
	if (st == XP_OK) {
		scan(tc, lc, 0, tasks, mark);
		scan(tj, lj, 1, tasks, mark);
		for (int t = 0; t < tasks; t++)
			*kept += done[t] = mark[t] == 3;
		if (rewrite(csv, tc, lc, 0, done, tasks, header) ||
		    rewrite(json, tj, lj, 1, done, tasks, header))
			st = xp_fail(err, XP_EIO, "cannot rewrite %s to resume", csv);
	}
	free(tc);
	free(tj);
	free(mark);
	return st;
}

xp_status xp_rows_open(const xp_sweep *s, const xp_sweep_opts *o, char *done, int *kept,
                       xp_rows *rows, xp_error *err)
{
	char csv[4200], json[4200];
	path_of(csv, sizeof csv, o, "csv");
	path_of(json, sizeof json, o, "jsonl");
	char *header = xp_sweep_csv_header(s);
	xp_status st = header ? XP_OK : XP_ENOMEM;
	int exists = access(csv, F_OK) == 0 || access(json, F_OK) == 0;
	*kept = 0;
	rows->csv = rows->json = -1;
	if (st == XP_OK && make_parents(csv))
		st = xp_fail(err, XP_EIO, "cannot create the folder of %s", csv);
	else if (st == XP_OK && exists && !o->resume)
		st = xp_fail(
		    err, XP_EINVAL,
		    "%s already holds results: add --resume to continue, or pick another --out",
		    o->dir);
	else if (st == XP_OK && exists)
		st = resume(csv, json, header, xp_sweep_tasks(s), done, kept, err);
	if (st == XP_OK) {
		rows->csv = open(csv, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
		rows->json = open(json, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
		if (rows->csv < 0 || rows->json < 0)
			st = xp_fail(err, XP_EIO, "cannot open %s for appending", csv);
		else if (!exists && xp_rows_append(rows, header, ""))
			st = xp_fail(err, XP_EIO, "cannot write %s", csv);
	}
	free(header);
	if (st != XP_OK)
		xp_rows_close(rows);
	return st;
}

int xp_sw_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t k = write(fd, p, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

int xp_rows_append(xp_rows *rows, const char *csv, const char *json)
{
	return xp_sw_write_all(rows->json, json, strlen(json)) ||
	               xp_sw_write_all(rows->csv, csv, strlen(csv))
	           ? -1
	           : 0;
}

void xp_rows_close(xp_rows *rows)
{
	if (rows->csv >= 0)
		close(rows->csv);
	if (rows->json >= 0)
		close(rows->json);
	rows->csv = rows->json = -1;
}

void xp_utc_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

xp_status xp_manifest_write(const xp_sweep *s, const xp_sweep_opts *o, const char *start,
                            const char *end, const xp_sweep_summary *sum, xp_error *err)
{
	char path[4200], tmp[4300], host[256] = "";
	snprintf(path, sizeof path, "%s/manifest.json", o->dir);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	gethostname(host, sizeof host - 1);
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return xp_fail(err, XP_EIO, "cannot write %s", path);
	xp_json j;
	xp_json_init(&j, f);
	xp_json_object(&j, NULL, 0);
	xp_json_str(&j, "crosspipe", xp_version());
	xp_json_str(&j, "sweep", xp_sweep_path(s));
	xp_json_str(&j, "sweep_fnv1a64", xp_sweep_hash(s));
	xp_json_str(&j, "command", o->command);
	xp_json_str(&j, "host", host);
	xp_json_str(&j, "start", start);
	if (end)
		xp_json_str(&j, "end", end);
	else
		xp_json_null(&j, "end");
	xp_json_int(&j, "points", xp_sweep_points(s));
	xp_json_int(&j, "tasks", xp_sweep_tasks(s));
	xp_json_int(&j, "shards", o->n_shards);
	xp_json_int(&j, "jobs", o->jobs);
	xp_json_int(&j, "ok", sum->ok + sum->skipped);
	xp_json_int(&j, "failed", sum->failed);
	xp_json_end(&j);
	int bad = xp_out_status(f) != XP_OK;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) != 0)
		return xp_fail(err, XP_EIO, "cannot write %s", path);
	return XP_OK;
}
