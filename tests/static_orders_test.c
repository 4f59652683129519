/* static_orders_test.c: the static generators give the CrossPipe authors' per-device orders. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "schedule/schedule.h"
#include "schedule/schedule_file.h"
#include "schedules/schedules.h"
#include "tap.h"

/*
 * The CrossPipe authors' orders for p=4 devices, m=8 microbatches, (T_lat/T_F, T_bw/T_F) = (0,0),
 * from the authors' published development set (docs/model.md §9: their ops with start and end
 * times). Their files write the input-gradient block D as "B" for the split schedules (b_is_d). The
 * statics' orders at (2,2) in the same file are identical. zbh2 is compared with the authors'
 * greedy (CrossUDSub, n_sub=1) at twice the 1F1B memory, which finds the zero-bubble H2
 * parallelogram.
 */
static const struct reference {
	const char *ours, *theirs;
	int b_is_d;
	const char *stage[4];
} refs[] = {
	{ "1f1b",
	  "1F1B",
	  0,
	  { "F0@0-1 F1@1-2 F2@2-3 F3@3-4 B0@10-12 F4@12-13 B1@13-15 F5@15-16 B2@16-18 F6@18-19 "
	    "B3@19-21 F7@21-22 B4@22-24 B5@25-27 B6@28-30 B7@31-33",
	    "F0@1-2 F1@2-3 F2@3-4 B0@8-10 F3@10-11 B1@11-13 F4@13-14 B2@14-16 F5@16-17 B3@17-19 "
	    "F6@19-20 B4@20-22 F7@22-23 B5@23-25 B6@26-28 B7@29-31",
	    "F0@2-3 F1@3-4 B0@6-8 F2@8-9 B1@9-11 F3@11-12 B2@12-14 F4@14-15 B3@15-17 F5@17-18 "
	    "B4@18-20 F6@20-21 B5@21-23 F7@23-24 B6@24-26 B7@27-29",
	    "F0@3-4 B0@4-6 F1@6-7 B1@7-9 F2@9-10 B2@10-12 F3@12-13 B3@13-15 F4@15-16 B4@16-18 "
	    "F5@18-19 B5@19-21 F6@21-22 B6@22-24 F7@24-25 B7@25-27" } },
	{ "zbh1",
	  "ZBH1",
	  1,
	  { "F0@0-1 F1@1-2 F2@2-3 F3@3-4 B0@7-8 W0@8-9 F4@9-10 B1@10-11 W1@11-12 F5@12-13 "
	    "B2@13-14 W2@14-15 F6@15-16 B3@16-17 W3@17-18 F7@18-19 B4@19-20 W4@20-21 B5@21-22 "
	    "W5@22-23 B6@23-24 W6@24-25 B7@25-26 W7@26-27",
	    "F0@1-2 F1@2-3 F2@3-4 B0@6-7 F3@7-8 B1@8-9 W0@9-10 F4@10-11 B2@11-12 W1@12-13 "
	    "F5@13-14 B3@14-15 W2@15-16 F6@16-17 B4@17-18 W3@18-19 F7@19-20 B5@20-21 W4@21-22 "
	    "B6@22-23 W5@23-24 B7@24-25 W6@25-26 W7@26-27",
	    "F0@2-3 F1@3-4 B0@5-6 F2@6-7 B1@7-8 F3@8-9 B2@9-10 W0@10-11 F4@11-12 B3@12-13 "
	    "W1@13-14 F5@14-15 B4@15-16 W2@16-17 F6@17-18 B5@18-19 W3@19-20 F7@20-21 B6@21-22 "
	    "W4@22-23 B7@23-24 W5@24-25 W6@25-26 W7@26-27",
	    "F0@3-4 B0@4-5 F1@5-6 B1@6-7 F2@7-8 B2@8-9 F3@9-10 B3@10-11 W0@11-12 F4@12-13 "
	    "B4@13-14 W1@14-15 F5@15-16 B5@16-17 W2@17-18 F6@18-19 B6@19-20 W3@20-21 F7@21-22 "
	    "B7@22-23 W4@23-24 W5@24-25 W6@25-26 W7@26-27" } },
	{ "zbv",
	  "ZBV",
	  1,
	  { "F0.c0@0-0.5 F1.c0@0.5-1 F2.c0@1-1.5 F3.c0@1.5-2 F4.c0@2-2.5 F5.c0@2.5-3 F6.c0@3-3.5 "
	    "F0.c1@3.5-4 B0.c1@4-4.5 W0.c1@4.5-5 F1.c1@5-5.5 B1.c1@5.5-6 W1.c1@6-6.5 F2.c1@6.5-7 "
	    "B2.c1@7-7.5 W2.c1@7.5-8 F3.c1@8-8.5 B3.c1@8.5-9 W3.c1@9-9.5 F7.c0@9.5-10 "
	    "B0.c0@10-10.5 W0.c0@10.5-11 F4.c1@11-11.5 B4.c1@11.5-12 W4.c1@12-12.5 B1.c0@12.5-13 "
	    "W1.c0@13-13.5 F5.c1@13.5-14 B5.c1@14-14.5 W5.c1@14.5-15 B2.c0@15-15.5 W2.c0@15.5-16 "
	    "F6.c1@16-16.5 B6.c1@16.5-17 W6.c1@17-17.5 B3.c0@17.5-18 W3.c0@18-18.5 F7.c1@18.5-19 "
	    "B7.c1@19-19.5 B4.c0@19.5-20 W7.c1@20-20.5 B5.c0@20.5-21 W4.c0@21-21.5 B6.c0@21.5-22 "
	    "W5.c0@22-22.5 B7.c0@22.5-23 W6.c0@23-23.5 W7.c0@23.5-24",
	    "F0.c0@0.5-1 F1.c0@1-1.5 F2.c0@1.5-2 F3.c0@2-2.5 F4.c0@2.5-3 F0.c1@3-3.5 F5.c0@3.5-4 "
	    "F1.c1@4-4.5 B0.c1@4.5-5 W0.c1@5-5.5 F2.c1@5.5-6 B1.c1@6-6.5 W1.c1@6.5-7 F3.c1@7-7.5 "
	    "B2.c1@7.5-8 W2.c1@8-8.5 F6.c0@8.5-9 B0.c0@9-9.5 W0.c0@9.5-10 F4.c1@10-10.5 "
	    "B3.c1@10.5-11 W3.c1@11-11.5 F7.c0@11.5-12 B1.c0@12-12.5 W1.c0@12.5-13 F5.c1@13-13.5 "
	    "B4.c1@13.5-14 W4.c1@14-14.5 B2.c0@14.5-15 W2.c0@15-15.5 F6.c1@15.5-16 B5.c1@16-16.5 "
	    "W5.c1@16.5-17 B3.c0@17-17.5 W3.c0@17.5-18 F7.c1@18-18.5 B6.c1@18.5-19 B4.c0@19-19.5 "
	    "B7.c1@19.5-20 B5.c0@20-20.5 W6.c1@20.5-21 B6.c0@21-21.5 W4.c0@21.5-22 B7.c0@22-22.5 "
	    "W7.c1@22.5-23 W5.c0@23-23.5 W6.c0@23.5-24 W7.c0@24-24.5",
	    "F0.c0@1-1.5 F1.c0@1.5-2 F2.c0@2-2.5 F0.c1@2.5-3 F3.c0@3-3.5 F1.c1@3.5-4 F4.c0@4-4.5 "
	    "F2.c1@4.5-5 B0.c1@5-5.5 W0.c1@5.5-6 F3.c1@6-6.5 B1.c1@6.5-7 W1.c1@7-7.5 F5.c0@7.5-8 "
	    "B0.c0@8-8.5 W0.c0@8.5-9 F4.c1@9-9.5 B2.c1@9.5-10 W2.c1@10-10.5 F6.c0@10.5-11 "
	    "B1.c0@11-11.5 W1.c0@11.5-12 F5.c1@12-12.5 B3.c1@12.5-13 W3.c1@13-13.5 F7.c0@13.5-14 "
	    "B2.c0@14-14.5 W2.c0@14.5-15 F6.c1@15-15.5 B4.c1@15.5-16 W4.c1@16-16.5 B3.c0@16.5-17 "
	    "W3.c0@17-17.5 F7.c1@17.5-18 B5.c1@18-18.5 B4.c0@18.5-19 B6.c1@19-19.5 B5.c0@19.5-20 "
	    "B7.c1@20-20.5 B6.c0@20.5-21 W5.c1@21-21.5 B7.c0@21.5-22 W4.c0@22-22.5 W6.c1@22.5-23 "
	    "W5.c0@23-23.5 W7.c1@23.5-24 W6.c0@24-24.5 W7.c0@24.5-25",
	    "F0.c0@1.5-2 F0.c1@2-2.5 F1.c0@2.5-3 F1.c1@3-3.5 F2.c0@3.5-4 F2.c1@4-4.5 F3.c0@4.5-5 "
	    "F3.c1@5-5.5 B0.c1@5.5-6 W0.c1@6-6.5 F4.c0@6.5-7 B0.c0@7-7.5 W0.c0@7.5-8 F4.c1@8-8.5 "
	    "B1.c1@8.5-9 W1.c1@9-9.5 F5.c0@9.5-10 B1.c0@10-10.5 W1.c0@10.5-11 F5.c1@11-11.5 "
	    "B2.c1@11.5-12 W2.c1@12-12.5 F6.c0@12.5-13 B2.c0@13-13.5 W2.c0@13.5-14 F6.c1@14-14.5 "
	    "B3.c1@14.5-15 W3.c1@15-15.5 F7.c0@15.5-16 B3.c0@16-16.5 W3.c0@16.5-17 F7.c1@17-17.5 "
	    "B4.c1@17.5-18 B4.c0@18-18.5 B5.c1@18.5-19 B5.c0@19-19.5 B6.c1@19.5-20 B6.c0@20-20.5 "
	    "B7.c1@20.5-21 B7.c0@21-21.5 W4.c1@21.5-22 W4.c0@22-22.5 W5.c1@22.5-23 W5.c0@23-23.5 "
	    "W6.c1@23.5-24 W6.c0@24-24.5 W7.c1@24.5-25 W7.c0@25-25.5" } },
	{ "zbh2",
	  "CrossUDSub n_sub=1 mem=2x",
	  1,
	  { "F0@0-1 F1@1-2 F2@2-3 F3@3-4 F4@4-5 F5@5-6 F6@6-7 B0@7-8 F7@8-9 B1@9-10 W0@10-11 "
	    "B2@11-12 W1@12-13 B3@13-14 W2@14-15 B4@15-16 W3@16-17 B5@17-18 W4@18-19 B6@19-20 "
	    "W5@20-21 B7@21-22 W6@22-23 W7@23-24",
	    "F0@1-2 F1@2-3 F2@3-4 F3@4-5 F4@5-6 B0@6-7 F5@7-8 B1@8-9 F6@9-10 B2@10-11 F7@11-12 "
	    "B3@12-13 W0@13-14 B4@14-15 W1@15-16 B5@16-17 W2@17-18 B6@18-19 W3@19-20 B7@20-21 "
	    "W4@21-22 W5@22-23 W6@23-24 W7@24-25",
	    "F0@2-3 F1@3-4 F2@4-5 B0@5-6 F3@6-7 B1@7-8 F4@8-9 B2@9-10 F5@10-11 B3@11-12 F6@12-13 "
	    "B4@13-14 F7@14-15 B5@15-16 W0@16-17 B6@17-18 W1@18-19 B7@19-20 W2@20-21 W3@21-22 "
	    "W4@22-23 W5@23-24 W6@24-25 W7@25-26",
	    "F0@3-4 B0@4-5 F1@5-6 B1@6-7 F2@7-8 B2@8-9 F3@9-10 B3@10-11 F4@11-12 B4@12-13 "
	    "F5@13-14 B5@14-15 F6@15-16 B6@16-17 F7@17-18 B7@18-19 W0@19-20 W1@20-21 W2@21-22 "
	    "W3@22-23 W4@23-24 W5@24-25 W6@25-26 W7@26-27" } },
};

/* the reference order of one device in our op syntax: times dropped, B -> D when split */
static void reference_order(const struct reference *r, int d, char *out, size_t len)
{
	char *text = strdup(r->stage[d]), *save = NULL;
	size_t n = 0;
	out[0] = '\0';
	for (char *t = strtok_r(text, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		char *at = strchr(t, '@');
		if (at)
			*at = '\0';
		if (r->b_is_d && t[0] == 'B')
			t[0] = 'D';
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s", n ? " " : "", t);
	}
	free(text);
}

static void our_order(const xp_schedule *s, int d, char *out, size_t len)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < xp_schedule_len(s, d); i++) {
		char op[64];
		xp_op_format(op, sizeof op, s, xp_schedule_ops(s, d)[i]);
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s", n ? " " : "", op);
	}
}

static xp_schedule *generate(const char *kind)
{
	int64_t zero[4] = { 0 }, act[4] = { 2, 2, 2, 2 };
	xp_params pr = { .stages = 4,
		         .microbatches = 8,
		         .chunks = 2,
		         .forward_ns = zero,
		         .backward_input_ns = zero,
		         .backward_weight_ns = zero,
		         .activation_bytes = act,
		         .weight_release = 0.5 };
	xp_schedule *s = NULL;
	xp_error err = { 0 };
	if (xp_schedule_kind_find(kind)->build(&pr, &s, &err) != XP_OK)
		bail("%s: %s", kind, err.msg);
	return s;
}

/* the reference as a schedule file, read back with xp_schedule_read */
static xp_schedule *read_reference(const struct reference *r, int chunks, xp_error *err)
{
	char *text = NULL, order[8192];
	size_t len = 0;
	xp_schedule *s = NULL;
	FILE *f = open_memstream(&text, &len);
	fprintf(f, "crosspipe-schedule 1\nname %s\ndevices 4\nchunks %d\nmicrobatches 8\n", r->ours,
	        chunks);
	if (chunks == 2)
		fprintf(f, "placement 0 1 2 3 3 2 1 0\n");
	for (int d = 0; d < 4; d++) {
		reference_order(r, d, order, sizeof order);
		fprintf(f, "device %d: %s\n", d, order);
	}
	fclose(f);
	xp_schedule_read(text, len, r->theirs, &s, err);
	free(text);
	return s;
}

static int same_ops(const xp_schedule *a, const xp_schedule *b)
{
	for (int d = 0; d < 4; d++)
		if (xp_schedule_len(a, d) != xp_schedule_len(b, d) ||
		    memcmp(xp_schedule_ops(a, d), xp_schedule_ops(b, d),
		           xp_schedule_len(a, d) * sizeof(xp_op)))
			return 0;
	return 1;
}

static void compare(const struct reference *r)
{
	char want[8192], got[8192];
	xp_error err = { 0 };
	xp_schedule *s = generate(r->ours);
	for (int d = 0; d < 4; d++) {
		reference_order(r, d, want, sizeof want);
		our_order(s, d, got, sizeof got);
		is_str(got, want, "%s device %d: the authors' %s order", r->ours, d, r->theirs);
	}
	xp_schedule *back = read_reference(r, xp_schedule_chunks(s), &err);
	if (!back)
		diag("%s", err.msg);
	ok(back && same_ops(s, back),
	   "%s: the authors' order read as a schedule file passes the check and equals ours",
	   r->ours);
	xp_schedule_free(back);
	xp_schedule_free(s);
}

/* Megatron's interleaved order of device k, written here from its rules: microbatches in groups
 * of p, each group through chunk 0, 1, ..., v-1 forward and v-1, ..., 0 backward; (p-k-1)*2 +
 * (v-1)*p warm-up forwards (all of them when m == p, at most m*v), then one forward and one
 * backward in turn, then the remaining backwards. */
static void megatron_order(int p, int m, int v, int k, char *out, size_t len)
{
	int total = m * v, n = 0, warm = (p - k - 1) * 2 + (v - 1) * p;
	int *fmb = malloc(sizeof(int) * 4 * (size_t)total), *fc = fmb + total, *bmb = fc + total,
	    *bc = bmb + total;
	for (int g = 0; g < m / p; g++)
		for (int c = 0; c < v; c++)
			for (int j = 0; j < p; j++, n++) {
				fmb[n] = bmb[n] = g * p + j;
				fc[n] = c;
				bc[n] = v - 1 - c;
			}
	if (m == p || warm > total)
		warm = total;
	size_t used = 0;
	out[0] = 0;
#define PUT(kind, i)                                                                          \
	used += (size_t)snprintf(out + used, len - used, "%s%c%d.c%d", used ? " " : "", kind, \
	                         kind == 'F' ? fmb[i] : bmb[i], kind == 'F' ? fc[i] : bc[i])
	for (int i = 0; i < warm; i++)
		PUT('F', i);
	for (int i = 0; i < total - warm; i++) {
		PUT('F', warm + i);
		PUT('B', i);
	}
	for (int i = total - warm; i < total; i++)
		PUT('B', i);
#undef PUT
	free(fmb);
}

/* interleaved over a grid of (p, m, v): the order of every device equals Megatron's rules, and
 * each device's peak is its warm-up plus one chunk activation (all of them when the warm-up
 * covers every forward). */
static void interleaved_grid(void)
{
	for (int p = 2; p <= 5; p++)
		for (int k = 1; k <= 3; k++)
			for (int v = 2; v <= 3; v++) {
				int m = k * p, same = 1, peaks = 1;
				xp_params *pr = fx_new(p, m, 1200, 1200, 1200);
				pr->chunks = v;
				xp_schedule *s = fx_build("interleaved", pr);
				xp_result *r = fx_run("ideal", pr, s);
				char want[8192], got[8192];
				for (int d = 0; d < p; d++) {
					megatron_order(p, m, v, d, want, sizeof want);
					our_order(s, d, got, sizeof got);
					if (strcmp(got, want) && same) {
						diag("p=%d m=%d v=%d device %d:\n# got  %s\n# want "
						     "%s",
						     p, m, v, d, got, want);
						same = 0;
					}
					int warm = (p - d - 1) * 2 + (v - 1) * p;
					int held = m == p || warm >= m * v ? m * v : warm + 1;
					peaks &= r->peak_memory_bytes[d] == held * (1000 / v);
				}
				ok(same,
				   "interleaved p=%d m=%d v=%d: every device runs Megatron's order",
				   p, m, v);
				ok(peaks,
				   "interleaved p=%d m=%d v=%d: peaks are warm-up + 1 chunks", p, m,
				   v);
				xp_result_free(r);
				xp_schedule_free(s);
				fx_free(pr);
			}
}

/* ZB-V over a grid of (p, m), equal block times T, free communication. The last device cannot
 * start before p-1 chunk forwards (T/2 each) have passed and then has 3mT of work, so
 * (p-1)T/2 + 3mT bounds the makespan from below; ZB-V reaches it once m >= 2p. Its memory stays
 * within 1F1B's budget p*M_F on every device, and device 0 reaches it once m >= 2p-1. */
static void zbv_grid(void)
{
	enum { T = 1000 };
	for (int p = 2; p <= 6; p++) {
		int tight = 1, budget = 1, full = 1;
		for (int m = 1; m <= 3 * p; m++) {
			xp_params *pr = fx_new(p, m, T, T, T);
			xp_schedule *s = fx_build("zbv", pr);
			xp_result *r = fx_run("ideal", pr, s);
			int64_t bound = (int64_t)(p - 1) * T / 2 + 3LL * m * T;
			if (r->makespan_ns < bound || (m >= 2 * p && r->makespan_ns != bound)) {
				diag("zbv p=%d m=%d: makespan %lld, bound %lld", p, m,
				     (long long)r->makespan_ns, (long long)bound);
				tight = 0;
			}
			for (int d = 0; d < p; d++)
				budget &= r->peak_memory_bytes[d] <= p * 1000;
			if (m >= 2 * p - 1)
				full &= r->peak_memory_bytes[0] == p * 1000;
			xp_result_free(r);
			xp_schedule_free(s);
			fx_free(pr);
		}
		ok(tight, "zbv p=%d, m=1..%d: makespan >= (p-1)T/2 + 3mT, equal from m=2p", p,
		   3 * p);
		ok(budget, "zbv p=%d: no device holds more than p microbatches", p);
		ok(full, "zbv p=%d: device 0 holds exactly p microbatches once m >= 2p-1", p);
	}
}

int main(void)
{
	size_t n = sizeof refs / sizeof refs[0];
	plan((int)n * 5 + 4 * 3 * 2 * 2 + 5 * 3);
	for (size_t i = 0; i < n; i++)
		compare(&refs[i]);
	interleaved_grid();
	zbv_grid();
	return done_testing();
}
