/* oracle.h: an independent, slow re-timer of a schedule, written from the execution model alone
 * (it calls none of the library's timing, memory, message-size or unit code), against which the
 * tests check the engines op by op. See oracle.c for the rules it implements. */
#ifndef XP_ORACLE_H
#define XP_ORACLE_H

#include <stddef.h>
#include <stdint.h>

#include "crosspipe.h"

typedef struct xo_transfer {
	int src, dst, part, mb, kind; /* producing block: kind F, B or D of part, microbatch mb */
	int crosses_dc;
	int64_t bytes, ready_ns, start_ns, end_ns, arrive_ns;
} xo_transfer;

typedef struct xo_collective {
	int device, chunk, kind; /* xp_coll_kind */
	int64_t bytes, start_ns, end_ns;
} xo_collective;

typedef struct xo_result {
	int devices, parts, m, dp;
	int64_t tokens_per_microbatch;
	size_t *offset;       /* devices + 1: op i of device d is at offset[d] + i */
	int64_t *start, *end; /* per op */
	xo_transfer *tr;      /* one per message between two devices */
	size_t n_tr;
	int *tr_of; /* (out * parts + part) * m + mb, out 0 = F's activation, 1 = B/D's gradient:
	             * index into tr, or -1 when the output stays on its device */
	xo_collective *coll;
	size_t n_coll;
	int64_t makespan_ns;
	int64_t *peak_bytes; /* per device */
	int fits_memory;
	int64_t wan_queue_ns, wan_busy_ns;
	int sweeps; /* relaxation sweeps it took */
} xo_result;

/* Time sched under pr (ideal: free communication and collectives). 0 on success, 1 when the
 * order cannot finish (a cyclic wait); bails when out of memory. Free with xo_free. */
int xo_run(const xp_params *pr, const xp_schedule *sched, int ideal, xo_result *out);
void xo_free(xo_result *o);

/* The blocks of op, written independently of the engine's xp_op_halves: op itself (1), or an
 * overlapped op's whole F (chunk, mb) and whole B (chunk2, mb2) (2). */
int xo_blocks_of(xp_op op, xp_op b[2]);

/* 1 when r (an engine's result for the same schedule) has exactly the oracle's op times,
 * transfers, collectives, makespan, peaks, fits_memory, WAN sums and tokens_per_s; otherwise 0 and
 * the first difference in why. */
int xo_same(const xo_result *o, const xp_result *r, char *why, size_t len);

/* Serialisation time of bytes at bps (INFINITY: 0), exactly: the rational bytes * 8e9 / bps
 * rounded to the nearest ns, halves to even. */
int64_t xo_serialize_ns(int64_t bytes, double bps);

#endif
