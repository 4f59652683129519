/* sweep_fuzz.c: the sweep reader. xp_sweep_load reads a path, so each input is written to
 * sweep.yaml in a private folder that also holds base.yaml (a small scenario) for a relative
 * `base:` to find; the sweep's shape (tasks = points x seeds x schedules x engines) is checked on
 * success. */
#include <unistd.h>

#include "fuzz.h"
#include "sweep/sweep.h"

static const char base_yaml[] = "pipeline: {stages: 4, microbatches: 8}\n"
                                "model: {forward: 1ms, backward_input: 1ms,\n"
                                "        backward_weight: 1ms, activation: 64MiB}\n"
                                "datacenters: {count: 2}\n"
                                "network: {inter_dc: {latency_ratio: 2, bandwidth_ratio: 2}}\n"
                                "schedules: [1f1b, zbh1]\n";

static void write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	FZ_REQUIRE(f != NULL, "cannot create %s", path);
	FZ_REQUIRE(fwrite(data, 1, size, f) == size && fclose(f) == 0, "cannot write %s", path);
}

static const char *sweep_path(void)
{
	static char path[64];
	if (!path[0]) {
		char dir[] = "/tmp/xp-sweep-fuzz-XXXXXX";
		FZ_REQUIRE(mkdtemp(dir) != NULL, "cannot create a folder in /tmp");
		snprintf(path, sizeof path, "%s/base.yaml", dir);
		write_file(path, base_yaml, sizeof base_yaml - 1);
		snprintf(path, sizeof path, "%s/sweep.yaml", dir);
	}
	return path;
}

static void check_sweep(const xp_sweep *s)
{
	int points = xp_sweep_points(s), tasks = xp_sweep_tasks(s);
	FZ_REQUIRE(points >= 1 && tasks >= points, "a sweep of %d points and %d tasks", points,
	           tasks);
	const char *const *keys;
	int n_keys = xp_sweep_keys(s, &keys);
	for (int p = 0; p < points; p += 1 + points / 8) {
		const char *const *values = xp_sweep_values(s, p);
		for (int k = 0; k < n_keys; k++)
			FZ_REQUIRE(keys[k] && values[k], "point %d has no value for key %d", p, k);
	}
	int per_point = tasks / points;
	FZ_REQUIRE(per_point * points == tasks, "%d tasks are not a multiple of %d points", tasks,
	           points);
	xp_task last = xp_sweep_task(s, tasks - 1);
	FZ_REQUIRE(last.task == tasks - 1 && last.point == points - 1 && last.schedule &&
	               last.engine,
	           "the last task is %d of point %d", last.task, last.point);
	char *header = xp_sweep_csv_header(s);
	FZ_REQUIRE(header && header[strlen(header) - 1] == '\n', "no CSV header");
	free(header);
	FZ_REQUIRE(strlen(xp_sweep_hash(s)) == 16, "the hash is not 16 hex digits");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = sweep_path();
	write_file(path, data, size);
	xp_sweep *s = (xp_sweep *)1;
	xp_error err = { 0 };
	xp_status st = xp_sweep_load(path, &s, &err);
	fz_contract("xp_sweep_load", st, s, &err);
	if (st == XP_OK)
		check_sweep(s);
	xp_sweep_free(s);
	return 0;
}
