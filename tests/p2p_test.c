/* p2p_test.c: the communication semantics of network.p2p (engine/exec.h) on 2- and 3-stage
 * cases timed by hand. Every case has one block time T, a latency of T on every link between
 * stages (each stage in a datacenter of its own, 2 or 3 datacenters) and infinite bandwidth, so
 * that a message arrives T after it leaves. Notation: [a,b] an op from aT to bT; "posts at t":
 * the receiving device reaches the op whose input the message is. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "tap.h"

enum { T = 1000 }; /* ns */

enum { MODES = 5 };
static const char *const modes[MODES] = { "decoupled", "rendezvous", "blocking", "prefetch",
	                                  "megatron" };
static const int mode_of[MODES] = { XP_P2P_DECOUPLED, XP_P2P_RENDEZVOUS, XP_P2P_BLOCKING,
	                            XP_P2P_PREFETCH, XP_P2P_MEGATRON };

static xp_params *chain(int p, int m, int64_t td, int64_t tw)
{
	xp_params *pr = fx_new(p, m, T, td, tw);
	fx_datacenters(pr, p, T, INFINITY);
	return pr;
}

/* The makespan in T under each mode (-1: the run deadlocked, status XP_EDEADLOCK; -2: refused,
 * XP_EINVAL, as megatron refuses the schedules Megatron-Core does not run). */
static void run_modes(const char *engine, const xp_params *pr0, const xp_schedule *s,
                      int64_t got[MODES])
{
	xp_params pr = *pr0;
	for (int k = 0; k < MODES; k++) {
		pr.p2p = mode_of[k];
		xp_result *r = NULL;
		xp_error err;
		xp_error_clear(&err);
		xp_status st = xp_engine_run(xp_engine_find(engine), &pr, s, &r, &err);
		got[k] = st == XP_OK          ? r->makespan_ns / T
		         : st == XP_EDEADLOCK ? -1
		         : st == XP_EINVAL    ? -2
		                              : -3;
		if (st != XP_OK && st != XP_EDEADLOCK && st != XP_EINVAL)
			diag("%s: %s", modes[k], err.msg);
		xp_result_free(r);
	}
}

static void expect(const char *what, const xp_params *pr, const xp_schedule *s,
                   const int64_t want[MODES])
{
	int64_t got[MODES];
	run_modes("analytic", pr, s, got);
	for (int k = 0; k < MODES; k++)
		is_int(got[k], want[k], "%s, %s: makespan in T (-1: deadlock, -2: refused)", what,
		       modes[k]);
}

/* A schedule of one chunk per device from strings such as "F0 F1 D0 W0 D1 W1". */
static xp_schedule *by_hand(int p, int m, const char *const *orders)
{
	xp_schedule *s = xp_schedule_new(p, 1, m, NULL);
	for (int d = 0; s && d < p; d++)
		for (const char *c = orders[d]; *c; c++) {
			if (*c == ' ')
				continue;
			xp_op_kind kind = *c == 'F'   ? XP_OP_F
			                  : *c == 'B' ? XP_OP_B
			                  : *c == 'D' ? XP_OP_D
			                              : XP_OP_W;
			int mb = c[1] - '0';
			c++;
			if (xp_schedule_add_block(s, d, kind, mb, 0))
				bail("out of memory");
		}
	if (!s)
		bail("out of memory");
	return s;
}

/* GPipe, 2 stages, m=2, T_F = T, T_B = 2T.
 * decoupled: dev0 F0[0,1] F1[1,2]; dev1 F0[2,3] F1[3,4] B0[4,6] B1[6,8];
 *            dev0 B0 (grad arrives 7) [7,9], B1 [9,11]                                -> 11
 * rendezvous: dev1 posts F1 at 3 (end of its F0): F1 leaves 3, arrives 4: F1[4,5] B0[5,7]
 *            B1[7,9]; dev0 posts B0 at 2: B0 leaves 7, arrives 8: B0[8,10]; dev0 posts B1 at
 *            10: B1 leaves 10, arrives 11: B1[11,13]                                  -> 13
 * blocking: dev0 waits in F1's send from 2 to 3 and posts B0 at 3, before B0 leaves at 7;
 *            dev1 waits in B1's send from 9 to 10, with nothing left to run: as rendezvous -> 13
 * prefetch: every receive posted at the start, so a message leaves when its block ends -> 11 */
static void gpipe_two(void)
{
	xp_params *pr = chain(2, 2, T, T);
	xp_schedule *s = fx_build("gpipe", pr);
	expect("gpipe, 2 stages", pr, s, (int64_t[]){ 11, 13, 13, 11, -2 });
	xp_schedule_free(s);
	fx_free(pr);
}

/* GPipe, 3 stages, m=2, T_F = T, T_B = 2T.
 * decoupled: dev0 F0[0,1] F1[1,2]; dev1 F0[2,3] F1[3,4]; dev2 F0[4,5] F1[5,6] B0[6,8]
 *            B1[8,10]; dev1 B0[9,11] B1[11,13]; dev0 B0[12,14] B1[14,16]               -> 16
 * rendezvous: dev1 posts F1 at 3: F1[4,5]; dev2 posts F1 at 5, F1 (ready 5) arrives 6:
 *            F1[6,7] B0[7,9] B1[9,11]; dev1 posted B0 at 5: B0 arrives 10: B0[10,12], posts
 *            B1 at 12, B1 (ready 11) arrives 13: B1[13,15]; dev0 posted B0 at 2: B0 arrives
 *            13: B0[13,15], posts B1 at 15, B1 arrives 16: B1[16,18]                  -> 18
 * blocking: dev0 waits in F1's send 2..3, dev1 in F1's send 5..5 and later in B1's, dev2 in
 *            B1's 11..12; none of them had a ready op meanwhile: as rendezvous          -> 18 */
static void gpipe_three(void)
{
	xp_params *pr = chain(3, 2, T, T);
	xp_schedule *s = fx_build("gpipe", pr);
	expect("gpipe, 3 stages", pr, s, (int64_t[]){ 16, 18, 18, 16, -2 });
	xp_schedule_free(s);
	fx_free(pr);
}

/* 1F1B, 2 stages, m=2, T_F = T, T_B = 2T: dev0 F0 F1 B0 B1, dev1 F0 B0 F1 B1.
 * decoupled: dev0 F0[0,1] F1[1,2]; dev1 F0[2,3] B0[3,5] F1[5,6] (arrived 3) B1[6,8];
 *            dev0 B0[6,8] B1[9,11]                                                    -> 11
 * rendezvous: dev1 posts F1 at 5 (end of B0): F1 leaves 5, arrives 6: F1[6,7] B1[7,9];
 *            dev0 B0 arrives 6: B0[6,8], posts B1 at 8, B1 leaves 9, arrives 10: [10,12]  -> 12
 * blocking: dev0 waits in F1's send from 2 for dev1 to post F1; dev1 ends B0 at 5 and waits
 *            in its send for dev0 to post B0: each waits for the other                -> deadlock
 * megatron: dev0 F0[0,1], waits in F0's send until it arrives at 2: F1[2,3]; then one call
 *            (send F1, receive B0); dev1 F0[2,3] B0[3,5], call (send B0, receive F1) at 5: both
 *            arrive 6, dev1 F1[6,7] B1[7,9], dev0 B0[6,8], receives B1 at 8, B1 leaves 9,
 *            arrives 10: B1[10,12]                                                      -> 12
 *            With two stages Megatron-Core's 1F1B calls pair each message with one going the
 *            other way at the same match, so its waits add nothing to rendezvous here. */
static void onef1b_two(void)
{
	xp_params *pr = chain(2, 2, T, T);
	xp_schedule *s = fx_build("1f1b", pr);
	expect("1f1b, 2 stages", pr, s, (int64_t[]){ 11, 12, -1, 11, 12 });
	xp_schedule_free(s);
	fx_free(pr);
}

/* 1F1B, 3 stages, m=2, T_F = T, T_B = 2T, latency 2T: dev0 F0 F1 B0 B1 (2 warm-up forwards),
 * dev1 F0 F1 B0 B1 (1), dev2 F0 B0 F1 B1 (0). Megatron-Core's calls: warm-up F then
 * send_forward, recv_forward (one after the other); send_forward_recv_backward after a steady F;
 * send_backward_recv_forward after a steady B; recv_backward, B, send_backward in the cool-down.
 * megatron: dev0 F0[0,1], its send arrives 3: F1[3,4]; send F1 (matched when dev1 posts at 6,
 *            arrives 8), then receive B0. dev1 F0 arrives 3: F0[3,4], send F0 (arrives 6), then
 *            receive F1 (arrives 8): F1[8,9]; one call: send F1 and receive B0. dev2 F0 arrives
 *            6: F0[6,7] B0[7,9]; one call at 9: send B0 and receive F1, both arrive 11: F1[11,12]
 *            B1[12,14], sends B1 at 14. dev1 B0[11,13]; sends B0 (arrives 15), then receives B1
 *            at 15 (arrives 17): B1[17,19], sends B1 (arrives 21). dev0 B0 arrived 15:
 *            B0[15,17], receives B1 at 17: B1[21,23]                                     -> 23
 *            (rendezvous 22: there no device waits for its own sends to arrive.) */
static void onef1b_three(void)
{
	xp_params *pr = fx_new(3, 2, T, T, T);
	fx_datacenters(pr, 3, 2 * T, INFINITY);
	xp_schedule *s = fx_build("1f1b", pr);
	expect("1f1b, 3 stages, latency 2T", pr, s, (int64_t[]){ 20, 22, -1, 20, 23 });
	xp_schedule_free(s);
	fx_free(pr);
}

/* Interleaved, 2 stages, 2 chunks, m=4; per chunk T_F = T, T_B = 2T; latency 2T. Parts: dev0
 * holds 0 and 2, dev1 1 and 3. dev0 runs 4 warm-up forwards, dev1 2; then (F, B) pairs, each pair
 * one step with a single call after it (send both outputs, receive both next inputs); then the
 * cool-down B's, each followed by send_backward_recv_backward.
 * megatron: dev0 F0.0[0,1] (call: arrives 3) F1.0[3,4] (call with dev1's F0.1: 4..6) F0.2[6,7]
 *            (call 7..9) F1.2[9,10]; dev1 F0.1[3,4] F1.1[6,7] (call 7..9), step F0.3[9,10]
 *            B0.3[10,12], call 12..14 (B0.3 to dev0, F1.2 from dev0); then every step of both
 *            devices takes 3T and its call 2T: steps start 14, 19, 24, 29; dev0's first cool-down
 *            B2.2[34,36], dev1's last step [34,37]; calls meet at 37..39: dev0 B3.2[39,41], dev1
 *            B2.1[39,41]; at 41..43: dev0 B2.0[43,45], dev1 B3.1[43,45]; dev1 sends B3.1 at 45,
 *            arrives 47: dev0 B3.0[47,49]                                                   -> 49
 *            (rendezvous 53: a B's input is posted only when the device reaches the B, after
 *            its F; Megatron-Core receives it in the call before the pair.) */
static void interleaved_two(void)
{
	xp_params *pr = fx_new(2, 4, 2 * T, 2 * T, 2 * T); /* per chunk: half of each */
	fx_datacenters(pr, 2, 2 * T, INFINITY);
	xp_schedule *s = fx_build("interleaved", pr);
	expect("interleaved, 2 stages, latency 2T", pr, s, (int64_t[]){ 42, 53, -1, 42, 49 });
	xp_schedule_free(s);
	fx_free(pr);
}

/* megatron on a schedule Megatron-Core does not run: refused, naming it; a 1f1b order changed by
 * hand is refused too (the pattern follows Megatron-Core's own order, not any F/B order). */
static void megatron_refuses(void)
{
	xp_params *pr = chain(2, 2, T, T);
	pr->p2p = XP_P2P_MEGATRON;
	const char *const names[] = { "zbh1", "zbv", "gpipe", "greedy" };
	for (int k = 0; k < 4; k++) {
		xp_schedule *s = fx_build(names[k], pr);
		xp_result *r = NULL;
		xp_error err;
		xp_error_clear(&err);
		xp_status st = xp_engine_run(xp_engine_find("analytic"), pr, s, &r, &err);
		ok(st == XP_EINVAL && strstr(err.msg, "Megatron-Core runs") &&
		       strstr(err.msg, names[k]),
		   "megatron refuses %s: %s", names[k], err.msg);
		xp_result_free(r);
		xp_schedule_free(s);
	}
	const char *const o[] = { "F1 F0 B0 B1", "F0 B0 F1 B1" };
	xp_schedule *s = by_hand(2, 2, o);
	xp_result *r = NULL;
	xp_error err;
	xp_error_clear(&err);
	ok(xp_engine_run(xp_engine_find("analytic"), pr, s, &r, &err) == XP_EINVAL,
	   "megatron refuses a 1f1b order with two forwards swapped");
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

/* T_F = T_D = T, T_W = 3T, by hand: dev0 F0 F1 D0 W0 D1 W1; dev1 F0 F1 D0 D1 W0 W1.
 * decoupled: dev0 F0[0,1] F1[1,2]; dev1 F0[2,3] F1[3,4] D0[4,5] D1[5,6] W0[6,9] W1[9,12];
 *            dev0 D0[6,7] W0[7,10] D1[10,11] W1[11,14]                                -> 14
 * rendezvous: dev1 posts F1 at 3: F1[4,5] D0[5,6] D1[6,7] W0[7,10] W1[10,13]; dev0 posted D0
 *            at 2: D0 arrives 7: D0[7,8] W0[8,11]; posts D1 at 11, D1 (ready 7) arrives 12:
 *            D1[12,13] W1[13,16]                                                      -> 16
 * blocking: as rendezvous until dev1 ends D1 at 7: its send waits for dev0 to post D1 at 11,
 *            so dev1 runs W0[11,14] W1[14,17]; dev0 as under rendezvous (ends 16)      -> 17 */
static void by_hand_two(void)
{
	xp_params *pr = chain(2, 2, T, 3 * T);
	const char *const o[] = { "F0 F1 D0 W0 D1 W1", "F0 F1 D0 D1 W0 W1" };
	xp_schedule *s = by_hand(2, 2, o);
	expect("F/D/W by hand, 2 stages", pr, s, (int64_t[]){ 14, 16, 17, 14, -2 });
	xp_schedule_free(s);
	fx_free(pr);
}

/* T_F = T_D = T, T_W = 3T, by hand: dev0 F0 F1 D0 W0 D1 W1; dev1, dev2 F0 F1 D0 D1 W0 W1.
 * decoupled: dev0 F0[0,1] F1[1,2]; dev1 F0[2,3] F1[3,4]; dev2 F0[4,5] F1[5,6] D0[6,7] D1[7,8]
 *            W0[8,11] W1[11,14]; dev1 D0[8,9] D1[9,10] W0[10,13] W1[13,16]; dev0 D0[10,11]
 *            W0[11,14] D1[14,15] W1[15,18]                                            -> 18
 * rendezvous: dev1 F1[4,5]; dev2 posts F1 at 5: F1[6,7] D0[7,8] D1[8,9] W0[9,12] W1[12,15];
 *            dev1 posted D0 at 5: D0[9,10], posts D1 at 10: D1[11,12] W0[12,15] W1[15,18];
 *            dev0 posted D0 at 2: D0[11,12] W0[12,15], posts D1 at 15: D1[16,17] W1[17,20] -> 20
 * blocking: dev2's D1 send (ready 9) waits for dev1's post at 10: dev2 W0[10,13] W1[13,16];
 *            dev1 D0[9,10] D1[11,12], and its D1 send waits for dev0's post at 15 (after
 *            dev0's D0[11,12] W0[12,15]): dev1 W0[15,18] W1[18,21]; dev0 D1[16,17] W1[17,20] -> 21
 */
static void by_hand_three(void)
{
	xp_params *pr = chain(3, 2, T, 3 * T);
	const char *const o[] = { "F0 F1 D0 W0 D1 W1", "F0 F1 D0 D1 W0 W1", "F0 F1 D0 D1 W0 W1" };
	xp_schedule *s = by_hand(3, 2, o);
	expect("F/D/W by hand, 3 stages", pr, s, (int64_t[]){ 18, 20, 21, 18, -2 });
	xp_schedule_free(s);
	fx_free(pr);
}

/* Rendezvous: a message leaves at its match, so its transfer record says so. */
static void transfer_times(void)
{
	xp_params *pr = chain(2, 2, T, T);
	pr->p2p = XP_P2P_RENDEZVOUS;
	xp_schedule *s = fx_build("gpipe", pr);
	xp_result *r = fx_run("analytic", pr, s);
	int seen = 0;
	for (size_t i = 0; i < r->n_transfers; i++) {
		const xp_transfer *t = &r->transfers[i];
		if (t->kind == XP_OP_F && t->mb == 1) {
			seen = 1;
			is_int(t->ready_ns, 2 * T, "F1's activation is ready when F1 ends (2T)");
			is_int(t->start_ns, 3 * T,
			       "it leaves when device 1 posts its receive (3T)");
			is_int(t->arrive_ns, 4 * T, "and arrives one latency later (4T)");
		}
	}
	ok(seen, "the activation of F1 was recorded");
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

/* The search loops plan under decoupled whatever network.p2p says: the greedy builds the same
 * order under every mode. */
static void planners_plan_decoupled(void)
{
	xp_params *pr = chain(2, 4, T, T);
	xp_schedule *base = fx_build("greedy", pr);
	for (int k = 1; k < MODES; k++) {
		pr->p2p = mode_of[k];
		xp_schedule *s = fx_build("greedy", pr);
		int same = 1;
		for (int d = 0; d < 2; d++) {
			size_t n = xp_schedule_len(s, d);
			same = same && n == xp_schedule_len(base, d) &&
			       memcmp(xp_schedule_ops(s, d), xp_schedule_ops(base, d),
			              n * sizeof(xp_op)) == 0;
		}
		ok(same, "greedy under %s: the order it plans under decoupled", modes[k]);
		xp_schedule_free(s);
	}
	xp_schedule_free(base);
	fx_free(pr);
}

int main(void)
{
	plan(5 * 7 + 4 + 4 + 5);
	gpipe_two();
	gpipe_three();
	onef1b_two();
	onef1b_three();
	interleaved_two();
	megatron_refuses();
	by_hand_two();
	by_hand_three();
	transfer_times();
	planners_plan_decoupled();
	return done_testing();
}
