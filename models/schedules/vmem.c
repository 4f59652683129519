/* vmem.c: v-half and v-min, the memory-controlled V schedules of Qi et al., "Pipeline
 * Parallelism with Controllable Memory" (NeurIPS 2024), built by their authors' rules. */
#include "schedules/generators.h"

#include <stdlib.h>
#include <string.h>

/*
 * Two chunks per device in a V (parts k and 2p-1-k on device k). Six block types per device:
 * F f (forward of chunk 0, of chunk 1), B b (input-gradient backward of chunk 1, of chunk 0: the
 * first and the second pass of the backward through the device) and W w (their weight-gradient
 * blocks). Everything is placed on a grid of unit time slots (every block takes one slot,
 * communication is free); a type's microbatches run in order.
 *  1. The building block: microbatch j of type x on device i starts at slot s(i, x) + 6j with
 *       v-half: s = 2i, 3p-i-2, 3p+g+2i-1, 6p+g-i-2 for F f B b, g = 3 when p is even, else 0;
 *       v-min:  s = i,  2p-i-1, 2p+g+i,    4p+g-i-1,            g = 2 when p % 3 == 0, else 0.
 *  2. "Put W": walking the slots of a device in order, every B or b makes one W pending, and
 *     every slot holding no F, f, B or b takes one pending W; the W left over follow the last
 *     slot. Merged, the W are one type; split, the W of a B go before those of a b.
 *  3. Memory in units of one chunk's activation: F and f +1, B and b 0, W -1, peak over the
 *     slots; without W placed, each free slot releases one pending W as in 2.
 *  4. "Squeeze": keeping each device's order (by slot), every block starts as early as its
 *     inputs (F, B from the previous device, f, b from the next one, the type before it on the
 *     same device for f B b, its previous microbatch) and the device's previous block allow.
 *  5. "Reorder" (consider W or not): with W put (merged) when considering them, the peak
 *     memory of the worst device is the budget. The blocks are visited in slot order (slot,
 *     device, type, microbatch). From the device-0 b of microbatch 0 up to and including the
 *     first last-microbatch F visited, blocks stay put; before that window they stay put too
 *     unless W are considered. Every other block moves to the first free slot after its inputs
 *     (as in 4, a W's input being the device's j-th backward of B and b for its j-th W) and
 *     before its own slot that keeps the device within the budget; else it stays. Slots of
 *     visited blocks are taken. Then W are put (merged) when they were not, and 4 squeezes.
 *  6. The schedule: the block, reorder with W, drop the W, reorder without W, drop the W, put
 *     the W split; each device runs its blocks in slot order.
 */

enum { T_F, T_FF, T_B, T_BB, T_W, T_WW, TYPES };

typedef struct vm {
	int p, m, half;
	int ntypes; /* types in use: 4 (no W), 5 (merged W) or 6 (split W) */
	int slots;  /* slots per device */
	int *t;     /* p * TYPES * m start slots */
	int *at;    /* p * slots: type + 1 of the block in the slot, 0 = free */
	int *end;   /* p * TYPES * m, squeeze end times */
	unsigned char *taken;
	int ok;
} vm;

static int *tp(vm *v, int dev, int type)
{
	return &v->t[((size_t)dev * TYPES + type) * v->m];
}

static int *slot_of(vm *v, int dev)
{
	return &v->at[(size_t)dev * v->slots];
}

/* microbatches of a type: the merged W (ntypes 5) are one list of 2m under T_W, which runs on
 * into T_WW's entries */
static int len_of(const vm *v, int type)
{
	return v->ntypes == 5 && type == T_W ? 2 * v->m : v->m;
}

/* the slot after the last block of dev (each type's last microbatch is its latest) */
static int bound(vm *v, int dev)
{
	int b = 0;
	for (int x = 0; x < v->ntypes; x++)
		if (tp(v, dev, x)[len_of(v, x) - 1] + 1 > b)
			b = tp(v, dev, x)[len_of(v, x) - 1] + 1;
	return b;
}

/* rebuild the slot map of dev from t; a collision or a slot off the grid breaks the build */
static void map(vm *v, int dev)
{
	int *at = slot_of(v, dev);
	memset(at, 0, (size_t)v->slots * sizeof *at);
	for (int x = 0; x < v->ntypes; x++)
		for (int j = 0; j < len_of(v, x); j++) {
			int s = tp(v, dev, x)[j];
			if (s < 0 || s >= v->slots || at[s])
				v->ok = 0;
			else
				at[s] = x + 1;
		}
}

static void building_block(vm *v)
{
	int p = v->p;
	int g = v->half ? (p % 2 == 0 ? 3 : 0) : (p % 3 == 0 ? 2 : 0);
	for (int i = 0; i < p; i++) {
		int s[4];
		if (v->half) {
			s[0] = 2 * i, s[1] = 3 * p - i - 2, s[2] = 3 * p + g + 2 * i - 1;
			s[3] = 6 * p + g - i - 2;
		} else {
			s[0] = i, s[1] = 2 * p - i - 1, s[2] = 2 * p + g + i,
			s[3] = 4 * p + g - i - 1;
		}
		for (int x = 0; x < 4; x++)
			for (int j = 0; j < v->m; j++)
				tp(v, i, x)[j] = s[x] + 6 * j;
	}
	v->ntypes = 4;
}

/* 2. with F f B b in place, put the W (split or merged) and map every device */
static void put_w(vm *v, int split)
{
	for (int i = 0; i < v->p; i++) {
		v->ntypes = 4;
		map(v, i);
		int *at = slot_of(v, i), b = bound(v, i), pending[2] = { 0, 0 }, n[2] = { 0, 0 };
		for (int s = 0; s < b; s++) {
			if (at[s] == T_B + 1 || at[s] == T_BB + 1)
				pending[split && at[s] == T_BB + 1]++;
			else if (!at[s])
				for (int w = 0; w < 2; w++)
					if (pending[w]) {
						pending[w]--, tp(v, i, T_W + w)[n[w]++] = s;
						break;
					}
		}
		for (int w = 0, s = b; w < 2; w++)
			while (pending[w]-- > 0)
				tp(v, i, T_W + w)[n[w]++] = s++;
		v->ntypes = split ? 6 : 5;
		map(v, i);
	}
}

/* 3. peak memory of dev from its slot map */
static int memory(vm *v, int dev)
{
	static const int delta[] = { 1, 1, 0, 0, -1, -1 };
	int *at = slot_of(v, dev), b = bound(v, dev), cur = 0, peak = 0, pending = 0;
	for (int s = 0; s < b; s++) {
		if (at[s]) {
			cur += delta[at[s] - 1];
			pending += at[s] == T_B + 1 || at[s] == T_BB + 1;
		} else if (v->ntypes == 4 && pending) {
			cur--, pending--;
		}
		peak = cur > peak ? cur : peak;
	}
	return peak;
}

typedef struct item {
	int t, dev, type, mb;
} item;

static int item_cmp(const void *a, const void *b)
{
	const item *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return (x->mb > y->mb) - (x->mb < y->mb);
}

/* every block in use, in slot order (slot, device, type, microbatch) */
static item *visit_order(vm *v, size_t *n)
{
	*n = (size_t)v->p * (size_t)(v->ntypes == 5 ? 6 : v->ntypes) * (size_t)v->m;
	item *it = malloc(*n * sizeof *it);
	if (!it) {
		v->ok = 0;
		return NULL;
	}
	size_t k = 0;
	for (int i = 0; i < v->p; i++)
		for (int x = 0; x < v->ntypes; x++)
			for (int j = 0; j < len_of(v, x); j++)
				it[k++] = (item){ tp(v, i, x)[j], i, x, j };
	qsort(it, *n, sizeof *it, item_cmp);
	return it;
}

/* the value of a dependency read through get (start slots or end times), or -1 for none */
typedef int (*dep_get)(vm *v, int dev, int type, int mb);

static int dep_max(vm *v, const item *c, dep_get get, int *none)
{
	int d = -1, x = c->type;
	if ((x == T_F || x == T_B) && c->dev > 0)
		d = get(v, c->dev - 1, x, c->mb);
	if ((x == T_FF || x == T_BB) && c->dev < v->p - 1)
		d = get(v, c->dev + 1, x, c->mb);
	if (x > T_F && x < T_W) {
		int e = get(v, c->dev, x - 1, c->mb);
		d = e > d ? e : d;
	}
	if (c->mb > 0) {
		int e = get(v, c->dev, x, c->mb - 1);
		d = e > d ? e : d;
	}
	*none = d < 0;
	return d;
}

static int get_start(vm *v, int dev, int type, int mb)
{
	return tp(v, dev, type)[mb];
}

static int get_end(vm *v, int dev, int type, int mb)
{
	int e = v->end[((size_t)dev * TYPES + type) * v->m + mb];
	if (e < 0)
		v->ok = 0; /* an input not yet timed: the order broke a dependency */
	return e;
}

/* 4. squeeze every block in use: unit times, free communication */
static void squeeze(vm *v)
{
	size_t n;
	item *it = visit_order(v, &n);
	int *last = calloc((size_t)v->p, sizeof *last);
	if (!it || !last) {
		v->ok = 0;
		free(it);
		free(last);
		return;
	}
	memset(v->end, 0xff, (size_t)v->p * TYPES * (size_t)v->m * sizeof *v->end);
	for (size_t k = 0; k < n && v->ok; k++) {
		int none, start = dep_max(v, &it[k], get_end, &none);
		start = start > last[it[k].dev] ? start : last[it[k].dev];
		start = start > 0 ? start : 0;
		v->end[((size_t)it[k].dev * TYPES + it[k].type) * v->m + it[k].mb] = start + 1;
		last[it[k].dev] = start + 1;
	}
	for (size_t k = 0; k < n; k++)
		tp(v, it[k].dev, it[k].type)[it[k].mb] =
		    get_end(v, it[k].dev, it[k].type, it[k].mb) - 1;
	for (int i = 0; i < v->p; i++)
		map(v, i);
	free(it);
	free(last);
}

/* the slot of dev's j-th backward of B and b together (both lists are in order) */
static int nth_backward(vm *v, int dev, int j)
{
	const int *b = tp(v, dev, T_B), *bb = tp(v, dev, T_BB);
	int x = 0, y = 0, s = 0;
	for (int k = 0; k <= j; k++)
		s = (y >= v->m || (x < v->m && b[x] < bb[y])) ? b[x++] : bb[y++];
	return s;
}

/* try to move visited block c to the first free slot from its inputs that keeps dev in budget */
static void move_early(vm *v, const item *c, int budget)
{
	int none, from = dep_max(v, c, get_start, &none);
	if (c->type == T_W) {
		int b = nth_backward(v, c->dev, c->mb);
		from = b > from ? b : from;
	}
	from++;
	int *s = &tp(v, c->dev, c->type)[c->mb], *at = slot_of(v, c->dev);
	unsigned char *taken = &v->taken[(size_t)c->dev * v->slots];
	if (from > c->t) {
		v->ok = 0;
		return;
	}
	for (int q = from; q < c->t; q++) {
		if (taken[q])
			continue;
		at[*s] = 0, *s = q, at[q] = c->type + 1;
		if (memory(v, c->dev) <= budget)
			return;
	}
	at[*s] = 0, *s = c->t, at[c->t] = c->type + 1;
}

/* 5. one reorder pass */
static void reorder(vm *v, int consider_w)
{
	if (consider_w)
		put_w(v, 0);
	int budget = 0, phase = 0;
	for (int i = 0; i < v->p; i++) {
		int mem = memory(v, i);
		budget = mem > budget ? mem : budget;
	}
	size_t n;
	item *it = visit_order(v, &n);
	memset(v->taken, 0, (size_t)v->p * v->slots);
	for (size_t k = 0; k < n && v->ok; k++) {
		const item *c = &it[k];
		int keep = 0;
		if (c->type == T_BB && c->dev == 0 && phase == 0)
			phase = 1;
		if (phase == 1) {
			keep = 1;
			if (c->type == T_F && c->mb == v->m - 1)
				phase = 2;
		} else if (phase == 0 && !consider_w) {
			keep = 1;
		}
		if (!keep)
			move_early(v, c, budget);
		v->taken[(size_t)c->dev * v->slots + tp(v, c->dev, c->type)[c->mb]] = 1;
	}
	free(it);
	if (!consider_w)
		put_w(v, 0);
	squeeze(v);
}

static void drop_w(vm *v)
{
	v->ntypes = 4;
	for (int i = 0; i < v->p; i++)
		map(v, i);
}

/* 6. the whole construction; each device's order is left in v->at (slot order) */
static void construct(vm *v)
{
	building_block(v);
	for (int i = 0; i < v->p; i++)
		map(v, i);
	reorder(v, 1);
	drop_w(v);
	if (v->ok)
		reorder(v, 0);
	drop_w(v);
	if (v->ok)
		put_w(v, 1);
}

static void to_schedule(vm *v, xp_gen *g)
{
	/* F f: forward of chunk 0, 1; B W: chunk 1's backward (the first pass), b w: chunk 0's */
	static const xp_op_kind kind[] = { XP_OP_F, XP_OP_F, XP_OP_D, XP_OP_D, XP_OP_W, XP_OP_W };
	static const int chunk[] = { 0, 1, 1, 0, 1, 0 };
	for (int i = 0; i < v->p; i++) {
		int next[TYPES] = { 0 }, *at = slot_of(v, i);
		for (int s = 0; s < v->slots; s++)
			if (at[s]) {
				int x = at[s] - 1;
				xp_gen_add(g, i, kind[x], next[x]++, chunk[x]);
			}
	}
}

static void vm_free(vm *v)
{
	free(v->t);
	free(v->at);
	free(v->end);
	free(v->taken);
}

static xp_status build(const xp_params *pr, int half, xp_schedule **out, xp_error *err)
{
	const char *name = half ? "v-half" : "v-min";
	xp_status st = xp_gen_params(pr, name, out, err);
	if (st)
		return st;
	int p = pr->stages, m = pr->microbatches;
	if ((long long)p * (6LL * p + 8LL * m + 8) > 0x7fffffff ||
	    (long long)6 * p * m > 0x7fffffff)
		return xp_fail(err, XP_EINVAL, "%s: %d stages x %d microbatches is too large", name,
		               p, m);
	vm v = { .p = p, .m = m, .half = half, .ok = 1, .slots = 6 * p + 8 * m + 8 };
	size_t P = (size_t)p, S = (size_t)v.slots, N = P * TYPES * (size_t)m;
	v.t = malloc(N * sizeof *v.t);
	v.end = malloc(N * sizeof *v.end);
	v.at = calloc(P * S, sizeof *v.at);
	v.taken = malloc(P * S);
	xp_gen g = { .s = NULL, .st = XP_ENOMEM };
	if (v.t && v.end && v.at && v.taken) {
		construct(&v);
		if (v.ok) {
			xp_gen_start(&g, xp_schedule_new_v(p, m));
			to_schedule(&v, &g);
		} else {
			g.st = XP_EINVAL;
		}
	}
	vm_free(&v);
	if (g.st == XP_EINVAL)
		return xp_fail(err, XP_EINVAL, "%s: the construction failed for p=%d, m=%d", name,
		               p, m);
	return xp_gen_finish(&g, name, out, err);
}

xp_status xp_schedule_build_v_half(const xp_params *pr, xp_schedule **out, xp_error *err)
{
	return build(pr, 1, out, err);
}

xp_status xp_schedule_build_v_min(const xp_params *pr, xp_schedule **out, xp_error *err)
{
	return build(pr, 0, out, err);
}
