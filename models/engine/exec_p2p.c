/* exec_p2p.c: the communication semantics of network.p2p, for every engine (see exec.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/exec.h"

xp_status xp_exec_match_init(xp_exec_match *M, const xp_schedule *shape, int mode)
{
	*M = (xp_exec_match){ .mode = mode };
	M->parts = xp_schedule_parts(shape);
	M->m = xp_schedule_microbatches(shape);
	if (!xp_exec_p2p_matches(mode))
		return XP_OK;
	size_t slots = XP_SLOTS * (size_t)M->parts * (size_t)M->m;
	M->posted = malloc(slots);
	M->waiting = malloc(slots);
	M->unmatched = malloc((size_t)xp_schedule_devices(shape) * sizeof *M->unmatched);
	return M->posted && M->waiting && M->unmatched ? XP_OK : XP_ENOMEM;
}

void xp_exec_match_reset(xp_exec_match *M, int devices)
{
	if (!xp_exec_p2p_matches(M->mode))
		return;
	size_t slots = XP_SLOTS * (size_t)M->parts * (size_t)M->m;
	for (size_t i = 0; i < slots; i++)
		M->posted[i] = M->waiting[i] = 0;
	for (int d = 0; d < devices; d++)
		M->unmatched[d] = 0;
}

void xp_exec_match_free(xp_exec_match *M)
{
	free(M->posted);
	free(M->waiting);
	free(M->unmatched);
	M->posted = M->waiting = NULL;
	M->unmatched = NULL;
}

int xp_exec_match_send(xp_exec_match *M, int64_t slot, int sender)
{
	if (!xp_exec_p2p_matches(M->mode) || M->posted[slot])
		return 1;
	M->waiting[slot] = 1;
	if (M->mode == XP_P2P_BLOCKING)
		M->unmatched[sender]++;
	return 0;
}

int64_t xp_exec_match_post(xp_exec_match *M, const xp_schedule *s, int d, xp_op op)
{
	if (!xp_exec_p2p_matches(M->mode))
		return -1;
	int64_t slot = xp_exec_op_slot(s, d, op);
	if (M->posted[slot])
		return -1;
	int cls, from;
	int part = xp_schedule_part(s, d, op.chunk);
	if (!xp_exec_producer(M->parts, xp_exec_slot_class(op.kind), part, &cls, &from) ||
	    xp_schedule_device_of(s, from) == d)
		return -1; /* nothing comes over a link: no receive to post */
	M->posted[slot] = 1;
	if (!M->waiting[slot])
		return -1;
	M->waiting[slot] = 0;
	return slot;
}

int xp_exec_match_started(xp_exec_match *M, int sender)
{
	if (M->mode == XP_P2P_BLOCKING)
		M->unmatched[sender]--;
	return !xp_exec_match_holds(M, sender);
}

xp_status xp_exec_match_deadlock(const xp_exec_match *M, const xp_schedule *s, const size_t *next,
                                 xp_error *err)
{
	xp_status st = xp_exec_deadlock(s, next, err);
	if (!err || M->mode != XP_P2P_BLOCKING)
		return st;
	size_t used = strlen(err->msg);
	int held = 0;
	for (int d = 0; d < xp_schedule_devices(s) && used + 40 < sizeof err->msg; d++) {
		if (!xp_exec_match_holds(M, d))
			continue;
		used += (size_t)snprintf(err->msg + used, sizeof err->msg - used, "%s%d",
		                         held++ ? ", "
		                                : "; under network.p2p blocking, held in a send no "
		                                  "receive matches: device ",
		                         d);
	}
	return st;
}
