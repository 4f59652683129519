/* greedy_test.c: the adaptive greedy schedules: crossudsub reproduces the CrossPipe authors'
 * CrossUDSub orders and times (p=4, m=8, 2 DCs, T_F=T_D=T_W, n_sub 1/2/4, memory 1x/2x,
 * (T_lat/T_F, T_bw/T_F) = (0,0) and (2,2); the authors' published development set, docs/model.md
 * §9, where "B" is our D and times are in units of T_F); greedy equals zbh1 with free
 * communication; memory limits hold; the error for a limit below one microbatch; determinism;
 * random scenarios run on the analytic engine without deadlock. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "oracle.h"
#include "schedule/schedule_check.h"
#include "schedule/schedule_file.h"
#include "schedules/schedules.h"
#include "tap.h"

enum { T = 1000000 }; /* T_F in ns */

/* The distinct per-device orders of the reference (several cases have the same). */
static const char *const order_0[4] = {
	"F0@0-1 F1@1-2 F2@2-3 F3@3-4 B0@7-8 W0@8-9 F4@9-10 B1@10-11 W1@11-12 F5@12-13 "
	"B2@13-14 W2@14-15 F6@15-16 B3@16-17 W3@17-18 F7@18-19 B4@19-20 W4@20-21 "
	"B5@21-22 W5@22-23 B6@23-24 W6@24-25 B7@25-26 W7@26-27",
	"F0@1-2 F1@2-3 F2@3-4 F3@4-5 B0@6-7 W0@7-8 B1@8-9 W1@9-10 F4@10-11 B2@11-12 "
	"W2@12-13 F5@13-14 B3@14-15 W3@15-16 F6@16-17 B4@17-18 W4@18-19 F7@19-20 "
	"B5@20-21 W5@21-22 B6@22-23 W6@23-24 B7@24-25 W7@25-26",
	"F0@2-3 F1@3-4 F2@4-5 B0@5-6 F3@6-7 B1@7-8 W0@8-9 B2@9-10 W1@10-11 F4@11-12 "
	"B3@12-13 W2@13-14 F5@14-15 B4@15-16 W3@16-17 F6@17-18 B5@18-19 W4@19-20 "
	"F7@20-21 B6@21-22 W5@22-23 B7@23-24 W6@24-25 W7@25-26",
	"F0@3-4 B0@4-5 F1@5-6 B1@6-7 F2@7-8 B2@8-9 F3@9-10 B3@10-11 W0@11-12 F4@12-13 "
	"B4@13-14 W1@14-15 F5@15-16 B5@16-17 W2@17-18 F6@18-19 B6@19-20 W3@20-21 "
	"F7@21-22 B7@22-23 W4@23-24 W5@24-25 W6@25-26 W7@26-27"
};

static const char *const order_1[4] = {
	"F0@0-1 F1@1-2 F2@2-3 F3@3-4 F4@4-5 F5@5-6 F6@6-7 B0@7-8 F7@8-9 B1@9-10 "
	"W0@10-11 B2@11-12 W1@12-13 B3@13-14 W2@14-15 B4@15-16 W3@16-17 B5@17-18 "
	"W4@18-19 B6@19-20 W5@20-21 B7@21-22 W6@22-23 W7@23-24",
	"F0@1-2 F1@2-3 F2@3-4 F3@4-5 F4@5-6 B0@6-7 F5@7-8 B1@8-9 F6@9-10 B2@10-11 "
	"F7@11-12 B3@12-13 W0@13-14 B4@14-15 W1@15-16 B5@16-17 W2@17-18 B6@18-19 "
	"W3@19-20 B7@20-21 W4@21-22 W5@22-23 W6@23-24 W7@24-25",
	"F0@2-3 F1@3-4 F2@4-5 B0@5-6 F3@6-7 B1@7-8 F4@8-9 B2@9-10 F5@10-11 B3@11-12 "
	"F6@12-13 B4@13-14 F7@14-15 B5@15-16 W0@16-17 B6@17-18 W1@18-19 B7@19-20 "
	"W2@20-21 W3@21-22 W4@22-23 W5@23-24 W6@24-25 W7@25-26",
	"F0@3-4 B0@4-5 F1@5-6 B1@6-7 F2@7-8 B2@8-9 F3@9-10 B3@10-11 F4@11-12 B4@12-13 "
	"F5@13-14 B5@14-15 F6@15-16 B6@16-17 F7@17-18 B7@18-19 W0@19-20 W1@20-21 "
	"W2@21-22 W3@22-23 W4@23-24 W5@24-25 W6@25-26 W7@26-27"
};

static const char *const order_2[4] = {
	"F0@0-1 F1@1-2 F2@2-3 F3@3-4 B0@15-16 W0@16-17 F4@17-18 B1@18-19 W1@19-20 "
	"F5@20-21 B2@21-22 W2@22-23 F6@23-24 B3@24-25 W3@25-26 F7@26-27 B4@33-34 "
	"W4@34-35 B5@36-37 W5@37-38 B6@39-40 W6@40-41 B7@41-42 W7@42-43",
	"F0@1-2 F1@2-3 F2@3-4 F3@4-5 B0@14-15 W0@15-16 B1@16-17 W1@17-18 F4@18-19 "
	"B2@19-20 B3@20-21 F5@21-22 W2@22-23 W3@23-24 F6@24-25 F7@27-28 B4@32-33 "
	"W4@33-34 B5@35-36 W5@36-37 B6@38-39 W6@39-40 B7@40-41 W7@41-42",
	"F0@6-7 F1@8-9 B0@9-10 F2@10-11 B1@11-12 F3@12-13 B2@13-14 W0@14-15 B3@15-16 "
	"W1@16-17 W2@17-18 W3@18-19 F4@23-24 F5@26-27 B4@27-28 W4@28-29 F6@29-30 "
	"B5@30-31 W5@31-32 F7@32-33 B6@33-34 W6@34-35 B7@35-36 W7@36-37",
	"F0@7-8 B0@8-9 F1@9-10 B1@10-11 F2@11-12 B2@12-13 F3@13-14 B3@14-15 W0@15-16 "
	"W1@16-17 W2@17-18 W3@18-19 F4@24-25 B4@25-26 W4@26-27 F5@27-28 B5@28-29 "
	"W5@29-30 F6@30-31 B6@31-32 W6@32-33 F7@33-34 B7@34-35 W7@35-36"
};

static const char *const order_3[4] = {
	"F0@0-1 F1@1-2 F2@2-3 F3@3-4 B0@15-16 W0@16-17 F4@17-18 B1@18-19 W1@19-20 "
	"F5@20-21 B2@21-22 W2@22-23 F6@23-24 B3@24-25 W3@25-26 F7@26-27 B4@32.5-33.5 "
	"W4@33.5-34.5 B5@36-37 W5@37-38 B6@39-40 W6@40-41 B7@41-42 W7@42-43",
	"F0@1-2 F1@2-3 F2@3-4 F3@4-5 B0@14-15 W0@15-16 B1@16-17 W1@17-18 F4@18-19 "
	"B2@19-20 B3@20-21 F5@21-22 W2@22-23 W3@23-24 F6@24-25 F7@27-28 B4@31.5-32.5 "
	"W4@32.5-33.5 B5@35-36 W5@36-37 B6@38-39 W6@39-40 B7@40-41 W7@41-42",
	"F0@6-7 F1@8-9 B0@9-10 F2@10-11 B1@11-12 F3@12-13 B2@13-14 W0@14-15 B3@15-16 "
	"W1@16-17 W2@17-18 W3@18-19 F4@23-24 F5[0:1/2]@26-26.5 B4@26.5-27.5 "
	"F5[1:2/2]@27.5-28 W4@28-29 F6@29-30 B5@30-31 W5@31-32 F7@32-33 B6@33-34 "
	"W6@34-35 B7@35-36 W7@36-37",
	"F0@7-8 B0@8-9 F1@9-10 B1@10-11 F2@11-12 B2@12-13 F3@13-14 B3@14-15 W0@15-16 "
	"W1@16-17 W2@17-18 W3@18-19 F4@24-25 B4@25-26 W4@26-27 F5@28-29 B5@29-30 "
	"F6@30-31 B6@31-32 W5@32-33 F7@33-34 B7@34-35 W6@35-36 W7@36-37"
};

static const char *const order_4[4] = {
	"F0@0-1 F1@1-2 F2@2-3 F3@3-4 B0@15-16 W0@16-17 F4@17-18 B1@18-19 W1@19-20 "
	"F5@20-21 B2@21-22 W2@22-23 F6@23-24 B3@24-25 W3@25-26 F7@26-27 B4@32.25-33.25 "
	"W4@33.25-34.25 B5@36-37 W5@37-38 B6@39-40 W6@40-41 B7@41-42 W7@42-43",
	"F0@1-2 F1@2-3 F2@3-4 F3@4-5 B0@14-15 W0@15-16 B1@16-17 W1@17-18 F4@18-19 "
	"B2@19-20 B3@20-21 F5@21-22 W2@22-23 W3@23-24 F6@24-25 F7@27-28 B4@31.25-32.25 "
	"W4@32.25-33.25 B5@35-36 W5@36-37 B6@38-39 W6@39-40 B7@40-41 W7@41-42",
	"F0@6-7 F1@8-9 B0@9-10 F2@10-11 B1@11-12 F3@12-13 B2@13-14 W0@14-15 B3@15-16 "
	"W1@16-17 W2@17-18 W3@18-19 F4@23-24 F5[0:1/4]@26-26.25 B4@26.25-27.25 "
	"F5[1:4/4]@27.25-28 W4@28-29 F6@29-30 B5@30-31 W5@31-32 F7@32-33 B6@33-34 "
	"W6@34-35 B7@35-36 W7@36-37",
	"F0@7-8 B0@8-9 F1@9-10 B1@10-11 F2@11-12 B2@12-13 F3@13-14 B3@14-15 W0@15-16 "
	"W1@16-17 W2@17-18 W3@18-19 F4@24-25 B4@25-26 W4@26-27 F5@28-29 B5@29-30 "
	"F6@30-31 B6@31-32 W5@32-33 F7@33-34 B7@34-35 W6@35-36 W7@36-37"
};

static const char *const order_5[4] = {
	"F0@0-1 F1@1-2 F2@2-3 F3@3-4 F4@4-5 F5@5-6 F6@6-7 F7@7-8 B0@15-16 W0@16-17 "
	"B1@17-18 W1@18-19 B2@19-20 W2@20-21 B3@21-22 W3@22-23 B4@23-24 W4@24-25 "
	"B5@25-26 W5@26-27 B6@27-28 W6@28-29 B7@29-30 W7@30-31",
	"F0@1-2 F1@2-3 F2@3-4 F3@4-5 F4@5-6 F5@6-7 F6@7-8 F7@8-9 B0@14-15 W0@15-16 "
	"B1@16-17 W1@17-18 B2@18-19 W2@19-20 B3@20-21 W3@21-22 B4@22-23 W4@23-24 "
	"B5@24-25 W5@25-26 B6@26-27 W6@27-28 B7@28-29 W7@29-30",
	"F0@6-7 F1@8-9 B0@9-10 F2@10-11 B1@11-12 F3@12-13 B2@13-14 F4@14-15 B3@15-16 "
	"F5@16-17 B4@17-18 F6@18-19 B5@19-20 F7@20-21 B6@21-22 W0@22-23 B7@23-24 "
	"W1@24-25 W2@25-26 W3@26-27 W4@27-28 W5@28-29 W6@29-30 W7@30-31",
	"F0@7-8 B0@8-9 F1@9-10 B1@10-11 F2@11-12 B2@12-13 F3@13-14 B3@14-15 F4@15-16 "
	"B4@16-17 F5@17-18 B5@18-19 F6@19-20 B6@20-21 F7@21-22 B7@22-23 W0@23-24 "
	"W1@24-25 W2@25-26 W3@26-27 W4@27-28 W5@28-29 W6@29-30 W7@30-31"
};

static const struct reference {
	int delay; /* T_lat/T_F = T_bw/T_F */
	int mem;   /* memory factor */
	int n_sub;
	const char *const *stage; /* 4 device orders; cases with equal orders share them */
} refs[] = {
	{ 0, 1, 1, order_0 }, { 0, 1, 2, order_0 }, { 0, 1, 4, order_0 }, { 0, 2, 1, order_1 },
	{ 0, 2, 2, order_1 }, { 0, 2, 4, order_1 }, { 2, 1, 1, order_2 }, { 2, 1, 2, order_3 },
	{ 2, 1, 4, order_4 }, { 2, 2, 1, order_5 }, { 2, 2, 2, order_5 }, { 2, 2, 4, order_5 },
};

/* The authors' text of device d's order, timed by the analytic engine. */
static void authors_text(const xp_schedule *s, const xp_result *r, int d, char *buf, size_t len)
{
	static const char kinds[] = "FBBW"; /* F, combined B, D (their B), W */
	const xp_op *ops = xp_schedule_ops(s, d);
	size_t used = 0;
	buf[0] = 0;
	for (size_t i = 0; i < xp_schedule_len(s, d) && used + 64 < len; i++) {
		size_t k = r->op_offset[d] + i;
		char piece[32] = "";
		if (ops[i].nsub > 1)
			snprintf(piece, sizeof piece, "[%u:%u/%u]", ops[i].lo, ops[i].hi,
			         ops[i].nsub);
		used += (size_t)snprintf(
		    buf + used, len - used, "%s%c%d%s@%g-%g", i ? " " : "", kinds[ops[i].kind],
		    ops[i].mb, piece, (double)r->op_start_ns[k] / T, (double)r->op_end_ns[k] / T);
	}
}

/* Index of the first differing op (space-separated token) of two texts, and the tokens. */
static void first_difference(const char *a, const char *b, char *msg, size_t len)
{
	int op = 0;
	while (*a && *a == *b) {
		op += *a == ' ';
		a++;
		b++;
	}
	while (op > 0 && a[-1] != ' ') {
		a--;
		b--;
	}
	snprintf(msg, len, "op %d: ours '%.40s', theirs '%.40s'", op, a, b);
}

static xp_params *reference_params(int delay, int mem, int n_sub)
{
	xp_params *pr = fx_new(4, 8, T, T, T);
	int64_t lat = (int64_t)delay * T;
	fx_datacenters(pr, 2, lat, lat ? (double)pr->message_bytes * 8e9 / (double)lat : INFINITY);
	fx_memory_factor(pr, mem);
	pr->n_sub = n_sub;
	return pr;
}

static void test_reference(const struct reference *ref)
{
	xp_params *pr = reference_params(ref->delay, ref->mem, ref->n_sub);
	xp_schedule *s = fx_build("crossudsub", pr);
	xp_result *r = fx_run("analytic", pr, s);
	char ours[4096], msg[256] = "";
	int same = 1;
	for (int d = 0; d < 4 && same; d++) {
		authors_text(s, r, d, ours, sizeof ours);
		if (strcmp(ours, ref->stage[d]) != 0) {
			first_difference(ours, ref->stage[d], msg, sizeof msg);
			diag("device %d %s", d, msg);
			same = 0;
		}
	}
	ok(same,
	   "crossudsub n_sub=%d mem=%dx (%d,%d): every device's order, pieces and times equal "
	   "the authors'",
	   ref->n_sub, ref->mem, ref->delay, ref->delay);
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

static int64_t makespan_of(const char *name, const xp_params *pr)
{
	xp_schedule *s = fx_build(name, pr);
	xp_result *r = fx_run("analytic", pr, s);
	int64_t ms = r->makespan_ns;
	xp_result_free(r);
	xp_schedule_free(s);
	return ms;
}

/* With free communication and 1x memory, greedy reaches zbh1's makespan (which is optimal here:
 * the last device starts at (p-1)T_F and then has 3m blocks of work). */
static void test_free_comm(int p, int m)
{
	xp_params *pr = fx_new(p, m, T, T, T);
	fx_memory_factor(pr, 1.0);
	is_int(makespan_of("greedy", pr), makespan_of("zbh1", pr),
	       "greedy equals zbh1's makespan at p=%d, m=%d, free communication, 1x memory", p, m);
	ok(makespan_of("greedy-v", pr) <= makespan_of("zbv", pr),
	   "greedy-v is no slower than zbv at p=%d, m=%d, free communication, 1x memory", p, m);
	fx_free(pr);
}

/* Best of several never loses to the authors' single rule set, also with DP collectives. */
static void test_dp(void)
{
	xp_params *pr = fx_new(4, 8, T, T, T);
	fx_datacenters(pr, 2, 2 * T, (double)pr->message_bytes * 8e9 / (2.0 * T));
	fx_memory_factor(pr, 1.0);
	pr->dp = 3;
	for (int k = 0; k < 4; k++)
		pr->params_bytes[k] = 4000;
	pr->intra_dc.latency_ns = T;
	pr->intra_dc.bandwidth_bps = 8e9 / 1000.0; /* 1000 bytes per T_F */
	int64_t g = makespan_of("greedy", pr), c = makespan_of("crossudsub", pr);
	ok(g <= c, "with dp 3 greedy (%.2f T_F) is no slower than crossudsub (%.2f T_F)",
	   (double)g / T, (double)c / T);
	fx_free(pr);
}

static const char *const adaptive[] = { "crossudsub", "greedy", "greedy-v" };

/* The greedy's own cost model must see what the engine sees: with dp replicas across the DCs a
 * WAN message carries dp activations. With free intra-DC links and no parameters (so that the
 * collectives take no time), dp=3 is the same problem as dp=1 with messages three times larger:
 * every adaptive schedule must come out identical, and differ (somewhere) from dp=1 with the
 * plain message size, which it would equal if the greedy ignored the factor. */
static char *schedule_text(const xp_schedule *s);

static void test_dp_factor(const char *name)
{
	unsigned rng = 777;
	int equal = 1, sensitive = 0;
	for (int t = 0; t < 24; t++) {
		int p = 2 + rand_r(&rng) % 4, m = 2 + rand_r(&rng) % 7;
		xp_params *pr = fx_new(p, m, T, T, T);
		for (int k = 0; k < p; k++) {
			pr->forward_ns[k] = T / 2 + rand_r(&rng) % T;
			pr->backward_input_ns[k] = T / 2 + rand_r(&rng) % T;
			pr->backward_weight_ns[k] = T / 4 + rand_r(&rng) % T;
		}
		int64_t lat = rand_r(&rng) % (2 * T);
		fx_datacenters(pr, 2, lat, 8e9 * 1000.0 / (T / 2 + rand_r(&rng) % T));
		fx_memory_factor(pr, 1.0 + (rand_r(&rng) % 5) * 0.25);
		pr->n_sub = 1 << rand_r(&rng) % 3;
		pr->dp = 3;
		xp_schedule *a = fx_build(name, pr);
		pr->dp = 1;
		xp_schedule *plain = fx_build(name, pr);
		pr->message_bytes *= 3;
		xp_schedule *b = fx_build(name, pr);
		char *ta = schedule_text(a), *tb = schedule_text(b), *tp = schedule_text(plain);
		if (equal && strcmp(ta, tb)) {
			diag("%s case %d: dp=3 differs from dp=1 with 3x messages", name, t);
			equal = 0;
		}
		sensitive += strcmp(ta, tp) != 0;
		free(ta);
		free(tb);
		free(tp);
		xp_schedule_free(a);
		xp_schedule_free(b);
		xp_schedule_free(plain);
		fx_free(pr);
	}
	ok(equal, "%s: dp=3 across DCs gives the schedule of dp=1 with 3x WAN messages (24 cases)",
	   name);
	ok(sensitive > 0, "%s: and the factor changes the schedule in %d of the 24", name,
	   sensitive);
}

/* A limit below one microbatch is XP_EMEMORY with a message naming device, limit and need. */
static void test_too_small(void)
{
	xp_params *pr = fx_new(4, 8, T, T, T);
	for (int k = 0; k < 4; k++)
		pr->activation_bytes[k] = 64 << 20;
	pr->memory_limit_bytes[0] = 1 << 20;
	for (int i = 0; i < 3; i++) {
		xp_schedule *s = NULL;
		xp_error err = { 0 };
		xp_status st = xp_schedule_kind_find(adaptive[i])->build(pr, &s, &err);
		is_int(st, XP_EMEMORY, "%s with a 1MiB limit fails with XP_EMEMORY", adaptive[i]);
		has_str(err.msg,
		        "memory.limit 1MiB on device 0 is below one microbatch's activations",
		        "%s names the device and the limit", adaptive[i]);
		ok(s == NULL, "%s returns no schedule on failure", adaptive[i]);
	}
	pr->memory_limit_bytes[0] = 40 << 20; /* holds a sub-block, not a whole microbatch */
	xp_schedule *s = NULL;
	xp_error err = { 0 };
	is_int(xp_schedule_kind_find("crossudsub")->build(pr, &s, &err), XP_EMEMORY,
	       "a 40MiB limit (above a sub-block, below a microbatch) fails too");
	has_str(err.msg, "(64MiB)", "and says what one microbatch needs: %s", err.msg);
	fx_free(pr);
}

static char *schedule_text(const xp_schedule *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f || xp_schedule_write(s, f) != XP_OK)
		bail("cannot write a schedule to memory");
	fclose(f);
	return buf;
}

/* A scenario drawn from rng: p 2..6, m 1..12, uneven block times, random WAN latency and
 * bandwidth, dp 1..3, memory 0.5x..2x. */
static xp_params *random_params(unsigned *rng)
{
	int p = 2 + rand_r(rng) % 5, m = 1 + rand_r(rng) % 12;
	xp_params *pr = fx_new(p, m, T, T, T);
	for (int k = 0; k < p; k++) {
		pr->forward_ns[k] = T / 2 + rand_r(rng) % T;
		pr->backward_input_ns[k] = T / 2 + rand_r(rng) % T;
		pr->backward_weight_ns[k] = T / 4 + rand_r(rng) % T;
		pr->params_bytes[k] = rand_r(rng) % 5000;
	}
	int64_t lat = rand_r(rng) % (3 * T);
	int bw = rand_r(rng) % 4;
	fx_datacenters(pr, 1 + rand_r(rng) % 2, lat, bw ? 8e9 * 1000.0 / (bw * T) : INFINITY);
	pr->dp = 1 + rand_r(rng) % 3;
	pr->intra_dc.bandwidth_bps = 8e9 * 1000.0 / T;
	fx_memory_factor(pr, 0.5 + (rand_r(rng) % 7) * 0.25);
	pr->n_sub = 1 << rand_r(rng) % 3;
	return pr;
}

/* One generator on 40 random scenarios: valid, runs, fits memory, deterministic. */
static void test_random(const char *name)
{
	unsigned rng = 12345;
	int checked = 1, ran = 1, fits = 1, same = 1, agree = 1;
	for (int t = 0; t < 40; t++) {
		xp_params *pr = random_params(&rng);
		xp_schedule *s = NULL, *s2 = NULL;
		xp_error err;
		const xp_schedule_kind *k = xp_schedule_kind_find(name);
		if (k->build(pr, &s, &err) != XP_OK || k->build(pr, &s2, &err) != XP_OK)
			bail("%s on random scenario %d: %s", name, t, err.msg);
		if (checked && xp_schedule_check(s, &err) != XP_OK) {
			diag("scenario %d: %s", t, err.msg);
			checked = 0;
		}
		xp_result *r = NULL;
		if (ran && xp_engine_run(xp_engine_find("analytic"), pr, s, &r, &err) != XP_OK) {
			diag("scenario %d: %s", t, err.msg);
			ran = 0;
		}
		xo_result o; /* peaks from the independent oracle's timeline */
		if (xo_run(pr, s, 0, &o))
			bail("%s on random scenario %d: the oracle finds a cyclic wait", name, t);
		for (int d = 0; d < pr->stages && fits; d++)
			if (o.peak_bytes[d] > pr->memory_limit_bytes[d]) {
				diag("scenario %d device %d: peak %lld > limit %lld", t, d,
				     (long long)o.peak_bytes[d],
				     (long long)pr->memory_limit_bytes[d]);
				fits = 0;
			}
		char why[256];
		if (r && agree && !xo_same(&o, r, why, sizeof why)) {
			diag("scenario %d: %s", t, why);
			agree = 0;
		}
		xo_free(&o);
		char *a = schedule_text(s), *b = schedule_text(s2);
		if (same && strcmp(a, b) != 0) {
			diag("scenario %d: two builds differ", t);
			same = 0;
		}
		free(a);
		free(b);
		xp_result_free(r);
		xp_schedule_free(s);
		xp_schedule_free(s2);
		fx_free(pr);
	}
	ok(checked, "%s: 40 random scenarios pass xp_schedule_check", name);
	ok(ran, "%s: they run on the analytic engine without deadlock", name);
	ok(fits, "%s: peak memory never exceeds the limit on any device", name);
	ok(agree, "%s: the engine's timeline equals the oracle's", name);
	ok(same, "%s: two builds of the same scenario are identical", name);
}

int main(void)
{
	int nref = (int)(sizeof refs / sizeof refs[0]);
	plan(nref + 4 + 1 + 11 + 15 + 6);
	for (int i = 0; i < nref; i++)
		test_reference(&refs[i]);
	test_free_comm(4, 8);
	test_free_comm(8, 16);
	test_dp();
	test_too_small();
	for (int i = 0; i < 3; i++)
		test_random(adaptive[i]);
	for (int i = 0; i < 3; i++)
		test_dp_factor(adaptive[i]);
	return done_testing();
}
