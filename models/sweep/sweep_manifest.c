/* sweep_manifest.c: DIR/manifest.json, the record of every run of a sweep into a folder, and the
 * refusal to resume rows of other points. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/io.h"
#include "crosspipe.h"
#include "output/output_int.h"
#include "scenario/scenario_int.h"
#include "sweep/sweep_run_int.h"

void xp_utc_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const xp_node *get(const xp_node *map, const char *key)
{
	for (int i = 0; map && map->kind == XP_NODE_MAP && i + 1 < map->n; i += 2)
		if (!strcmp(map->kids[i]->text, key))
			return map->kids[i + 1];
	return NULL;
}

/* A scalar's text (malloc'd), or NULL when absent or null. */
static char *text_of(const xp_node *map, const char *key)
{
	const xp_node *n = get(map, key);
	return n && n->kind == XP_NODE_SCALAR && !n->is_null ? strdup(n->text) : NULL;
}

static int int_of(const xp_node *map, const char *key)
{
	const xp_node *n = get(map, key);
	return n && n->kind == XP_NODE_SCALAR && !n->is_null ? atoi(n->text) : 0;
}

static xp_sweep_run_record run_of(const xp_node *m)
{
	xp_sweep_run_record r = { text_of(m, "start"), text_of(m, "end"), text_of(m, "command"),
		                  text_of(m, "host"),  int_of(m, "jobs"), int_of(m, "ran"),
		                  int_of(m, "kept"),   int_of(m, "ok"),   int_of(m, "failed") };
	return r;
}

static void run_free(xp_sweep_run_record *r)
{
	free(r->start);
	free(r->end);
	free(r->command);
	free(r->host);
}

xp_status xp_manifest_read(const char *dir, xp_sweep_history *h)
{
	char path[4200];
	size_t len;
	*h = (xp_sweep_history){ 0 };
	snprintf(path, sizeof path, "%s/manifest.json", dir);
	char *text;
	xp_io_read_file_max(path, XP_SWEEP_MAX_RESULT_BYTES, &text, &len, NULL);
	xp_node *root = NULL;
	xp_src src = { path, NULL };
	xp_error e;
	if (!text || xp_yaml_load(text, len, &src, &root, &e) != XP_OK) {
		free(text);
		return XP_OK; /* no manifest, or not one of ours: no history */
	}
	h->sweep_hash = text_of(root, "sweep_fnv1a64");
	h->base_hash = text_of(root, "base_fnv1a64");
	const xp_node *runs = get(root, "runs");
	int n = runs && runs->kind == XP_NODE_SEQ ? runs->n : 1; /* older: the top level */
	xp_status st = (h->runs = calloc((size_t)n, sizeof *h->runs)) ? XP_OK : XP_ENOMEM;
	for (int i = 0; st == XP_OK && i < n; i++)
		h->runs[h->n_runs++] =
		    run_of(runs && runs->kind == XP_NODE_SEQ ? runs->kids[i] : root);
	h->interrupted = h->n_runs && !h->runs[h->n_runs - 1].end;
	xp_node_free(root);
	free(text);
	return st;
}

void xp_history_free(xp_sweep_history *h)
{
	for (int i = 0; i < h->n_runs; i++)
		run_free(&h->runs[i]);
	free(h->runs);
	free(h->sweep_hash);
	free(h->base_hash);
	*h = (xp_sweep_history){ 0 };
}

static void str_or_null(xp_json *j, const char *key, const char *v)
{
	if (v)
		xp_json_str(j, key, v);
	else
		xp_json_null(j, key);
}

static void run_out(xp_json *j, const xp_sweep_run_record *r)
{
	xp_json_object(j, NULL, 1);
	str_or_null(j, "start", r->start);
	str_or_null(j, "end", r->end);
	str_or_null(j, "command", r->command);
	str_or_null(j, "host", r->host);
	xp_json_int(j, "jobs", r->jobs);
	xp_json_int(j, "ran", r->ran);
	xp_json_int(j, "kept", r->kept);
	xp_json_int(j, "ok", r->ok);
	xp_json_int(j, "failed", r->failed);
	xp_json_end(j);
}

static void manifest_out(FILE *f, const xp_sweep *s, const xp_sweep_opts *o,
                         const xp_sweep_history *h, const xp_sweep_run_record *now,
                         const xp_sweep_summary *sum)
{
	const xp_sweep_run_record *first = h && h->n_runs ? &h->runs[0] : now;
	xp_json j;
	xp_json_init(&j, f);
	xp_json_object(&j, NULL, 0);
	xp_json_str(&j, "crosspipe", xp_version());
	xp_json_str(&j, "sweep", xp_sweep_path(s));
	xp_json_str(&j, "sweep_fnv1a64", xp_sweep_hash(s));
	xp_json_str(&j, "base", xp_sweep_base(s));
	xp_json_str(&j, "base_fnv1a64", xp_sweep_base_hash(s));
	str_or_null(&j, "command", first->command);
	str_or_null(&j, "host", first->host);
	str_or_null(&j, "start", first->start);
	str_or_null(&j, "end", now->end);
	xp_json_int(&j, "points", xp_sweep_points(s));
	xp_json_int(&j, "tasks", xp_sweep_tasks(s));
	xp_json_int(&j, "shards", o->n_shards);
	xp_json_int(&j, "jobs", o->jobs);
	xp_json_int(&j, "ok", sum->ok + sum->skipped);
	xp_json_int(&j, "failed", sum->failed);
	xp_json_array(&j, "runs", 0);
	for (int i = 0; h && i < h->n_runs; i++)
		run_out(&j, &h->runs[i]);
	run_out(&j, now);
	xp_json_end(&j);
	xp_json_end(&j);
}

xp_status xp_manifest_write(const xp_sweep *s, const xp_sweep_opts *o, const xp_sweep_history *h,
                            const xp_sweep_run_record *now, const xp_sweep_summary *sum,
                            xp_error *err)
{
	char path[4200], *buf = NULL;
	size_t len = 0;
	snprintf(path, sizeof path, "%s/manifest.json", o->dir);
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return xp_fail(err, XP_ENOMEM, "out of memory writing %s", path);
	manifest_out(f, s, o, h, now, sum);
	int bad = xp_out_status(f) != XP_OK;
	bad |= fclose(f) != 0;
	xp_status st = bad ? xp_fail(err, XP_ENOMEM, "out of memory writing %s", path)
	                   : xp_io_write_atomic(path, buf, len, err);
	free(buf);
	return st;
}

/* What changed: the sweep file (its hash against the manifest's), or else the base scenario. */
static void what_changed(const xp_sweep *s, const xp_sweep_history *h, char *buf, size_t len)
{
	const char *sh = xp_sweep_hash(s), *bh = xp_sweep_base_hash(s);
	if (h && h->sweep_hash && strcmp(h->sweep_hash, sh))
		snprintf(buf, len,
		         "the sweep file changed: %s now hashes to %s, manifest.json recorded %s",
		         xp_sweep_path(s), sh, h->sweep_hash);
	else if (h && h->base_hash && strcmp(h->base_hash, bh))
		snprintf(
		    buf, len,
		    "the base scenario changed: %s now hashes to %s, manifest.json recorded %s "
		    "(the sweep file is unchanged, %s)",
		    xp_sweep_base(s), bh, h->base_hash, sh);
	else if (h && h->sweep_hash)
		snprintf(buf, len,
		         "the sweep file (%s) and base scenario (%s) hash as manifest.json "
		         "recorded, so the rows were not written for this output folder's sweep",
		         sh, bh);
	else
		snprintf(buf, len,
		         "manifest.json records no hashes to compare (sweep file %s, base "
		         "scenario %s)",
		         sh, bh);
}

xp_status xp_sweep_refuse(const xp_sweep *s, const char *dir, const xp_row_index *ix,
                          const xp_sweep_history *h, xp_error *err)
{
	char changed[1200];
	what_changed(s, h, changed, sizeof changed);
	return xp_fail(err, XP_EINVAL,
	               "%s: refusing to resume: the rows of %d task%s in it were made for other "
	               "points than this sweep's; %s:%s%s\nNothing was changed. Start a fresh "
	               "output folder (--out "
	               "NEW_DIR), or move %s away, and run the sweep again.",
	               dir, ix->n_stale, ix->n_stale == 1 ? "" : "s", changed,
	               ix->stale ? ix->stale : "", ix->n_stale > 3 ? "\n  ..." : "", dir);
}
