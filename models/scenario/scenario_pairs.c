/* scenario_pairs.c: network.inter_dc.pairs, the link between each pair of datacenters: a mapping
 * from pair names ("0-1", the lower datacenter first) to {latency, bandwidth, trace}. A pair not
 * named uses the inter-DC class (network.inter_dc.latency, .bandwidth, .trace). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "scenario/scenario_int.h"

#define KEY       "network.inter_dc.pairs"
#define MAX_DCS   64 /* pairs are kept in a datacenters^2 table */
#define NAME_LEN  8  /* "63-64" */
#define PATH_SIZE 96

static const char *const pair_keys[] = { "latency", "bandwidth", "trace", NULL };

/* The names of every pair, "a-b" for a < b, and a NULL-terminated list of them for the schema
 * check (its "did you mean" then suggests the nearest pair name). */
static xp_status pair_names(const xp_reader *rd, int D, char **names, const char ***list)
{
	int n = D * (D - 1) / 2, k = 0;
	*names = malloc((size_t)n * NAME_LEN);
	*list = calloc((size_t)n + 1, sizeof **list);
	if (!*names || !*list)
		return xp_fail(rd->err, XP_ENOMEM, "out of memory");
	for (int a = 0; a < D; a++)
		for (int b = a + 1; b < D; b++, k++) {
			snprintf(*names + (size_t)k * NAME_LEN, NAME_LEN, "%d-%d", a, b);
			(*list)[k] = *names + (size_t)k * NAME_LEN;
		}
	return XP_OK;
}

/* One pair, at path: its keys, latency, bandwidth and trace; the class's values by default. */
static xp_status read_pair(const xp_reader *rd, const char *path, xp_params *pr, xp_dc_pair *e)
{
	const char *const maps[] = { path, NULL };
	const char *const *const keys[] = { pair_keys };
	char lat[PATH_SIZE], bw[PATH_SIZE], trace[PATH_SIZE];
	snprintf(lat, sizeof lat, "%.60s.latency", path);
	snprintf(bw, sizeof bw, "%.60s.bandwidth", path);
	snprintf(trace, sizeof trace, "%.60s.trace", path);
	e->given = 1;
	e->link = pr->inter_dc;
	e->var = pr->inter_var; /* the class's variation and degradation ... */
	e->var.n_rows = 0;      /* ... but not its trace */
	e->var.row_ns = e->var.row_latency_ns = NULL;
	e->var.row_bps = NULL;
	xp_status st = xp_reader_schema(rd, maps, keys);
	if (!st)
		st = xp_reader_i64(rd, lat, xp_parse_time_ns, 0, &e->link.latency_ns);
	if (!st)
		st = xp_reader_f64(rd, bw, xp_parse_bandwidth_bps, 0, &e->link.bandwidth_bps);
	if (!st)
		st = xp_read_trace_file(rd, trace, 1, &e->var, &e->var.n_rows);
	if (st || e->var.n_rows == 0)
		return st;
	if (!xp_reader_get(rd, bw)) /* the trace's first row is then the pair's nominal */
		e->link.bandwidth_bps = e->var.row_bps[0];
	if (!xp_reader_get(rd, lat))
		e->link.latency_ns = e->var.row_latency_ns[0];
	return XP_OK;
}

/* A name "b-a" of a pair written upper datacenter first: said so, rather than a far guess. */
static xp_status reversed(const xp_reader *rd, const xp_node *map, int D)
{
	for (int i = 0; i + 1 < map->n; i += 2) {
		int a = -1, b = -1, end = 0;
		const char *name = map->kids[i]->text;
		if (sscanf(name, "%d-%d%n", &a, &b, &end) == 2 && !name[end] && b >= 0 && b < a &&
		    a < D)
			return xp_reader_fail(rd, map->kids[i], KEY,
			                      "'%s': name a pair with the lower datacenter first: "
			                      "'%d-%d'",
			                      name, b, a);
	}
	return XP_OK;
}

static xp_status read_pairs(const xp_reader *rd, const xp_node *map, xp_params *pr)
{
	int D = pr->datacenters;
	char *names = NULL, path[PATH_SIZE];
	const char **list = NULL;
	xp_status st = pair_names(rd, D, &names, &list);
	const char *const maps[] = { KEY, NULL };
	const char *const *const keys[] = { list };
	if (!st)
		st = reversed(rd, map, D);
	if (!st)
		st = xp_reader_schema(rd, maps, keys);
	if (!st && !(pr->dc_pairs = calloc((size_t)D * D, sizeof *pr->dc_pairs)))
		st = xp_fail(rd->err, XP_ENOMEM, "out of memory");
	for (int i = 0; !st && i + 1 < map->n; i += 2) {
		int a = -1, b = -1;
		sscanf(map->kids[i]->text, "%d-%d", &a, &b); /* a name of the list: a < b */
		snprintf(path, sizeof path, "%s.%s", KEY, map->kids[i]->text);
		st = read_pair(rd, path, pr, &pr->dc_pairs[a * D + b]);
	}
	free(names);
	free(list);
	return st;
}

xp_status xp_read_dc_pairs(const xp_reader *rd, xp_params *pr)
{
	const xp_node *map = xp_reader_get(rd, KEY);
	if (!map)
		return XP_OK;
	if (map->kind != XP_NODE_MAP)
		return xp_reader_fail(rd, map, KEY,
		                      "expected a mapping from datacenter pairs to links, such as "
		                      "{\"0-1\": {latency: 5ms, bandwidth: 100Gbps}}");
	if (pr->datacenters < 2 || pr->datacenters > MAX_DCS)
		return xp_reader_fail(rd, map, KEY,
		                      "needs 2 to %d datacenters, the scenario has %d", MAX_DCS,
		                      pr->datacenters);
	return read_pairs(rd, map, pr);
}

void xp_params_free_pairs(xp_params *pr)
{
	for (int i = 0; pr->dc_pairs && i < pr->datacenters * pr->datacenters; i++) {
		free(pr->dc_pairs[i].var.row_ns);
		free(pr->dc_pairs[i].var.row_bps);
		free(pr->dc_pairs[i].var.row_latency_ns);
	}
	free(pr->dc_pairs);
	pr->dc_pairs = NULL;
}
