/* fixture.h: hand-built scenarios for the C tests, without going through YAML. */
#ifndef XP_FIXTURE_H
#define XP_FIXTURE_H

#include <stdio.h>

#include "crosspipe.h"

/* A scenario of p stages and m microbatches with the same block times on every stage, M_F =
 * 1000 bytes, 1000-byte messages, one datacenter, free links, unlimited memory, dp 1, v 2.
 * Free with fx_free. Aborts the test (bail) when out of memory. */
xp_params *fx_new(int p, int m, int64_t tf_ns, int64_t td_ns, int64_t tw_ns);
void fx_free(xp_params *pr);

/* Split the stages into n_dc contiguous groups joined by links of latency and bandwidth. */
void fx_datacenters(xp_params *pr, int n_dc, int64_t latency_ns, double bps);

/* Set every stage's memory limit to factor * p * M_F. */
void fx_memory_factor(xp_params *pr, double factor);

/* Build a named generator's schedule for pr; bails when it fails. */
xp_schedule *fx_build(const char *name, const xp_params *pr);

/* Run sched on the named engine; bails unless the run succeeds. */
xp_result *fx_run(const char *engine, const xp_params *pr, const xp_schedule *sched);

/* Device d's order of a two-chunk V schedule as letters, one per block: F/f a forward of chunk
 * 0/1, B/b a D of chunk 1/0 (the first/second pass of the backward through the device), W/w the
 * W of chunk 1/0. Returns 0 when a letter runs its microbatches out of order, or the schedule
 * has a B or a piece. */
int fx_v_letters(const xp_schedule *s, int d, char *out, size_t len);

/* tests/data/NAME of the source tree ($XP_TOP, default "."), open for reading; bails when it
 * cannot be opened. */
FILE *fx_data(const char *name);

/* 1 when a and b (neither NULL) have the same shape and the same ops on every device. */
int fx_same_orders(const xp_schedule *a, const xp_schedule *b);

/* Two 2-stage DCs over a 5 ms, 100 Gbps WAN, 10/5/5 ms blocks, 125 MB messages, gpipe: the base
 * scenario of the time-varying WAN and background-traffic tests (their times are by hand). */
extern const char fx_wan_base[];

#endif
