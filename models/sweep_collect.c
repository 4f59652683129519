/* sweep_collect.c: a Slurm run's part files merged into one result set, with what is missing. */
#include <stdlib.h>
#include <string.h>

#include "sweep_int.h"
#include "sweep_run_int.h"

typedef struct row_index {
	char **csv, **json; /* per task: its complete line in a part, or NULL */
	char *failed;       /* per task: its JSON row says error */
	char **texts;       /* the parts' contents, owned */
	int n_texts;
} row_index;

/* Point each task at its complete line in text (CSV after the header, or JSON). */
static void index_lines(row_index *ix, char *text, size_t len, int json, int tasks)
{
	char *p = text, *end = text + len;
	if (!json)
		p = (p = memchr(p, '\n', len)) ? p + 1 : end;
	for (char *nl; p < end && (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1) {
		int t = -1;
		sscanf(p, json ? "{\"task\": %d," : "%d,", &t);
		if (t < 0 || t >= tasks || (json ? ix->json[t] : ix->csv[t]))
			continue;
		if (json) {
			ix->json[t] = p;
			ix->failed[t] = !strncmp(strchr(p, ','), ", \"status\": \"error\"", 19);
		} else {
			ix->csv[t] = p;
		}
	}
}

static int read_part(row_index *ix, const char *dir, int shard, int tasks)
{
	static const char *const ext[] = { "csv", "jsonl" };
	for (int json = 0; json < 2; json++) {
		char path[4200];
		size_t len;
		snprintf(path, sizeof path, "%s/parts/part-%d.%s", dir, shard, ext[json]);
		char *text = xp_sw_slurp(path, &len);
		if (!text)
			continue; /* a shard that never ran: its tasks are missing */
		if (xp_sw_push((void **)&ix->texts, &ix->n_texts, sizeof text, &text)) {
			free(text);
			return -1;
		}
		index_lines(ix, text, len, json, tasks);
	}
	return 0;
}

static void line_out(FILE *f, const char *line)
{
	fwrite(line, 1, (size_t)(strchr(line, '\n') - line + 1), f);
}

static xp_status merge(const xp_sweep *s, const char *dir, const row_index *ix, int tasks,
                       xp_error *err)
{
	char csv[4200], json[4200];
	snprintf(csv, sizeof csv, "%s/results.csv", dir);
	snprintf(json, sizeof json, "%s/results.jsonl", dir);
	FILE *fc = fopen(csv, "wb"), *fj = fopen(json, "wb");
	char *header = xp_sweep_csv_header(s);
	int bad = !fc || !fj || !header;
	if (!bad) {
		fputs(header, fc);
		for (int t = 0; t < tasks; t++)
			if (ix->csv[t] && ix->json[t]) {
				line_out(fc, ix->csv[t]);
				line_out(fj, ix->json[t]);
			}
		bad = ferror(fc) || ferror(fj);
	}
	bad |= fc && fclose(fc) != 0;
	bad |= fj && fclose(fj) != 0;
	free(header);
	return bad ? xp_fail(err, XP_EIO, "cannot write %s", csv) : XP_OK;
}

static void report(xp_collect_report *rep, const row_index *ix, int tasks, int n_shards)
{
	rep->first_missing = rep->first_failed = -1;
	for (int t = 0; t < tasks; t++) {
		int present = ix->csv[t] && ix->json[t];
		int failed = present && ix->failed[t];
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
	return xp_manifest_write(s, &o, now, now, &sum, err);
}

xp_status xp_sweep_collect(const xp_sweep *s, const char *dir, int n_shards, int do_merge,
                           const char *command, xp_collect_report *rep, xp_error *err)
{
	int tasks = xp_sweep_tasks(s);
	row_index ix = { calloc((size_t)tasks + 1, sizeof(char *)),
		         calloc((size_t)tasks + 1, sizeof(char *)), calloc((size_t)tasks + 1, 1),
		         NULL, 0 };
	*rep = (xp_collect_report){ .tasks = tasks, .bad_shard = calloc((size_t)n_shards + 1, 1) };
	xp_status st = ix.csv && ix.json && ix.failed && rep->bad_shard
	                   ? XP_OK
	                   : xp_fail(err, XP_ENOMEM, "out of memory");
	for (int i = 0; i < n_shards && st == XP_OK; i++)
		if (read_part(&ix, dir, i, tasks))
			st = xp_fail(err, XP_ENOMEM, "out of memory");
	if (st == XP_OK)
		report(rep, &ix, tasks, n_shards);
	if (st == XP_OK && do_merge)
		st = merge(s, dir, &ix, tasks, err);
	if (st == XP_OK && do_merge && command)
		st = manifest(s, dir, n_shards, command, rep, err);
	for (int i = 0; i < ix.n_texts; i++)
		free(ix.texts[i]);
	free(ix.texts);
	free(ix.csv);
	free(ix.json);
	free(ix.failed);
	return st;
}
