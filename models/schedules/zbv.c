/* zbv.c: ZB-V: two chunks per device in a V, ordered by the zero-bubble authors' greedy rule. */
#include "schedules/generators.h"

#include <stdlib.h>
#include <string.h>

/*
 * The rule (the zero-bubble authors' V-schedule construction, which the CrossPipe authors use
 * for ZB-V; it reproduces their p=4, m=8 order exactly). Blocks are placed one at a time while
 * simulating unit block times (T_F = T_D = T_W = 1, free communication); memory counts a chunk's
 * F as +2, its D and W as -1 each, with a limit of 4p per device (p microbatches of the whole
 * device: 1F1B's budget). "Leg 0" of a pass is the first one through the device: for forwards
 * chunk 0 (part k), for backwards chunk 1 (part 2p-1-k).
 *  1. Every device runs one leg-0 forward. Then, from the last device to the first, device i
 *     and every device before it run one more leg-0 forward each, as long as device i still has
 *     room for 2i+2 chunk forwards and its next one would end before device i+1's first leg-1
 *     forward arrives; then device i runs its first leg-1 forward.
 *  2. Devices 1..p-1 catch up with leg-0/leg-1 forwards until each has run at least as many as
 *     the device before it.
 *  3. 2m rounds. In each, every device first runs one backward (leg 1 if its input is ready or
 *     leg 0 is finished; leg-1 backwards go from the last device down, leg-0 ones from the first
 *     up), then one forward (leg 1 if its input is ready, else leg 0). Before each of them a
 *     device runs pending W (oldest first) while they fit in the wait for its input, and one
 *     more when that wait is longer than the bubble it may still add (see fill_w); a W also goes
 *     first when an F would not fit in memory.
 *  4. The remaining W.
 * The whole construction runs for the four combinations of "one more W before a leg-0 backward"
 * and "one more W before a forward", each repeated with the bubbles of the previous attempt as
 * per-device allowances while that lowers the largest bubble; the order with the smallest largest
 * per-device bubble wins (the first on ties).
 */

enum { CAT_F, CAT_B, CAT_W };

#define COST  1 /* every block takes one time unit */
#define COMM  0 /* communication is free */
#define MEM_F 2 /* memory units of one chunk's forward; D and W release half each */

typedef struct vrun {
	int32_t *ops; /* p * 6m entries per device: mb << 3 | cat << 1 | leg */
	int *len;     /* per device */
	int *bubble;  /* per device: time spent waiting after the first block */
	int max_bubble;
} vrun;

typedef struct vbuild {
	int p, m, ok;
	int fill_f, fill_b;
	const int *approved; /* per device allowance from the previous attempt, or NULL */
	int max_approved;
	int *count;     /* p * 6: blocks placed per (device, cat * 2 + leg) */
	int *end;       /* 6pm end times, -1 = not placed */
	int *cur, *mem; /* per device: time and memory after its last block */
	uint8_t *wq;    /* per device a FIFO of pending W legs, 2m slots each */
	int *wq_head, *wq_len;
	vrun *run; /* the order being built */
} vbuild;

static int node(const vbuild *b, int cat, int leg, int dev, int mb)
{
	return ((cat * 2 + leg) * b->p + dev) * b->m + mb;
}

/* The end time of a node; -1 for "no node" reads the very last node (W, leg 1, last device,
 * last microbatch), as the authors' construction does; it is only placed at the very end. */
static int end_of(const vbuild *b, int id)
{
	return id >= 0 ? b->end[id] : b->end[6 * b->p * b->m - 1];
}

static int *cnt(vbuild *b, int dev, int cat, int leg)
{
	return &b->count[dev * 6 + cat * 2 + leg];
}

static int max_bubble_for(const vbuild *b, int dev)
{
	int mb = b->run->max_bubble;
	if (b->approved && b->max_approved - b->approved[dev] > mb)
		mb = b->max_approved - b->approved[dev];
	return mb;
}

/* The block that must precede (cat, leg, mb) on the same device, or -1. */
static int local_dep(const vbuild *b, int cat, int leg, int dev, int mb)
{
	if (cat == CAT_W)
		return node(b, CAT_B, leg, dev, mb);
	if (cat == CAT_F && leg == 0)
		return -1;
	int prev = cat * 2 + leg - 1;
	return node(b, prev / 2, prev % 2, dev, mb);
}

/* The block on the neighbouring device whose output this one needs, or -1. */
static int remote_dep(const vbuild *b, int cat, int leg, int dev, int mb)
{
	if (cat == CAT_W)
		return -1;
	if (leg == 1 && dev < b->p - 1)
		return node(b, cat, 1, dev + 1, mb);
	if (leg == 0 && dev > 0)
		return node(b, cat, 0, dev - 1, mb);
	return -1;
}

static void put(vbuild *b, int cat, int leg, int dev)
{
	static const int mem_of[] = { MEM_F, -MEM_F / 2, -MEM_F / 2 };
	int *c = cnt(b, dev, cat, leg), mb = *c;
	if (!b->ok || mb >= b->m || b->mem[dev] + mem_of[cat] > MEM_F * 2 * b->p) {
		b->ok = 0;
		return;
	}
	int t = b->cur[dev] + COST, no_wait = t;
	int ld = local_dep(b, cat, leg, dev, mb), rd = remote_dep(b, cat, leg, dev, mb);
	if ((ld >= 0 && b->end[ld] < 0) || (rd >= 0 && b->end[rd] < 0)) {
		b->ok = 0;
		return;
	}
	if (rd >= 0 && b->end[rd] + COMM + COST > t)
		t = b->end[rd] + COMM + COST;
	if (*cnt(b, dev, CAT_F, 0) > 0) {
		b->run->bubble[dev] += t - no_wait;
		if (b->run->bubble[dev] > b->run->max_bubble)
			b->run->max_bubble = b->run->bubble[dev];
	}
	b->end[node(b, cat, leg, dev, mb)] = t;
	b->cur[dev] = t;
	b->mem[dev] += mem_of[cat];
	b->run->ops[(size_t)dev * 6 * b->m + b->run->len[dev]++] = mb << 3 | cat << 1 | leg;
	if (cat == CAT_B)
		b->wq[(size_t)dev * 2 * b->m + (b->wq_head[dev] + b->wq_len[dev]++) % (2 * b->m)] =
		    (uint8_t)leg;
	(*c)++;
}

static void put_w(vbuild *b, int dev)
{
	int leg = b->wq[(size_t)dev * 2 * b->m + b->wq_head[dev]];
	b->wq_head[dev] = (b->wq_head[dev] + 1) % (2 * b->m);
	b->wq_len[dev]--;
	put(b, CAT_W, leg, dev);
}

/* Before a block whose input is node dep: run W while they fit in the wait for dep; then one
 * more (when extra) if the remaining wait exceeds the bubble this device may still add. */
static void fill_w(vbuild *b, int dev, int dep, int extra)
{
	while (b->ok && b->wq_len[dev] > 0 && dep >= 0 && b->end[dep] + COMM >= b->cur[dev] + COST)
		put_w(b, dev);
	if (b->ok && b->wq_len[dev] > 0 && extra &&
	    end_of(b, dep) + COMM - b->cur[dev] > max_bubble_for(b, dev) - b->run->bubble[dev])
		put_w(b, dev);
}

/* 1. the first leg-0 forwards, then each device's first leg-1 forward, from the last device */
static void warm_up(vbuild *b)
{
	int p = b->p;
	for (int i = 0; i < p; i++)
		put(b, CAT_F, 0, i);
	for (int i = p - 1; i >= 0 && b->ok; i--) {
		if (i < p - 1) {
			int arrive = b->end[node(b, CAT_F, 1, i + 1, 0)] + COMM;
			while (b->ok && b->mem[i] + MEM_F * (2 + 2 * i) <= MEM_F * 2 * p &&
			       b->cur[i] + COST <= arrive && *cnt(b, i, CAT_F, 0) < b->m)
				for (int j = 0; j <= i; j++)
					put(b, CAT_F, 0, j);
		}
		put(b, CAT_F, 1, i);
	}
}

/* 2. devices 1.. catch up with forwards, alternating legs from the last device down */
static void catch_up(vbuild *b)
{
	int leg = 0, idle = 0;
	for (int i = 1; i < b->p && b->ok; i++) {
		while (b->ok && (*cnt(b, i, 0, 0) + *cnt(b, i, 0, 1) <
		                     *cnt(b, i - 1, 0, 0) + *cnt(b, i - 1, 0, 1) ||
		                 (*cnt(b, i, 0, 1) <= *cnt(b, i - 1, 0, 1) &&
		                  *cnt(b, i - 1, 0, 1) < b->m))) {
			int placed = 0;
			for (int j = b->p - 1; j >= i; j--)
				if (*cnt(b, j, CAT_F, leg) < b->m) {
					put(b, CAT_F, leg, j);
					placed = 1;
				}
			idle = placed ? 0 : idle + 1;
			if (idle >= 2)
				b->ok = 0; /* cannot make progress: never seen, but never loop */
			leg = 1 - leg;
		}
	}
}

/* which backward leg device i runs next in a steady round */
static int backward_leg(vbuild *b, int i)
{
	if (*cnt(b, i, CAT_B, 1) >= *cnt(b, i, CAT_B, 0))
		return 0;
	if (i == b->p - 1)
		return 1;
	int dep = node(b, CAT_B, 1, i + 1, *cnt(b, i, CAT_B, 1));
	return b->end[dep] >= 0 || *cnt(b, i, CAT_B, 0) >= b->m;
}

static void round_backwards(vbuild *b, int *leg)
{
	int p = b->p;
	for (int i = 0; i < p; i++)
		leg[i] = backward_leg(b, i);
	for (int pass = 1; pass >= 0; pass--)
		for (int n = 0; n < p && b->ok; n++) {
			int i = pass ? p - 1 - n
			             : n; /* leg 1 from the last device, leg 0 from the first */
			if (leg[i] != pass)
				continue;
			int dep = -1;
			if (pass == 1 && i < p - 1)
				dep = node(b, CAT_B, 1, i + 1, *cnt(b, i, CAT_B, 1));
			if (pass == 0 && i > 0)
				dep = node(b, CAT_B, 0, i - 1, *cnt(b, i, CAT_B, 0));
			fill_w(b, i, dep, pass == 1 || b->fill_b);
			put(b, CAT_B, pass, i);
		}
}

/* which forward leg device i runs next in a steady round, or -1 for none */
static int forward_leg(vbuild *b, int i)
{
	int f0 = *cnt(b, i, CAT_F, 0), f1 = *cnt(b, i, CAT_F, 1);
	if (f1 >= b->m)
		return -1;
	if (f1 >= f0)
		return 0;
	if (i == b->p - 1 || b->end[node(b, CAT_F, 1, i + 1, f1)] >= 0)
		return 1;
	if (f0 < b->m && (i == 0 || b->end[node(b, CAT_F, 0, i - 1, f0)] >= 0))
		return 0;
	return -1;
}

static void round_forwards(vbuild *b)
{
	for (int i = 0; i < b->p && b->ok; i++) {
		int leg = forward_leg(b, i);
		if (leg < 0)
			continue;
		while (b->ok && b->mem[i] + MEM_F > MEM_F * 2 * b->p) {
			if (!b->wq_len[i]) {
				b->ok = 0;
				return;
			}
			put_w(b, i);
		}
		int dep = -1;
		if (leg == 0 && i > 0)
			dep = node(b, CAT_F, 0, i - 1, *cnt(b, i, CAT_F, 0));
		if (leg == 1 && i < b->p - 1)
			dep = node(b, CAT_F, 1, i + 1, *cnt(b, i, CAT_F, 1));
		fill_w(b, i, dep, b->fill_f);
		put(b, CAT_F, leg, i);
	}
}

/* One complete attempt into run; returns 0 if the construction broke an invariant. */
static int attempt(vbuild *b, vrun *run, int fill_f, int fill_b, const int *approved)
{
	int p = b->p, m = b->m;
	b->ok = 1;
	b->fill_f = fill_f;
	b->fill_b = fill_b;
	b->approved = approved;
	b->max_approved = 0;
	for (int i = 0; approved && i < p; i++)
		if (approved[i] > b->max_approved)
			b->max_approved = approved[i];
	b->run = run;
	memset(b->count, 0, (size_t)p * 6 * sizeof *b->count);
	memset(b->end, 0xff, (size_t)6 * p * m * sizeof *b->end);
	for (int i = 0; i < p; i++)
		b->cur[i] = b->mem[i] = b->wq_head[i] = b->wq_len[i] = run->len[i] =
		    run->bubble[i] = 0;
	run->max_bubble = 0;
	warm_up(b);
	catch_up(b);
	int *leg = malloc((size_t)p * sizeof *leg);
	if (!leg)
		return 0;
	for (int r = 0; r < 2 * m && b->ok; r++) {
		round_backwards(b, leg);
		round_forwards(b);
	}
	free(leg);
	for (int i = 0; i < p && b->ok; i++)
		while (b->ok && b->wq_len[i] > 0)
			put_w(b, i);
	for (int i = 0; i < p && b->ok; i++)
		if (run->len[i] != 6 * m)
			b->ok = 0;
	return b->ok;
}

static void run_free(vrun *r)
{
	free(r->ops);
	free(r->len);
	free(r->bubble);
}

static int run_alloc(vrun *r, int p, int m)
{
	r->ops = malloc((size_t)p * 6 * (size_t)m * sizeof *r->ops);
	r->len = calloc((size_t)p, sizeof *r->len);
	r->bubble = calloc((size_t)p, sizeof *r->bubble);
	return r->ops && r->len && r->bubble;
}

static void run_swap(vrun *a, vrun *b)
{
	vrun t = *a;
	*a = *b;
	*b = t;
}

/* One variant: attempt, then retry with the last bubbles as allowances while that improves;
 * the result is left in *best. Returns 0 on failure. */
static int variant(vbuild *b, vrun *best, vrun *next, int fill_f, int fill_b)
{
	if (!attempt(b, best, fill_f, fill_b, NULL))
		return 0;
	while (best->max_bubble > 0) {
		if (!attempt(b, next, fill_f, fill_b, best->bubble))
			return 0;
		if (next->max_bubble >= best->max_bubble)
			break;
		run_swap(best, next);
	}
	return 1;
}

/* The best of the four variants in *out (fill_b outer, fill_f inner, true first). */
static int construct(vbuild *b, vrun *out, vrun *t1, vrun *t2)
{
	int have = 0;
	for (int fb = 1; fb >= 0; fb--)
		for (int ff = 1; ff >= 0; ff--) {
			if (have && out->max_bubble == 0)
				return 1;
			if (!variant(b, t1, t2, ff, fb))
				return 0;
			if (!have || t1->max_bubble < out->max_bubble) {
				run_swap(out, t1);
				have = 1;
			}
		}
	return 1;
}

static void to_schedule(const vrun *r, int p, int m, xp_gen *g)
{
	static const xp_op_kind kind[] = { XP_OP_F, XP_OP_D, XP_OP_W };
	for (int i = 0; i < p; i++)
		for (int n = 0; n < r->len[i]; n++) {
			int32_t op = r->ops[(size_t)i * 6 * m + n];
			int cat = (op >> 1) & 3, leg = op & 1;
			/* forwards: leg = chunk; backwards run chunk 1 (part 2p-1-i) first */
			xp_gen_add(g, i, kind[cat], op >> 3, cat == CAT_F ? leg : 1 - leg);
		}
}

static void build_free(vbuild *b)
{
	free(b->count);
	free(b->end);
	free(b->cur);
	free(b->mem);
	free(b->wq);
	free(b->wq_head);
	free(b->wq_len);
}

static int build_alloc(vbuild *b, int p, int m)
{
	size_t P = (size_t)p, M = (size_t)m;
	b->p = p;
	b->m = m;
	b->count = malloc(P * 6 * sizeof *b->count);
	b->end = malloc(6 * P * M * sizeof *b->end);
	b->cur = malloc(P * sizeof *b->cur);
	b->mem = malloc(P * sizeof *b->mem);
	b->wq = malloc(P * 2 * M);
	b->wq_head = malloc(P * sizeof *b->wq_head);
	b->wq_len = malloc(P * sizeof *b->wq_len);
	return b->count && b->end && b->cur && b->mem && b->wq && b->wq_head && b->wq_len;
}

xp_status xp_schedule_build_zbv(const xp_params *pr, xp_schedule **out, xp_error *err)
{
	xp_status st = xp_gen_params(pr, "zbv", out, err);
	if (st)
		return st;
	int p = pr->stages, m = pr->microbatches;
	if ((long long)6 * p * m > 0x7fffffff || m > (1 << 27))
		return xp_fail(err, XP_EINVAL, "zbv: %d stages x %d microbatches is too large", p,
		               m);
	vbuild b = { 0 };
	vrun r[3] = { { 0 } };
	xp_gen g = { .s = NULL, .st = XP_ENOMEM };
	if (build_alloc(&b, p, m) && run_alloc(&r[0], p, m) && run_alloc(&r[1], p, m) &&
	    run_alloc(&r[2], p, m)) {
		if (construct(&b, &r[0], &r[1], &r[2])) {
			xp_gen_start(&g, xp_schedule_new_v(p, m));
			to_schedule(&r[0], p, m, &g);
		} else {
			g.st = XP_EINVAL;
		}
	}
	build_free(&b);
	for (int i = 0; i < 3; i++)
		run_free(&r[i]);
	if (g.st == XP_EINVAL)
		return xp_fail(err, XP_EINVAL, "zbv: the V construction failed for p=%d, m=%d", p,
		               m);
	return xp_gen_finish(&g, "zbv", out, err);
}
