/* sweep_collect.c: a Slurm run's part files merged into one result set, with what is missing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "sweep/sweep_int.h"
#include "sweep/sweep_run_int.h"

typedef struct parts {
	xp_row_index ix; /* every part's checked rows */
	char **texts;    /* the parts' contents, owned */
	int n_texts;
} parts;

static int keep_text(parts *P, char *text)
{
	if (!xp_sweep_push((void **)&P->texts, &P->n_texts, sizeof text, &text))
		return 0;
	free(text);
	return -1;
}

/* One shard's part: its rows checked as a resume checks them (a part never written, or one
 * written by another sweep version, holds no rows). */
static xp_status read_part(parts *P, const xp_sweep *s, const char *dir, int shard,
                           const char *header)
{
	char csv[4200], json[4200];
	size_t lc = 0, lj = 0;
	snprintf(csv, sizeof csv, "%s/parts/part-%d.csv", dir, shard);
	snprintf(json, sizeof json, "%s/parts/part-%d.jsonl", dir, shard);
	char *tc, *tj;
	xp_io_read_file_max(csv, XP_SWEEP_MAX_RESULT_BYTES, &tc, &lc, NULL);
	xp_io_read_file_max(json, XP_SWEEP_MAX_RESULT_BYTES, &tj, &lj, NULL);
	int bad = (tc && keep_text(P, tc)) || (tj && keep_text(P, tj));
	if (bad)
		return XP_ENOMEM;
	if (!tc || !tj || lc < strlen(header) || memcmp(tc, header, strlen(header)))
		return XP_OK;
	return xp_rix_add(&P->ix, s, tc, lc, tj, lj);
}

static void line_out(FILE *f, const char *line)
{
	fwrite(line, 1, (size_t)(strchr(line, '\n') - line + 1), f);
}

/* Both result files rendered in memory (each task's lines, in task order), then staged and
 * published together: neither appears unless both were written. */
static xp_status merge(const xp_sweep *s, const char *dir, const xp_row_index *ix,
                       const char *header, xp_error *err)
{
	char path[2][4200], *buf[2] = { NULL, NULL };
	size_t len[2] = { 0, 0 };
	snprintf(path[0], sizeof path[0], "%s/results.csv", dir);
	snprintf(path[1], sizeof path[1], "%s/results.jsonl", dir);
	FILE *fc = open_memstream(&buf[0], &len[0]), *fj = open_memstream(&buf[1], &len[1]);
	int bad = !fc || !fj;
	if (!bad) {
		fputs(header, fc);
		for (int t = 0; t < xp_sweep_tasks(s); t++)
			if (ix->csv[t] && ix->json[t]) {
				line_out(fc, ix->csv[t]);
				line_out(fj, ix->json[t]);
			}
	}
	bad |= fc && fclose(fc) != 0;
	bad |= fj && fclose(fj) != 0;
	xp_status st = bad ? xp_fail(err, XP_ENOMEM, "out of memory merging the parts") : XP_OK;
	xp_io_staged staged[2] = { { 0 }, { 0 } };
	for (int i = 0; i < 2 && st == XP_OK; i++)
		st = xp_io_stage(path[i], buf[i], len[i], &staged[i], err);
	for (int i = 0; i < 2 && st == XP_OK; i++)
		st = xp_io_publish(&staged[i], err);
	for (int i = 0; i < 2; i++) {
		xp_io_discard(&staged[i]);
		free(buf[i]);
	}
	return st;
}

static void report(xp_collect_report *rep, const xp_row_index *ix, int tasks, int n_shards)
{
	rep->first_missing = rep->first_failed = -1;
	for (int t = 0; t < tasks; t++) {
		int present = ix->csv[t] && ix->json[t];
		int failed = present && ix->status[t] == XP_ROW_FAILED;
		rep->ok += present && !failed;
		rep->failed += failed;
		rep->missing += !present;
		if (!present && rep->first_missing < 0)
			rep->first_missing = t;
		if (failed && rep->first_failed < 0)
			rep->first_failed = t;
		if ((!present || failed) && !rep->bad_shard[t % n_shards]) {
			rep->bad_shard[t % n_shards] = 1;
			rep->n_bad_shards++;
		}
	}
}

/* The manifest of a collected Slurm run: the time of the merge, and what it found. */
static xp_status manifest(const xp_sweep *s, const char *dir, int n_shards, const char *command,
                          const xp_collect_report *rep, xp_error *err)
{
	char now[32];
	xp_utc_now(now, sizeof now);
	xp_sweep_opts o = { .jobs = 1, .dir = dir, .n_shards = n_shards, .command = command };
	xp_sweep_summary sum = { .tasks = rep->tasks, .ok = rep->ok, .failed = rep->failed };
	xp_sweep_run_record run = {
		now, now, (char *)command, NULL, 1, 0, 0, rep->ok, rep->failed
	};
	return xp_manifest_write(s, &o, NULL, &run, &sum, err);
}

xp_status xp_sweep_collect(const xp_sweep *s, const char *dir, int n_shards, int do_merge,
                           const char *command, xp_collect_report *rep, xp_error *err)
{
	int tasks = xp_sweep_tasks(s);
	parts P = { .n_texts = 0 };
	char *header = xp_sweep_csv_header(s);
	*rep = (xp_collect_report){ .tasks = tasks, .bad_shard = calloc((size_t)n_shards + 1, 1) };
	xp_status st = xp_rix_init(&P.ix, tasks) == XP_OK && rep->bad_shard && header
	                   ? XP_OK
	                   : xp_fail(err, XP_ENOMEM, "out of memory");
	xp_sweep_opts lock_opts = { .dir = dir, .stem = "results" };
	int lock = st == XP_OK && do_merge ? xp_sweep_lock(&lock_opts, err) : -1;
	if (do_merge && lock < 0 && st == XP_OK)
		st = err->code; /* another sweep writes DIR/results.* */
	for (int i = 0; i < n_shards && st == XP_OK; i++)
		if (read_part(&P, s, dir, i, header))
			st = xp_fail(err, XP_ENOMEM, "out of memory");
	if (st == XP_OK && P.ix.n_stale) {
		xp_sweep_history h;
		if (xp_manifest_read(dir, &h) == XP_OK) {
			st = xp_sweep_refuse(s, dir, &P.ix, &h, err);
			xp_history_free(&h);
		} else {
			st = xp_fail(err, XP_ENOMEM, "out of memory");
		}
	}
	if (st == XP_OK)
		report(rep, &P.ix, tasks, n_shards);
	if (st == XP_OK && do_merge)
		st = merge(s, dir, &P.ix, header, err);
	if (st == XP_OK && do_merge && command)
		st = manifest(s, dir, n_shards, command, rep, err);
	if (lock >= 0)
		close(lock);
	for (int i = 0; i < P.n_texts; i++)
		free(P.texts[i]);
	free(P.texts);
	free(header);
	xp_rix_free(&P.ix);
	return st;
}

/* A checked row's state and figures, from its JSON line (rendered by this sweep, so the field
 * names cannot occur inside a quoted value). */
static xp_sweep_result result_of(const xp_row_index *ix, int t)
{
	xp_sweep_result r = { XP_SWEEP_ROW_MISSING, 0, 0 };
	const char *json = ix->expect[t], *m;
	if (!ix->csv[t] || !ix->json[t] || !json)
		return r;
	if (ix->status[t] != XP_ROW_OK) {
		int lost = strstr(json, ", \"status\": \"timeout\", ") ||
		           strstr(json, "\"message\": \"the worker process running this task died");
		r.state = lost ? XP_SWEEP_ROW_LOST : XP_SWEEP_ROW_ERROR;
		return r;
	}
	if (!(m = strstr(json, "\"makespan_ns\": ")))
		return r;
	r.state = XP_SWEEP_ROW_OK;
	r.makespan_ns = strtoll(m + strlen("\"makespan_ns\": "), NULL, 10);
	r.fits_memory = strstr(json, "\"fits_memory\": true") != NULL;
	return r;
}

xp_status xp_sweep_results(const xp_sweep *s, const char *dir, xp_sweep_result *out, xp_error *err)
{
	char csv[4200], json[4200], *tc = NULL, *tj = NULL, *header = xp_sweep_csv_header(s);
	size_t lc = 0, lj = 0;
	xp_row_index ix;
	xp_error why;
	snprintf(csv, sizeof csv, "%s/results.csv", dir);
	snprintf(json, sizeof json, "%s/results.jsonl", dir);
	xp_status st = header && xp_rix_init(&ix, xp_sweep_tasks(s)) == XP_OK
	                   ? XP_OK
	                   : xp_fail(err, XP_ENOMEM, "out of memory");
	if (!st && (xp_io_read_file_max(csv, XP_SWEEP_MAX_RESULT_BYTES, &tc, &lc, &why) ||
	            xp_io_read_file_max(json, XP_SWEEP_MAX_RESULT_BYTES, &tj, &lj, &why)))
		st = xp_fail(err, XP_EIO, "%s", why.msg);
	else if (!st && (lc < strlen(header) || memcmp(tc, header, strlen(header))))
		st = xp_fail(err, XP_EINVAL, "%s was written by another sweep (its header differs)",
		             csv);
	if (!st && xp_rix_add(&ix, s, tc, lc, tj, lj))
		st = xp_fail(err, XP_ENOMEM, "out of memory");
	if (!st && ix.n_stale) {
		xp_sweep_history h;
		st = xp_manifest_read(dir, &h) ? xp_fail(err, XP_ENOMEM, "out of memory")
		                               : xp_sweep_refuse(s, dir, &ix, &h, err);
		xp_history_free(&h);
	}
	for (int t = 0; !st && t < ix.tasks; t++)
		out[t] = result_of(&ix, t);
	if (header)
		xp_rix_free(&ix);
	free(tc);
	free(tj);
	free(header);
	return st;
}
