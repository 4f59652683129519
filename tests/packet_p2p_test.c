/* packet_p2p_test.c: the packet engine (ns-3) under network.p2p rendezvous, blocking and megatron
 * against the analytic engine on small 2-stage cases where the semantics change the makespan. */
#include <math.h>
#include <stdlib.h>

#include "engine/packet.h"
#include "fixture.h"
#include "tap.h"

/* The tolerance: TCP/IP headers (40 bytes per 8960-byte segment, 0.45%) and store-and-forward of
 * a packet per hop make each message slightly longer on the packet engine than size/bandwidth;
 * over these runs that stays well under 1% of the makespan. */
#define TOL 0.01

static xp_params *two_dcs(int m, int64_t tw_ns)
{
	xp_params *pr = fx_new(2, m, 1000000, 1000000, tw_ns); /* 1 ms blocks */
	fx_datacenters(pr, 2, 1000000, 100e9);                 /* 1 ms, 100 Gb/s */
	pr->intra_dc = (xp_link_class){ 1000, 400e9 };
	pr->message_bytes = 4 << 20; /* 0.34 ms on the WAN link */
	return pr;
}

static int64_t makespan(const char *engine, const xp_params *pr, const xp_schedule *s)
{
	xp_result *r = fx_run(engine, pr, s);
	int64_t ms = r->makespan_ns;
	xp_result_free(r);
	return ms;
}

static void compare(const char *what, xp_params *pr, const xp_schedule *s, int mode)
{
	pr->p2p = XP_P2P_DECOUPLED;
	int64_t dec = makespan("analytic", pr, s);
	pr->p2p = mode;
	int64_t an = makespan("analytic", pr, s), pk = makespan("packet", pr, s);
	ok(an > dec, "%s, %s: the analytic makespan grows over decoupled (%lld > %lld ns)", what,
	   xp_p2p_name(mode), (long long)an, (long long)dec);
	double rel = (double)(pk - an) / (double)an;
	ok(fabs(rel) < TOL, "%s, %s: packet %lld ns within %.0f%% of analytic %lld ns (%+.3f%%)",
	   what, xp_p2p_name(mode), (long long)pk, TOL * 100, (long long)an, rel * 100);
}

int main(void)
{
	plan(14);
	if (!xp_packet())
		bail("the packet engine is not linked into this test");
	xp_params *pr = two_dcs(4, 1000000);
	xp_schedule *s = fx_build("gpipe", pr);
	compare("gpipe p=2 m=4", pr, s, XP_P2P_RENDEZVOUS);
	compare("gpipe p=2 m=4", pr, s, XP_P2P_BLOCKING);
	xp_schedule_free(s);
	s = fx_build("1f1b", pr);
	compare("1f1b p=2 m=4", pr, s, XP_P2P_RENDEZVOUS);
	compare("1f1b p=2 m=4", pr, s, XP_P2P_MEGATRON);
	xp_schedule_free(s);
	s = fx_build("interleaved", pr); /* two chunks per device */
	compare("interleaved p=2 m=4", pr, s, XP_P2P_MEGATRON);
	pr->p2p = XP_P2P_RENDEZVOUS;
	int64_t rdv = makespan("analytic", pr, s);
	pr->p2p = XP_P2P_MEGATRON;
	ok(makespan("analytic", pr, s) != rdv, "interleaved p=2 m=4: megatron is not rendezvous");
	xp_schedule_free(s);
	s = fx_build("zbh1", pr);
	xp_result *r = NULL;
	xp_error err;
	xp_error_clear(&err);
	ok(xp_engine_run(xp_engine_find("packet"), pr, s, &r, &err) == XP_EINVAL,
	   "the packet engine refuses megatron for zbh1: %s", err.msg);
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
	/* the 2-stage case of p2p_test.c where blocking is slower than rendezvous, at T_W = 3T */
	pr = two_dcs(2, 3000000);
	xp_schedule *h = xp_schedule_new(2, 1, 2, NULL);
	const xp_op_kind k0[] = { XP_OP_F, XP_OP_F, XP_OP_D, XP_OP_W, XP_OP_D, XP_OP_W };
	const xp_op_kind k1[] = { XP_OP_F, XP_OP_F, XP_OP_D, XP_OP_D, XP_OP_W, XP_OP_W };
	const int mb0[] = { 0, 1, 0, 0, 1, 1 }, mb1[] = { 0, 1, 0, 1, 0, 1 };
	for (int i = 0; h && i < 6; i++)
		if (xp_schedule_add_block(h, 0, k0[i], mb0[i], 0) ||
		    xp_schedule_add_block(h, 1, k1[i], mb1[i], 0))
			bail("out of memory");
	compare("F/D/W by hand p=2", pr, h, XP_P2P_BLOCKING);
	xp_schedule_free(h);
	fx_free(pr);
	return done_testing();
}
