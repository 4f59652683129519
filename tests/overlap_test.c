/* overlap_test.c: TAP tests of the overlapped op (torch's OVERLAP_F_B) and of dualpipev: its
 * timing and memory worked out by hand, the checker's refusals, the schedule-file and torch CSV
 * round trips, and dualpipev's orders against rows reconstructed by hand from the rules of
 * torch's ScheduleDualPipeV (docs/torch.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "schedule/schedule_file.h"
#include "schedule/schedule_torch.h"
#include "tap.h"

#define T 1000000 /* 1 ms */

/* Append "F0.c0"-style ops of device d: kinds F B D W, or "O" followed by the F's mb and chunk
 * and the B's mb and chunk ("O1110" = F1.c1 + B0.c0). Tokens are separated by blanks. */
static void add_ops(xp_schedule *s, int d, const char *ops)
{
	for (const char *c = ops; *c; c++) {
		if (*c == ' ')
			continue;
		xp_status st;
		if (*c == 'O') {
			st = xp_schedule_add_overlap(s, d, c[1] - '0', c[2] - '0', c[3] - '0',
			                             c[4] - '0');
			c += 4;
		} else {
			xp_op_kind k = *c == 'F'   ? XP_OP_F
			               : *c == 'B' ? XP_OP_B
			               : *c == 'D' ? XP_OP_D
			                           : XP_OP_W;
			st = xp_schedule_add_block(s, d, k, c[1] - '0', c[2] - '0');
			c += 2;
		}
		if (st)
			bail("cannot add %s", c);
	}
}

/* Two devices in the V placement (device 0: parts 0 and 3, device 1: parts 1 and 2), m = 2,
 * chunk blocks F = T and B = 2T (device T_F = 2T, T_D = T_W = 2T), links of latency T and
 * infinite bandwidth. Device 0 runs its F1 of part 3 overlapped with its B0 of part 0. */
static xp_schedule *two_device_case(void)
{
	xp_schedule *s = xp_schedule_new_v(2, 2);
	if (!s)
		bail("out of memory");
	add_ops(s, 0, "F00 F10 F01 B01 O1100 B11 B10");
	add_ops(s, 1, "F00 F01 F10 F11 B01 B00 B11 B10");
	return s;
}

static xp_params *two_device_params(void)
{
	xp_params *pr = fx_new(2, 2, 2 * T, 2 * T, 2 * T);
	fx_datacenters(pr, 2, T, INFINITY);
	return pr;
}

/* By hand, in T. Device 0: F0.c0 [0,1], F1.c0 [1,2]. Device 1 (inputs 1 T later): F0 of part 1
 * [2,3], F0 of part 2 [3,4], F1 of part 1 [4,5], F1 of part 2 [5,6]. Device 0: F0 of part 3
 * (arrives 5) [5,6], its B0 [6,8] (gradient at device 1 at 9). The overlapped op needs F1 of
 * part 2 (arrives 7) and B0 of part 1: device 1 runs B0 of part 2 [9,11] and of part 1 [11,13],
 * whose gradient arrives at 14. So the op runs [14,17] with factor 1 (F + B = 3), [14,16.25]
 * with 0.75, and [14,16] with 0.5 (1.5 is below B's 2: the longer block bounds it); its F's
 * output (part 3 is the last part) feeds B1 of part 3 on device 0 at its end: factor 1: B1 of
 * part 3 [17,19], device 1 B1 of parts 2, 1 [20,22], [22,24], device 0 B1 of part 0 [25,27] ->
 * 27. Factor 0.75: everything 0.75 T earlier -> 26.25; factor 0.5: 1 T earlier -> 26.
 * Run as two ops (F1 of part 3, then B0 of part 0) the F would not wait for the B's input:
 * F [8,9], B [14,16], B1 of part 3 [16,18], device 1 [19,21], [21,23], device 0 [24,26] -> 26. */
static void test_timing(void)
{
	xp_params *pr = two_device_params();
	xp_schedule *s = two_device_case();
	xp_error err;
	xp_error_clear(&err);
	ok(xp_schedule_check(s, &err) == XP_OK, "the hand-built overlap schedule checks (%s)",
	   err.msg);
	xp_result *r = fx_run("analytic", pr, s);
	size_t o = r->op_offset[0] + 4;
	is_int(r->op_start_ns[o], 14 * T, "the overlapped op starts when both inputs are there");
	is_int(r->op_end_ns[o], 17 * T, "it takes T_F + T_B at model.overlap_f_b 1");
	is_int(r->makespan_ns, 27 * T, "makespan 27 T by hand (factor 1)");
	xp_result_free(r);
	pr->overlap_f_b = 0.75;
	r = fx_run("analytic", pr, s);
	is_int(r->op_end_ns[o] - r->op_start_ns[o], 9 * T / 4, "0.75 x (T_F + T_B) at factor 0.75");
	is_int(r->makespan_ns, 105 * T / 4, "makespan 26.25 T by hand (factor 0.75)");
	xp_result_free(r);
	pr->overlap_f_b = 0.5;
	r = fx_run("analytic", pr, s);
	is_int(r->op_end_ns[o] - r->op_start_ns[o], 2 * T,
	       "factor 0.5: 1.5 T is below T_B, so the op takes T_B = 2 T");
	is_int(r->makespan_ns, 26 * T, "makespan 26 T by hand (factor 0.5)");
	xp_result_free(r);
	pr->overlap_f_b = 1;
	xp_schedule *seq = xp_schedule_new_v(2, 2);
	if (!seq)
		bail("out of memory");
	add_ops(seq, 0, "F00 F10 F01 B01 F11 B00 B11 B10");
	add_ops(seq, 1, "F00 F01 F10 F11 B01 B00 B11 B10");
	r = fx_run("analytic", pr, seq);
	is_int(r->makespan_ns, 26 * T, "the same blocks as two ops: 26 T by hand");
	xp_result_free(r);
	r = fx_run("ideal", pr, s);
	/* free links: device 0 F0.c0 [0,1] F1.c0 [1,2]; device 1 [1,2] [2,3] [3,4] [4,5]; device 0
	 * F0 p3 [3,4], B0 p3 [4,6]; device 1 B0 p2 [6,8], B0 p1 [8,10]; op [10,13]; B1 p3
	 * [13,15]; device 1 [15,17], [17,19]; device 0 B1 p0 [19,21] */
	is_int(r->makespan_ns, 21 * T, "ideal engine: 21 T by hand");
	xp_result_free(r);
	xp_schedule_free(seq);
	xp_schedule_free(s);
	fx_free(pr);
}

/* One device holding parts 0 and 1 (M_F of a chunk = 500 bytes): F0.c0 (500), F0.c1 (1000),
 * F1.c0+B0.c1: +500 at its start (1500), -500 at its end (1000); F1.c1+B0.c0 again 1500 then
 * 1000; B1.c1 500; B1.c0 0. Peak 1500 (an op that nets its F against its B would give 1000). */
static void test_memory(void)
{
	xp_params *pr = fx_new(1, 2, T, T, T);
	xp_schedule *s = xp_schedule_new_v(1, 2);
	if (!s)
		bail("out of memory");
	add_ops(s, 0, "F00 F01 O1001 O1100 B11 B10");
	int64_t peak[1];
	xp_schedule_peak_memory(pr, s, peak);
	is_int(peak[0], 1500, "peak memory with overlapped ops: 1500 bytes by hand");
	xp_result *r = fx_run("analytic", pr, s);
	is_int(r->peak_memory_bytes[0], 1500, "the engine's result says the same");
	/* F = T/2, B = T per chunk: 0.5 + 0.5 + 1.5 + 1.5 + 1 + 1 */
	is_int(r->makespan_ns, 6 * T, "one device: the ops back to back, 6 T");
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

static void refused(xp_schedule *s, const char *want, const char *what)
{
	xp_error err;
	xp_error_clear(&err);
	xp_status st = xp_schedule_check(s, &err);
	ok(st == XP_EINVAL && strstr(err.msg, want), "check refuses %s: '%s' (got '%s')", what,
	   want, err.msg);
	xp_schedule_free(s);
}

static xp_schedule *one_device(const char *ops)
{
	xp_schedule *s = xp_schedule_new_v(1, 2);
	if (!s)
		bail("out of memory");
	add_ops(s, 0, ops);
	return s;
}

static void file_refused(const char *text, const char *want)
{
	xp_error err;
	xp_error_clear(&err);
	xp_schedule *s = NULL;
	xp_status st = xp_schedule_read(text, strlen(text), "t", &s, &err);
	ok(st == XP_EINVAL && !s && strstr(err.msg, want),
	   "the file reader refuses '%s' (got '%s')", want, err.msg);
	xp_schedule_free(s);
}

#define HEAD "crosspipe-schedule 1\ndevices 1\nchunks 2\nmicrobatches 2\n"

static void test_checker(void)
{
	refused(one_device("F00 F01 O1000 F11 B01 B11 B10"), "overlaps two blocks of one part",
	        "an overlap of one part's F and B");
	refused(one_device("F00 F01 F10 O1001 O1100 B11 B10"), "F1.c0 appears twice",
	        "an overlap repeating a block");
	refused(one_device("F00 F01 O1001 O1100 B11 D10 W10 B10"), "B1.c0: its block's backward",
	        "a backward given twice next to an overlap");
	xp_schedule *s = xp_schedule_new_v(1, 2);
	xp_op bad = xp_op_overlap(0, 0, 0, 2);
	ok(s && xp_schedule_add(s, 0, bad) == XP_EINVAL, "an overlap's B chunk out of range");
	xp_schedule_free(s);
	file_refused(HEAD "device 0: F0.c0 F0.c1 B0.c1+F1.c0\n",
	             "an overlapped op starts with a whole F");
	file_refused(HEAD "device 0: F0.c0 F0.c1 F1.c0+D0.c1\n",
	             "an overlapped op ends with a whole B");
	file_refused(HEAD "device 0: F0.c0 F0.c1 F1.c0+B0.c0 F1.c1 B0.c1 B1.c1 B1.c0\n",
	             "overlaps two blocks of one part");
}

/* The engine's deadlock report names both inputs of an overlapped op. */
static void test_deadlock(void)
{
	xp_params *pr = fx_new(1, 2, T, T, T);
	xp_schedule *s = one_device("F00 F01 O1100 F10 B01 B11 B10");
	xp_error err;
	xp_error_clear(&err);
	xp_result *r = NULL;
	xp_status st = xp_schedule_check(s, &err);
	if (st == XP_OK)
		st = xp_engine_run(xp_engine_find("analytic"), pr, s, &r, &err);
	ok(st == XP_EDEADLOCK &&
	       strstr(err.msg, "waiting for F1 of part 0 (device 0) and B0 of part 1 (device 0)"),
	   "a cyclic wait through an overlapped op names both of its inputs (%s)", err.msg);
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

static char *torch_text(const xp_schedule *s, xp_torch_form form)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	xp_error err;
	if (!f)
		bail("open_memstream");
	if (xp_torch_write(s, form, f, &err))
		bail("torch export: %s", err.msg);
	fclose(f);
	return buf;
}

static int64_t makespan(const xp_params *pr, const xp_schedule *s)
{
	xp_result *r = fx_run("analytic", pr, s);
	int64_t t = r->makespan_ns;
	xp_result_free(r);
	return t;
}

/* dualpipev through the torch CSV (both forms) and the crosspipe file, read back. */
static void test_round_trips(void)
{
	static const int grid[][2] = {
		{ 1, 2 }, { 2, 4 }, { 2, 5 }, { 3, 6 }, { 4, 8 }, { 4, 11 }
	};
	for (size_t g = 0; g < sizeof grid / sizeof grid[0]; g++) {
		xp_params *pr = fx_new(grid[g][0], grid[g][1], 1000, 1200, 800);
		if (grid[g][0] > 1)
			fx_datacenters(pr, 2, 2000, 8e9);
		xp_schedule *s = fx_build("dualpipev", pr);
		int64_t want = makespan(pr, s);
		for (int form = 0; form < 2; form++) {
			char *csv = torch_text(s, (xp_torch_form)form);
			xp_schedule *back = NULL;
			xp_error err;
			xp_error_clear(&err);
			xp_torch_read(csv, strlen(csv), "rt.csv", XP_TORCH_DIALECT_CURRENT, &back,
			              NULL, &err);
			ok(fx_same_orders(s, back) && makespan(pr, back) == want,
			   "dualpipev p=%d m=%d %s: torch export and import give the same orders "
			   "and "
			   "makespan %s",
			   grid[g][0], grid[g][1], form ? "compute_comms" : "compute_only",
			   err.msg);
			xp_schedule_free(back);
			free(csv);
		}
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		if (!f || xp_schedule_write(s, f))
			bail("schedule write");
		fclose(f);
		xp_schedule *back = NULL;
		xp_error err;
		xp_error_clear(&err);
		xp_schedule_read(text, len, "rt", &back, &err);
		ok(fx_same_orders(s, back),
		   "dualpipev p=%d m=%d: the crosspipe schedule file reads back "
		   "the same orders %s",
		   grid[g][0], grid[g][1], err.msg);
		xp_schedule_free(back);
		free(text);
		xp_schedule_free(s);
		fx_free(pr);
	}
}

/* dualpipev's rows as torch writes its pipeline_order (compute_only), reconstructed by hand from
 * the eight steps of ScheduleDualPipeV (the comment of models/schedules/dualpipev.c). Device k
 * holds stages k and 2p-1-k. For p=1, m=2 (k = 0 = p-1): step 2 F of 0 and 1; step 4, one
 * round, the last device's first overlap split: 0F1, 1B0, then (1F1;0B0); step 6, one round:
 * 1B1, then (k even) the D of stage 0 and step 8 its W. */
static const char p1m2[] = "0F0,1F0,0F1,1B0,(1F1;0B0)OVERLAP_F_B,1B1,0I1,0W1\r\n";
/* p=2, m=4. Device 0 (stages 0, 3): 2 F0; F0 F1; D1 W F1; one round of F0+B1, F1+B0; B1,
 * F1+B0; step 6 one round: 3B3 then D0 2; step 7: W, D0 3; step 8: W. Device 1 (stages 1, 2,
 * the last): F0 F1 twice; two rounds, the first F0+B1 split; step 6 two rounds, the second
 * (round (1+1)/2 = 1, k odd) D from stage 2's on; step 8 two W. */
static const char p2m4[] =
    "0F0,0F1,0F2,3F0,3I0,3W0,3F1,(0F3;3B1)OVERLAP_F_B,(3F2;0B0)OVERLAP_F_B,3B2,"
    "(3F3;0B1)OVERLAP_F_B,3B3,0I2,0W2,0I3,0W3\r\n"
    "1F0,2F0,1F1,2F1,1F2,2B0,(2F2;1B0)OVERLAP_F_B,(1F3;2B1)OVERLAP_F_B,(2F3;1B1)OVERLAP_F_B,"
    "2B2,1B2,2I3,1I3,2W3,1W3\r\n";
/* p=3, m=6, worked the same way: device 0 (stages 0, 5, rest 2), device 1 (stages 1, 4, rest
 * 1: step 7 takes the oldest W, 4W5, before 1I5), device 2 (stages 2, 3, the last; k = 2 is
 * even: round 1 gives 3B4 then the D of stage 2). */
static const char p3m6[] =
    "0F0,0F1,0F2,0F3,0F4,5F0,5I0,5W0,5F1,5I1,5W1,5F2,(0F5;5B2)OVERLAP_F_B,"
    "(5F3;0B0)OVERLAP_F_B,5B3,(5F4;0B1)OVERLAP_F_B,5B4,(5F5;0B2)OVERLAP_F_B,5B5,0I3,0W3,0I4,"
    "0W4,0I5,0W5\r\n"
    "1F0,1F1,1F2,4F0,1F3,4F1,4I0,4W0,4F2,(1F4;4B1)OVERLAP_F_B,(4F3;1B0)OVERLAP_F_B,"
    "(1F5;4B2)OVERLAP_F_B,(4F4;1B1)OVERLAP_F_B,4B3,(4F5;1B2)OVERLAP_F_B,4B4,1B3,4I5,1I4,4W5,"
    "1I5,1W4,1W5\r\n"
    "2F0,3F0,2F1,3F1,2F2,3F2,2F3,3B0,(3F3;2B0)OVERLAP_F_B,(2F4;3B1)OVERLAP_F_B,"
    "(3F4;2B1)OVERLAP_F_B,(2F5;3B2)OVERLAP_F_B,(3F5;2B2)OVERLAP_F_B,3B3,2B3,3B4,2I4,3I5,2I5,"
    "2W4,3W5,2W5\r\n";

static void test_orders(void)
{
	static const struct {
		int p, m;
		const char *rows;
	} cases[] = { { 1, 2, p1m2 }, { 2, 4, p2m4 }, { 3, 6, p3m6 } };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xp_params *pr = fx_new(cases[i].p, cases[i].m, T, T, T);
		xp_schedule *s = fx_build("dualpipev", pr);
		char *got = torch_text(s, XP_TORCH_COMPUTE_ONLY);
		ok(!strcmp(got, cases[i].rows), "dualpipev p=%d m=%d: torch's order, by hand",
		   cases[i].p, cases[i].m);
		if (strcmp(got, cases[i].rows))
			diag("got:\n%s", got);
		free(got);
		xp_schedule_free(s);
		fx_free(pr);
	}
	xp_params *pr = fx_new(3, 5, T, T, T);
	xp_schedule *s = NULL;
	xp_error err;
	xp_error_clear(&err);
	const xp_schedule_kind *k = xp_schedule_kind_find("dualpipev");
	ok(k && k->build(pr, &s, &err) == XP_EINVAL && !s &&
	       strstr(err.msg, "pipeline.microbatches 5 < 2 x 3"),
	   "dualpipev refuses m < 2p (%s)", err.msg);
	fx_free(pr);
}

int main(void)
{
	plan(10 + 3 + 7 + 1 + 18 + 4);
	test_timing();
	test_memory();
	test_checker();
	test_deadlock();
	test_round_trips();
	test_orders();
	return done_testing();
}
