/* greedy_core.h: the state of one greedy run, shared by greedy.c (placement and timing) and
 * greedy_rules.c (which device and which block go next). Private to those two files. */
#ifndef XP_GREEDY_CORE_H
#define XP_GREEDY_CORE_H

#include "base/units.h"
#include "engine/exec.h"
#include "schedules/greedy_int.h"

/* queue kinds: forward, input and weight grads; a block of kind k waits for slot class k */
enum { KF = XP_SLOT_F, KD = XP_SLOT_BD, KW = XP_SLOT_W, KINDS = XP_SLOTS };

typedef struct gdevice {
	int64_t end;     /* end of the last placed sub-block */
	int64_t mem;     /* activation bytes held after it */
	int64_t reserve; /* V: bytes kept for chunk-1 F of microbatches whose chunk-0 F started */
	int64_t key;     /* schedulable time; INT64_MAX when nothing can be placed */
	int last;        /* 1 + kind of the last complete F or D block; 0 before any */
	int f_left;      /* F blocks not yet complete */
	size_t placed;   /* sub-blocks placed */
} gdevice;

/* One ready block at the head of a queue of a device. */
typedef struct gcand {
	int kind, chunk, part, mb;
	int64_t arrive;
	int32_t seq;
	int fits;
} gcand;

typedef struct gstate {
	const xp_params *pr;
	const xp_greedy_opts *o;
	const char *name;
	xp_schedule *s; /* placement and op helpers; filled with the result at the end */
	int p, v, m, n, parts;
	int64_t *arrive; /* per block: when its input is usable; -1 unknown */
	int32_t *seq;    /* per block: order in which inputs became known */
	uint16_t *done;  /* per block: sub-blocks placed */
	int32_t *head;   /* (device, kind, chunk): next microbatch of the queue */
	gdevice *dev;
	int64_t *ag;                  /* (device, chunk): parameter all-gather end */
	int64_t *dur, *rise, *fall;   /* (device, kind, sub-block index) */
	int64_t *chunk_rise;          /* per device: one whole chunk F */
	int64_t *link;                /* storage of the six per-device link arrays */
	int64_t *up_free, *down_free; /* link d->d+1, d->d-1: free from */
	int64_t *up_ser, *down_ser;   /* time on that link of one message */
	int64_t *up_lat, *down_lat;   /* its latency */
	xp_gpiece *pc;                /* per device per_dev placed sub-blocks */
	char *w_faster;               /* per device: xp_greedy_w_releases_faster, computed once */
	int *part_of; /* (device, chunk): its part (xp_schedule_part, kept at hand) */
	gcand *cand;  /* per device, KINDS * 2: its candidates at its last refresh */
	int *n_cand;  /* per device: how many */
	int *win;     /* tournament over the devices' keys: node i's winner */
	int leaves;   /* leaves of the tournament (a power of two >= p) */
	size_t per_dev;
	int32_t counter;
} gstate;

static inline size_t xp_gblock(const gstate *g, int kind, int part, int mb)
{
	return (size_t)xp_exec_slot(g->parts, g->m, kind, part, mb);
}

/* Recompute device d's candidates and schedulable time. Every change to what d could place (a
 * block's input becoming known, a placement on d) is followed by a refresh of d, so the
 * candidates kept are always current when d is chosen. */
void xp_greedy_refresh(gstate *g, int d);

/* W releases memory on device d at least as fast per unit of time as D (ties: W). */
int xp_greedy_w_releases_faster(const gstate *g, int d);

/* Choose the block whose next sub-block device d places (d has a finite key). */
void xp_greedy_choose(const gstate *g, int d, gcand *c);

/* XP_EMEMORY when some device cannot hold one microbatch's activations. */
xp_status xp_greedy_check_memory(const gstate *g, xp_error *err);

#endif
