/* sweep_files.c: the sweep's result files (append, resume), and the output folder's lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/io.h"
#include "crosspipe.h"
#include "sweep/sweep_run_int.h"

static void path_of(char *buf, size_t len, const xp_sweep_opts *o, const char *ext)
{
	snprintf(buf, len, "%s/%s.%s", o->dir, o->stem, ext);
}

int xp_sweep_lock(const xp_sweep_opts *o, xp_error *err)
{
	char path[4200];
	int part = strchr(o->stem, '/') != NULL;
	if (part)
		snprintf(path, sizeof path, "%s/%s.lock", o->dir, o->stem);
	else
		snprintf(path, sizeof path, "%s/", o->dir);
	if (xp_io_make_parents(path)) {
		xp_fail(err, XP_EIO, "cannot create the folder %s: %s", o->dir, strerror(errno));
		return -1;
	}
	int fd = part ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666)
	              : open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		xp_fail(err, XP_EIO, "cannot open %s to lock it: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	int e = errno;
	close(fd);
	if (e == EWOULDBLOCK)
		xp_fail(
		    err, XP_EINVAL,
		    "%s is in use: another crosspipe sweep is writing it (it holds the folder's "
		    "lock); wait for it to end, or use another --out",
		    part ? path : o->dir);
	else
		xp_fail(err, XP_EIO, "cannot lock %s: %s", path, strerror(e));
	return -1;
}

/* The kept lines of text (a checked line with status ok), in file order; CSV with its header. */
static char *kept_lines(const xp_row_index *ix, const char *text, size_t len, int json,
                        const char *header, size_t *out_len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, out_len);
	const char *p = text, *end = text + len, *nl;
	if (!f)
		return NULL;
	if (!json) {
		fputs(header, f);
		nl = memchr(p, '\n', len);
		p = nl ? nl + 1 : end;
	}
	for (; p < end && (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1) {
		int t = -1;
		sscanf(p, json ? "{\"task\": %d," : "%d,", &t);
		const char **mine = json ? ix->json : ix->csv;
		if (t >= 0 && t < ix->tasks && mine[t] == p && ix->status[t] == XP_ROW_OK)
			fwrite(p, 1, (size_t)(nl - p + 1), f);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Rewrite path with the kept lines, unless they are all it holds. */
static xp_status keep_only(const xp_row_index *ix, const char *path, const char *text, size_t len,
                           int json, const char *header, xp_error *err)
{
	size_t n = 0;
	char *kept = kept_lines(ix, text, len, json, header, &n);
	xp_status st = kept ? XP_OK : xp_fail(err, XP_ENOMEM, "out of memory");
	xp_error why;
	if (kept && (n != len || memcmp(kept, text, n)) &&
	    xp_io_write_atomic(path, kept, n, &why) != XP_OK)
		st = xp_fail(err, XP_EIO, "cannot rewrite %s to resume: %s", path, why.msg);
	free(kept);
	return st;
}

static xp_status resume(const xp_sweep *s, const xp_sweep_opts *o, const xp_sweep_history *h,
                        const char *csv, const char *json, const char *header, char *done,
                        int *kept, xp_error *err)
{
	size_t lc = 0, lj = 0, lh = strlen(header);
	char *tc = NULL, *tj = NULL;
	xp_error why;
	xp_status rd = xp_io_read_file_max(csv, XP_SWEEP_MAX_RESULT_BYTES, &tc, &lc, &why);
	if (rd == XP_OK && access(json, F_OK) != 0)
		tj = strdup(""); /* no JSON lines yet: every task runs again */
	else if (rd == XP_OK)
		rd = xp_io_read_file_max(json, XP_SWEEP_MAX_RESULT_BYTES, &tj, &lj, &why);
	xp_row_index ix;
	xp_status st = xp_rix_init(&ix, xp_sweep_tasks(s));
	if (st)
		st = xp_fail(err, XP_ENOMEM, "out of memory");
	else if (rd != XP_OK)
		st = xp_fail(err, rd, "%s (while resuming)", why.msg);
	else if (!tj)
		st = xp_fail(err, XP_ENOMEM, "out of memory");
	else if (lc < lh || memcmp(tc, header, lh))
		st = xp_fail(err, XP_EINVAL,
		             "%s was written by another sweep (its header differs: other axes, or "
		             "another crosspipe version); nothing was changed: use another --out",
		             csv);
	if (st == XP_OK && xp_rix_add(&ix, s, tc, lc, tj, lj))
		st = xp_fail(err, XP_ENOMEM, "out of memory");
	if (st == XP_OK && ix.n_stale)
		st = xp_sweep_refuse(s, o->dir, &ix, h, err);
	if (st == XP_OK) {
		for (int t = 0; t < ix.tasks; t++)
			*kept += done[t] = ix.status[t] == XP_ROW_OK;
		st = keep_only(&ix, csv, tc, lc, 0, header, err);
	}
	if (st == XP_OK)
		st = keep_only(&ix, json, tj, lj, 1, header, err);
	xp_rix_free(&ix);
	free(tc);
	free(tj);
	return st;
}

xp_status xp_rows_open(const xp_sweep *s, const xp_sweep_opts *o, const xp_sweep_history *h,
                       char *done, int *kept, xp_rows *rows, xp_error *err)
{
	char csv[4200], json[4200];
	path_of(csv, sizeof csv, o, "csv");
	path_of(json, sizeof json, o, "jsonl");
	char *header = xp_sweep_csv_header(s);
	xp_status st = header ? XP_OK : xp_fail(err, XP_ENOMEM, "out of memory");
	int exists = access(csv, F_OK) == 0 || access(json, F_OK) == 0;
	*kept = 0;
	rows->csv = rows->json = -1;
	if (st == XP_OK && xp_io_make_parents(csv))
		st = xp_fail(err, XP_EIO, "cannot create the folder of %s: %s", csv,
		             strerror(errno));
	else if (st == XP_OK && exists && !o->resume)
		st = xp_fail(err, XP_EINVAL,
		             "%s already holds %s: add --resume to continue it, or "
		             "pick another --out",
		             o->dir,
		             h && h->interrupted
		                 ? "an interrupted sweep (manifest.json has end: null)"
		                 : "results");
	else if (st == XP_OK && exists)
		st = resume(s, o, h, csv, json, header, done, kept, err);
	if (st == XP_OK) {
		rows->csv = open(csv, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
		rows->json = open(json, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
		if (rows->csv < 0 || rows->json < 0)
			st = xp_fail(err, XP_EIO, "cannot open %s for appending: %s", csv,
			             strerror(errno));
		else if (!exists && xp_rows_append(rows, header, ""))
			st = xp_fail(err, XP_EIO, "cannot write %s: %s", csv, strerror(errno));
	}
	free(header);
	if (st != XP_OK)
		xp_rows_close(rows);
	return st;
}

int xp_rows_append(xp_rows *rows, const char *csv, const char *json)
{
	return xp_io_write_all(rows->json, json, strlen(json)) ||
	               xp_io_write_all(rows->csv, csv, strlen(csv))
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
