/* timeline.c: `run --timeline FILE`: every op, transfer and DP collective of every result with
 * its times, as one CSV (docs/outputs.md#timeline). */
#include <inttypes.h>
#include <stdlib.h>

#include "output/output_int.h"

static const char header[] = "schedule,engine,record,device,part,chunk,kind,mb,piece,src,dst,"
                             "bytes,crosses_dc,ready_ns,start_ns,end_ns,arrive_ns\n";

static void lead(FILE *f, const xp_result *r, const char *record)
{
	xp_out_csv_field(f, r->schedule);
	fputc(',', f);
	xp_out_csv_field(f, r->engine);
	fprintf(f, ",%s,", record);
}

static const char *kind_name(int kind)
{
	static const char *const names[] = { "F", "B", "D", "W" };
	return kind >= 0 && kind < 4 ? names[kind] : "?";
}

/* every op, device by device, each device's in its order */
static void ops(FILE *f, const xp_result *r)
{
	for (int d = 0; d < r->devices; d++)
		for (size_t k = 0, n = xp_schedule_len(r->sched, d); k < n; k++) {
			xp_op op = xp_out_op(r, d, k);
			size_t i = r->op_offset[d] + k;
			lead(f, r, "op");
			fprintf(f, "%d,%d,%d,%s,%d,", d, xp_schedule_part(r->sched, d, op.chunk),
			        op.chunk, kind_name(op.kind), op.mb);
			if (xp_op_is_piece(op))
				fprintf(f, "%u:%u/%u", op.lo, op.hi, op.nsub);
			fprintf(f, ",,,,,,%" PRId64 ",%" PRId64 ",\n", r->op_start_ns[i],
			        r->op_end_ns[i]);
		}
}

static int transfer_cmp(const void *a, const void *b)
{
	const xp_transfer *x = *(const xp_transfer *const *)a, *y = *(const xp_transfer *const *)b;
	int64_t kx[] = { x->start_ns, x->src, x->dst, x->part, x->mb, x->kind, x->ready_ns };
	int64_t ky[] = { y->start_ns, y->src, y->dst, y->part, y->mb, y->kind, y->ready_ns };
	for (size_t i = 0; i < sizeof kx / sizeof kx[0]; i++)
		if (kx[i] != ky[i])
			return kx[i] < ky[i] ? -1 : 1;
	return 0;
}

static int collective_cmp(const void *a, const void *b)
{
	const xp_collective *x = *(const xp_collective *const *)a;
	const xp_collective *y = *(const xp_collective *const *)b;
	int64_t kx[] = { x->start_ns, x->device, x->chunk, x->kind, x->end_ns };
	int64_t ky[] = { y->start_ns, y->device, y->chunk, y->kind, y->end_ns };
	for (size_t i = 0; i < sizeof kx / sizeof kx[0]; i++)
		if (kx[i] != ky[i])
			return kx[i] < ky[i] ? -1 : 1;
	return 0;
}

/* the records of an array in sorted order (pointers into it); NULL for none or out of memory */
static const void **sorted(const void *base, size_t n, size_t size,
                           int (*cmp)(const void *, const void *), xp_status *st)
{
	if (n == 0)
		return NULL;
	const void **p = malloc(n * sizeof *p);
	if (!p) {
		*st = XP_ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		p[i] = (const char *)base + i * size;
	qsort(p, n, sizeof *p, cmp);
	return p;
}

static xp_status transfers(FILE *f, const xp_result *r)
{
	xp_status st = XP_OK;
	const void **p =
	    sorted(r->transfers, r->n_transfers, sizeof *r->transfers, transfer_cmp, &st);
	for (size_t i = 0; p && i < r->n_transfers; i++) {
		const xp_transfer *t = p[i];
		lead(f, r, "transfer");
		fprintf(f,
		        ",%d,,%s,%d,,%d,%d,%" PRId64 ",%d,%" PRId64 ",%" PRId64 ",%" PRId64
		        ",%" PRId64 "\n",
		        t->part, kind_name(t->kind), t->mb, t->src, t->dst, t->bytes,
		        t->crosses_dc ? 1 : 0, t->ready_ns, t->start_ns, t->end_ns, t->arrive_ns);
	}
	free(p);
	return st;
}

static xp_status collectives(FILE *f, const xp_result *r)
{
	static const char *const names[XP_COLL_KINDS] = { "all-gather", "reduce-scatter",
		                                          "wan-all-reduce" };
	xp_status st = XP_OK;
	const void **p =
	    sorted(r->collectives, r->n_collectives, sizeof *r->collectives, collective_cmp, &st);
	for (size_t i = 0; p && i < r->n_collectives; i++) {
		const xp_collective *c = p[i];
		lead(f, r, "collective");
		fprintf(f, "%d,,", c->device);
		if (c->kind != XP_COLL_WAN_ALLREDUCE)
			fprintf(f, "%d", c->chunk);
		fprintf(f, ",%s,,,,,%" PRId64 ",,,%" PRId64 ",%" PRId64 ",\n",
		        c->kind < XP_COLL_KINDS ? names[c->kind] : "?", c->bytes, c->start_ns,
		        c->end_ns);
	}
	free(p);
	return st;
}

xp_status xp_write_timeline(FILE *f, const xp_scenario *sc, xp_result *const *res, int n)
{
	(void)sc;
	xp_status st = XP_OK;
	fputs(header, f);
	for (int i = 0; i < n && st == XP_OK; i++) {
		ops(f, res[i]);
		st = transfers(f, res[i]);
		if (st == XP_OK)
			st = collectives(f, res[i]);
	}
	return st != XP_OK ? st : xp_out_status(f);
}
