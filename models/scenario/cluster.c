/* cluster.c: the keys that tie a layout to the cluster and the job (docs/memory.md): the GPUs of
 * each datacenter and of a node, checked against what the layout uses, and the global batch,
 * which sets the microbatch count. */
#include <stdlib.h>

#include "scenario/scenario_int.h"

#define MAX_GPUS ((int64_t)1 << 30)

xp_status xp_read_global_batch(const xp_reader *rd, xp_params *pr, int64_t *m)
{
	static const char key[] = "pipeline.global_batch";
	int64_t batch = 0, b = 1;
	xp_status st = xp_reader_int(rd, key, 1, MAX_GPUS * 1024, 0, &batch);
	if (st || !batch)
		return st;
	if (xp_reader_get(rd, "pipeline.microbatches"))
		return xp_reader_fail(rd, xp_reader_key(rd, "pipeline.microbatches"),
		                      "pipeline.microbatches",
		                      "expected either pipeline.microbatches or %s, not both", key);
	if ((st = xp_reader_int(rd, "model.transformer.microbatch_size", 1, MAX_GPUS, 0, &b)))
		return st;
	if (batch % ((int64_t)pr->dp * b))
		return xp_reader_fail(
		    rd, xp_reader_get(rd, key), key,
		    "expected a multiple of dp (%d) x microbatch size (%lld), got "
		    "%lld",
		    pr->dp, (long long)b, (long long)batch);
	pr->global_batch = batch;
	*m = batch / ((int64_t)pr->dp * b);
	return XP_OK;
}

/* The GPUs a layout puts in datacenter dc: tp x dp x its stages (split pp), or tp x stages x
 * its share of the replicas (split dp). */
static int64_t gpus_in(const xp_params *pr, int dc)
{
	int64_t stages = 0;
	if (pr->dp_across_dc)
		return (int64_t)pr->tp * pr->stages * (pr->dp / pr->datacenters);
	for (int k = 0; k < pr->stages; k++)
		stages += pr->placement[k] == dc;
	return (int64_t)pr->tp * pr->dp * stages;
}

/* datacenters.gpus: one count for every DC, or a list of one per DC (into n[dc]; 0 absent). */
static xp_status read_gpus(const xp_reader *rd, const xp_params *pr, int64_t *n)
{
	static const char key[] = "datacenters.gpus";
	const xp_node *nd = xp_reader_get(rd, key);
	if (!nd || nd->kind != XP_NODE_SEQ) {
		xp_status st = xp_reader_int(rd, key, 1, MAX_GPUS, 0, &n[0]);
		for (int dc = 1; dc < pr->datacenters; dc++)
			n[dc] = n[0];
		return st;
	}
	if (nd->n != pr->datacenters)
		return xp_reader_fail(rd, nd, key,
		                      "expected one count or a list of %d (one per datacenter)",
		                      pr->datacenters);
	int *v = calloc((size_t)pr->datacenters, sizeof *v);
	if (!v)
		return xp_fail(rd->err, XP_ENOMEM, "out of memory");
	xp_status st = xp_reader_int_list(rd, key, pr->datacenters, 1, MAX_GPUS, v);
	for (int dc = 0; dc < pr->datacenters; dc++)
		n[dc] = v[dc];
	free(v);
	return st;
}

xp_status xp_read_cluster(const xp_reader *rd, xp_params *pr)
{
	static const char gpus[] = "datacenters.gpus", node[] = "datacenters.gpus_per_node";
	int64_t per_node = 0, *n = calloc((size_t)pr->datacenters + 1, sizeof *n);
	if (!n)
		return xp_fail(rd->err, XP_ENOMEM, "out of memory");
	xp_status st = read_gpus(rd, pr, n);
	if (!st)
		st = xp_reader_int(rd, node, 1, 1024, 0, &per_node);
	pr->dc_gpus = n[0];
	pr->gpus_per_node = (int)per_node;
	if (!st && per_node && per_node % pr->tp)
		st = xp_reader_fail(rd, xp_reader_get(rd, node), node,
		                    "TP (%d) must divide the GPUs of a node (%lld): TP stays "
		                    "inside a node",
		                    pr->tp, (long long)per_node);
	for (int dc = 0; !st && n[dc] && dc < pr->datacenters; dc++)
		if (gpus_in(pr, dc) > n[dc])
			st = xp_reader_fail(rd, xp_reader_get(rd, gpus), gpus,
			                    "datacenter %d has %lld GPUs, the layout puts %lld "
			                    "there (tp %d x dp %d x its stages)",
			                    dc, (long long)n[dc], (long long)gpus_in(pr, dc),
			                    pr->tp, pr->dp);
	free(n);
	return st;
}

/* One entry of a per-DC list: a scalar parsed by parse, > 0. */
static xp_status dc_entry(const xp_reader *rd, const xp_node *n, const char *key,
                          xp_f64_parser parse, double *out)
{
	const char *why = "a value";
	if (n->kind != XP_NODE_SCALAR || parse(n->text, out, &why) < 0 || !(*out > 0))
		return xp_reader_fail(rd, n, key, "expected %s > 0 for each datacenter",
		                      n->kind == XP_NODE_SCALAR ? why : "a value");
	return XP_OK;
}

xp_status xp_read_per_dc(const xp_reader *rd, const char *key, xp_f64_parser parse,
                         const xp_params *pr, double *out, int *given)
{
	const xp_node *n = xp_reader_get(rd, key);
	int D = pr->datacenters;
	xp_status st = XP_OK;
	*given = n != NULL;
	if (!n)
		return XP_OK;
	if (n->kind == XP_NODE_MAP || (n->kind == XP_NODE_SEQ && n->n != D))
		return xp_reader_fail(rd, n, key,
		                      "expected one value or a list of %d (one per "
		                      "datacenter)",
		                      D);
	for (int dc = 0; !st && dc < D; dc++)
		st = dc_entry(rd, n->kind == XP_NODE_SEQ ? n->kids[dc] : n, key, parse, &out[dc]);
	for (int dc = 1; !st && pr->dp_across_dc && dc < D; dc++)
		if (out[dc] != out[0])
			return xp_reader_fail(rd, n, key,
			                      "expected the same value in every datacenter with "
			                      "datacenters.split: dp");
	return st;
}
