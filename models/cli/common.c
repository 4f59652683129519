/* common.c: what the crosspipe commands share: loading, building schedules, committing output. */
#include "cli.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int xp_cli_fail(const xp_error *err)
{
	if (err->code == XP_OK)
		return XP_EXIT_OK;
	xp_progress_clear();
	fprintf(stderr, "crosspipe: %s\n", err->msg[0] ? err->msg : xp_strerror(err->code));
	switch (err->code) {
	case XP_EINVAL:
	case XP_EMEMORY: return XP_EXIT_USAGE;
	case XP_EDEADLOCK: return XP_EXIT_DEADLOCK;
	default: return XP_EXIT_FAIL;
	}
}

/* scenarios/default.yaml in the working folder, else beside the program's source tree. */
static void default_scenario(const char *prog, char *buf, size_t len)
{
	snprintf(buf, len, "scenarios/default.yaml");
	if (access(buf, R_OK) == 0)
		return;
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s", prog);
	snprintf(buf, len, "%s/../scenarios/default.yaml", dirname(tmp));
	if (access(buf, R_OK) != 0)
		snprintf(buf, len, "scenarios/default.yaml");
}

int xp_cli_load(const xp_cli_opts *o, const char *prog, xp_scenario **sc)
{
	char path[4200];
	xp_error err;
	xp_error_clear(&err);
	if (o->scenario)
		snprintf(path, sizeof path, "%s", o->scenario);
	else
		default_scenario(prog, path, sizeof path);
	xp_scenario_load(path, o->sets, o->n_sets, sc, &err);
	if (err.code == XP_EIO) /* a scenario that cannot be read is bad input too */
		err.code = XP_EINVAL;
	return xp_cli_fail(&err);
}

static int add(xp_cli_set *set, xp_schedule *s)
{
	xp_schedule **n = realloc(set->sched, ((size_t)set->n + 1) * sizeof *n);
	if (!n) {
		xp_schedule_free(s);
		return -1;
	}
	set->sched = n;
	set->sched[set->n++] = s;
	return 0;
}

static xp_status build_named(const char *name, const xp_params *pr, xp_cli_set *set, xp_error *err)
{
	const xp_schedule_kind *k = xp_schedule_kind_find(name);
	if (!k)
		return xp_fail(err, XP_EINVAL,
		               "unknown schedule '%s' ('crosspipe schedules' lists them)", name);
	xp_schedule *s = NULL;
	xp_progress_task(0, "%s", name);
	xp_status st = k->build(pr, &s, err);
	if (st != XP_OK)
		return st;
	if (add(set, s))
		return xp_fail(err, XP_ENOMEM, "out of memory");
	return XP_OK;
}

static xp_status build_file(const char *path, const xp_params *pr, xp_cli_set *set, xp_error *err)
{
	xp_schedule *s = NULL;
	xp_status st = xp_schedule_load(path, &s, err);
	if (st == XP_EIO) /* a schedule file that cannot be read is bad input */
		err->code = st = XP_EINVAL;
	if (st != XP_OK)
		return st;
	if (xp_schedule_devices(s) != pr->stages ||
	    xp_schedule_microbatches(s) != pr->microbatches) {
		xp_fail(
		    err, XP_EINVAL,
		    "%s: the schedule has %d devices and %d microbatches, the scenario %d and %d",
		    path, xp_schedule_devices(s), xp_schedule_microbatches(s), pr->stages,
		    pr->microbatches);
		xp_schedule_free(s);
		return XP_EINVAL;
	}
	if (add(set, s))
		return xp_fail(err, XP_ENOMEM, "out of memory");
	return XP_OK;
}

int xp_cli_build(const xp_cli_opts *o, const xp_params *pr, xp_cli_set *set)
{
	xp_error err;
	xp_error_clear(&err);
	set->sched = NULL;
	set->n = 0;
	if (o->schedules) {
		char *list = strdup(o->schedules), *save = NULL;
		for (char *t = strtok_r(list, ",", &save); t && !err.code;
		     t = strtok_r(NULL, ",", &save))
			build_named(t, pr, set, &err);
		free(list);
	} else if (o->n_files == 0) {
		for (int i = 0; i < pr->n_schedules && !err.code; i++)
			build_named(pr->schedules[i], pr, set, &err);
	}
	for (int i = 0; i < o->n_files && !err.code; i++)
		build_file(o->files[i], pr, set, &err);
	return xp_cli_fail(&err);
}

void xp_cli_set_free(xp_cli_set *set)
{
	for (int i = 0; i < set->n; i++)
		xp_schedule_free(set->sched[i]);
	free(set->sched);
	set->sched = NULL;
	set->n = 0;
}

/* Write to a path that is not a regular file (a device or a FIFO) in place. */
static int write_special(const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	int bad = !f || fwrite(buf, 1, len, f) != len;
	if (f)
		bad |= fclose(f) != 0;
	if (bad) {
		fprintf(stderr, "crosspipe: cannot write %s\n", path);
		return XP_EXIT_FAIL;
	}
	return XP_EXIT_OK;
}

int xp_cli_commit(const char *path, const char *buf, size_t len)
{
	if (!path || !strcmp(path, "-")) {
		if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0) {
			perror("crosspipe: stdout");
			return XP_EXIT_FAIL;
		}
		return XP_EXIT_OK;
	}
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) /* /dev/null, a FIFO: never replace it */
		return write_special(path, buf, len);
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	int bad = !f;
	if (f) {
		bad = fwrite(buf, 1, len, f) != len;
		bad |= fclose(f) != 0;
	}
	if (bad || rename(tmp, path) != 0) {
		fprintf(stderr, "crosspipe: cannot write %s\n", path);
		remove(tmp);
		return XP_EXIT_FAIL;
	}
	return XP_EXIT_OK;
}
