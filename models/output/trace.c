/* trace.c: the Chrome trace-event JSON (Perfetto, chrome://tracing): one process per result, a
 * thread per device, per directed link that carries messages and per device chunk with DP
 * collectives; a flow from each message to the op that consumes it, and a memory counter per
 * device. */
#include <stdlib.h>

#include "crosspipe.h"
#include "engine/exec.h"
#include "output/output_int.h"
#include "schedule/block_cost.h"

/* Thread ids of one process: devices first, then links, then DP collectives (device, chunk). */
typedef struct layout {
	int pid, devices, chunks;
	const xp_params *pr;
	xp_out_link *links;
	int n_links;
	int64_t *waiter; /* per slot (exec.h): the op index (r->op_start_ns) first waiting, or -1 */
	int64_t *flow;   /* the id of the next flow, counted over the whole file */
	int64_t origin;  /* the iteration's start (xp_out_origin) */
} layout;

static int link_tid(const layout *L, int li)
{
	return L->devices + li;
}

static int coll_tid(const layout *L, int device, int chunk)
{
	return L->devices + L->n_links + device * L->chunks + chunk;
}

/* An event's common head: name, phase, pid, tid (the object is left open). */
static void head(xp_json *j, const char *name, const char *ph, int pid, int tid)
{
	xp_json_object(j, NULL, 1);
	xp_json_str(j, "name", name);
	xp_json_str(j, "ph", ph);
	xp_json_int(j, "pid", pid);
	xp_json_int(j, "tid", tid);
}

static void meta(xp_json *j, const char *what, int pid, int tid, const char *label, int sort)
{
	head(j, what, "M", pid, tid);
	xp_json_object(j, "args", 1);
	if (label)
		xp_json_str(j, "name", label);
	else
		xp_json_int(j, "sort_index", sort);
	xp_json_end(j);
	xp_json_end(j);
}

static void thread(xp_json *j, int pid, int tid, const char *label)
{
	meta(j, "thread_name", pid, tid, label, 0);
	meta(j, "thread_sort_index", pid, tid, NULL, tid);
}

/* A complete ("X") event's head and times; the caller adds args and closes it. */
static void span(xp_json *j, const char *name, const char *cat, int pid, int tid, int64_t start,
                 int64_t end)
{
	char us[32];
	head(j, name, "X", pid, tid);
	xp_json_str(j, "cat", cat);
	xp_json_raw(j, "ts", xp_out_us(us, sizeof us, start));
	xp_json_raw(j, "dur", xp_out_us(us, sizeof us, end - start));
}

static void device_ops(xp_json *j, const layout *L, const xp_result *r, int d)
{
	static const char *const cats[XP_OP_KINDS] = { "F", "B", "D", "W", "F+B" };
	char name[64], piece[32];
	for (size_t k = 0, n = xp_schedule_len(r->sched, d); k < n; k++) {
		xp_op op = xp_out_op(r, d, k);
		size_t i = r->op_offset[d] + k;
		xp_op_format(name, sizeof name, r->sched, op);
		span(j, name, cats[op.kind < XP_OP_KINDS ? op.kind : 0], L->pid, d,
		     r->op_start_ns[i], r->op_end_ns[i]);
		xp_json_object(j, "args", 1);
		xp_json_int(j, "mb", op.mb);
		xp_json_int(j, "chunk", op.chunk);
		xp_json_int(j, "part", xp_schedule_part(r->sched, d, op.chunk));
		if (op.kind == XP_OP_O) { /* the overlapped B */
			xp_json_int(j, "b_mb", op.mb2);
			xp_json_int(j, "b_chunk", op.chunk2);
			xp_json_int(j, "b_part", xp_schedule_part(r->sched, d, op.chunk2));
		}
		if (xp_op_is_piece(op)) {
			snprintf(piece, sizeof piece, "%u:%u/%u", op.lo, op.hi, op.nsub);
			xp_json_str(j, "piece", piece);
		}
		xp_json_end(j);
		xp_json_end(j);
	}
}

/* The op that consumes message t: the first op of t's destination that waits for the slot t
 * fills (xp_exec_consumers); -1 when none does. */
static int64_t consumer(const layout *L, const xp_result *r, const xp_transfer *t)
{
	xp_exec_dep dep[2];
	int parts = xp_schedule_parts(r->sched), m = xp_schedule_microbatches(r->sched);
	int n = xp_exec_consumers(r->sched, t->kind, t->part, t->src, dep);
	for (int k = 0; k < n; k++)
		if (dep[k].remote && dep[k].device == t->dst && t->mb >= 0 && t->mb < m)
			return L->waiter[xp_exec_slot(parts, m, dep[k].cls, dep[k].part, t->mb)];
	return -1;
}

/* A flow arrow from message t (its start, "s", in the middle of its window on link thread tid)
 * to its consumer (its end, "f", at the consumer's start, bound to the slice that starts there). */
static void flow(xp_json *j, const layout *L, const xp_result *r, const xp_transfer *t,
                 const char *name, int tid)
{
	int64_t op = consumer(L, r, t);
	if (op < 0)
		return;
	char us[32];
	head(j, name, "s", L->pid, tid);
	xp_json_str(j, "cat", "message");
	xp_json_int(j, "id", *L->flow);
	xp_json_raw(j, "ts", xp_out_us(us, sizeof us, t->start_ns + (t->end_ns - t->start_ns) / 2));
	xp_json_end(j);
	head(j, name, "f", L->pid, t->dst);
	xp_json_str(j, "cat", "message");
	xp_json_int(j, "id", (*L->flow)++);
	xp_json_raw(j, "ts", xp_out_us(us, sizeof us, r->op_start_ns[op]));
	xp_json_end(j);
}

/* Per slot, the first op that waits for it (all of a slot's waiters are on one device); NULL
 * when out of memory. */
static int64_t *waiters(const xp_result *r)
{
	const xp_schedule *s = r->sched;
	size_t slots =
	    (size_t)XP_SLOTS * (size_t)xp_schedule_parts(s) * (size_t)xp_schedule_microbatches(s);
	int64_t *w = malloc((slots ? slots : 1) * sizeof *w);
	if (!w)
		return NULL;
	for (size_t i = 0; i < slots; i++)
		w[i] = -1;
	for (int d = 0; d < r->devices; d++) { /* backwards, so that the first waiter stays */
		for (size_t k = xp_schedule_len(s, d); k-- > 0;) {
			int64_t slot[2]; /* an overlapped op waits for two */
			for (int h = 0, n = xp_exec_op_slots(s, d, xp_out_op(r, d, k), slot); h < n;
			     h++)
				w[slot[h]] = (int64_t)(r->op_offset[d] + k);
		}
	}
	return w;
}

/* One counter sample of device d's activation memory at ns. */
static void sample(xp_json *j, const layout *L, int d, int64_t ns, int64_t bytes)
{
	char name[32], us[32];
	snprintf(name, sizeof name, "memory device %d", d);
	head(j, name, "C", L->pid, d);
	xp_json_raw(j, "ts", xp_out_us(us, sizeof us, ns));
	xp_json_object(j, "args", 1);
	xp_json_int(j, "bytes", bytes);
	xp_json_end(j);
	xp_json_end(j);
}

/* Device d's memory counter (xp_device_memory, the walk of its peak): 0 at the iteration's start,
 * then a sample at each op start or end that changes what it holds. */
static xp_status memory_track(xp_json *j, const layout *L, const xp_result *r, int d)
{
	size_t n = xp_schedule_len(r->sched, d);
	if (n == 0)
		return XP_OK;
	int64_t *held = malloc(2 * n * sizeof *held), prev = 0;
	if (!held)
		return XP_ENOMEM;
	xp_device_memory(L->pr, r->sched, d, held);
	const int64_t *start = r->op_start_ns + r->op_offset[d],
	              *end = r->op_end_ns + r->op_offset[d];
	sample(j, L, d, L->origin, 0);
	for (size_t k = 0; k < n; k++) {
		if (held[2 * k] != prev)
			sample(j, L, d, start[k], held[2 * k]);
		if (held[2 * k + 1] != held[2 * k])
			sample(j, L, d, end[k], held[2 * k + 1]);
		prev = held[2 * k + 1];
	}
	free(held);
	return XP_OK;
}

static void transfer(xp_json *j, const layout *L, const xp_result *r, const xp_transfer *t)
{
	char name[64], arrive[80], us[32];
	int tid = link_tid(L, xp_out_link_index(L->links, L->n_links, t->src, t->dst));
	xp_out_transfer_label(name, sizeof name, r, t);
	span(j, name, "transfer", L->pid, tid, t->start_ns, t->end_ns);
	xp_json_object(j, "args", 1);
	xp_json_int(j, "mb", t->mb);
	xp_json_int(j, "part", t->part);
	xp_json_int(j, "src", t->src);
	xp_json_int(j, "dst", t->dst);
	xp_json_int(j, "bytes", t->bytes);
	xp_json_int(j, "ready_ns", t->ready_ns);
	xp_json_int(j, "queue_ns", t->start_ns - t->ready_ns);
	xp_json_int(j, "arrive_ns", t->arrive_ns);
	xp_json_end(j);
	xp_json_end(j);
	/* the arrival at dst, one latency after the window ends, as a thread-scoped instant */
	snprintf(arrive, sizeof arrive, "arrive %s", name);
	head(j, arrive, "i", L->pid, tid);
	xp_json_str(j, "cat", "arrival");
	xp_json_str(j, "s", "t");
	xp_json_raw(j, "ts", xp_out_us(us, sizeof us, t->arrive_ns));
	xp_json_end(j);
	flow(j, L, r, t, name, tid);
}

static void collective(xp_json *j, const layout *L, const xp_collective *c)
{
	char name[48];
	snprintf(name, sizeof name, "%s c%d", xp_coll_name(c->kind), c->chunk);
	span(j, name, "dp", L->pid, coll_tid(L, c->device, c->chunk), c->start_ns, c->end_ns);
	xp_json_object(j, "args", 1);
	xp_json_int(j, "chunk", c->chunk);
	xp_json_int(j, "bytes", c->bytes);
	xp_json_end(j);
	xp_json_end(j);
}

static void device_threads(xp_json *j, const layout *L)
{
	char label[64];
	for (int d = 0; d < L->devices; d++) {
		snprintf(label, sizeof label, "device %d (DC %d)", d, xp_out_dc(L->pr, d));
		thread(j, L->pid, d, label);
	}
	for (int li = 0; li < L->n_links; li++) {
		const xp_out_link *l = &L->links[li];
		int a = xp_out_dc(L->pr, l->src), b = xp_out_dc(L->pr, l->dst);
		if (a != b)
			snprintf(label, sizeof label, "link %d->%d (DC %d->%d)", l->src, l->dst, a,
			         b);
		else
			snprintf(label, sizeof label, "link %d->%d (in DC %d)", l->src, l->dst, a);
		thread(j, L->pid, link_tid(L, li), label);
	}
}

/* Names for the DP threads that carry collectives; XP_ENOMEM when the bookkeeping fails. */
static xp_status collective_threads(xp_json *j, const layout *L, const xp_result *r)
{
	if (r->n_collectives == 0)
		return XP_OK;
	char label[64], *seen = calloc((size_t)L->devices * (size_t)L->chunks, 1);
	if (!seen)
		return XP_ENOMEM;
	for (size_t i = 0; i < r->n_collectives; i++) {
		const xp_collective *c = &r->collectives[i];
		int slot = c->device * L->chunks + c->chunk;
		if (c->device < 0 || c->device >= L->devices || c->chunk < 0 ||
		    c->chunk >= L->chunks || seen[slot]++)
			continue;
		if (L->chunks > 1)
			snprintf(label, sizeof label, "DP device %d chunk %d (DC %d)", c->device,
			         c->chunk, xp_out_dc(L->pr, c->device));
		else
			snprintf(label, sizeof label, "DP device %d (DC %d)", c->device,
			         xp_out_dc(L->pr, c->device));
		thread(j, L->pid, coll_tid(L, c->device, c->chunk), label);
	}
	free(seen);
	return XP_OK;
}

static xp_status process(xp_json *j, const xp_params *pr, const xp_result *r, int pid,
                         int64_t *flows)
{
	layout L = { pid,   r->devices,      xp_schedule_chunks(r->sched), pr, NULL, 0, NULL,
		     flows, xp_out_origin(r) };
	char label[96];
	xp_status st = xp_out_links_of(r, 0, &L.links, &L.n_links);
	if (st)
		return st;
	L.waiter = waiters(r);
	if (!L.waiter) {
		free(L.links);
		return XP_ENOMEM;
	}
	snprintf(label, sizeof label, "%s (%s)", r->schedule, r->engine);
	meta(j, "process_name", pid, 0, label, 0);
	meta(j, "process_sort_index", pid, 0, NULL, pid);
	device_threads(j, &L);
	st = collective_threads(j, &L, r);
	for (int d = 0; d < r->devices && !st; d++)
		device_ops(j, &L, r, d);
	for (size_t i = 0; i < r->n_transfers && !st; i++)
		transfer(j, &L, r, &r->transfers[i]);
	for (size_t i = 0; i < r->n_collectives && !st; i++)
		collective(j, &L, &r->collectives[i]);
	for (int d = 0; d < r->devices && !st; d++)
		st = memory_track(j, &L, r, d);
	free(L.waiter);
	free(L.links);
	return st;
}

xp_status xp_write_trace(FILE *f, const xp_scenario *sc, xp_result *const *res, int n)
{
	if (!f || !sc || (n > 0 && !res) || n < 0)
		return XP_EINVAL;
	xp_json j;
	xp_status st = XP_OK;
	int64_t flows = 0;
	xp_json_init(&j, f);
	xp_json_object(&j, NULL, 0);
	xp_json_str(&j, "displayTimeUnit", "ns");
	xp_json_object(&j, "otherData", 1);
	xp_json_str(&j, "crosspipe", xp_version());
	xp_json_str(&j, "scenario", xp_scenario_name(sc));
	xp_json_end(&j);
	xp_json_array(&j, "traceEvents", 0);
	for (int i = 0; i < n && !st; i++)
		st = process(&j, xp_scenario_params(sc), res[i], i + 1, &flows);
	xp_json_end(&j);
	xp_json_end(&j);
	if (st)
		return st;
	return xp_out_status(f);
}
