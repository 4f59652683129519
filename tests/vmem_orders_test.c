/* vmem_orders_test.c: v-half's and v-min's order on every device equals the zero-bubble authors'
 * own construction over a grid of (p, m); their peak activation memory and their bubble with
 * unit block times and free communication against the paper's figures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "fixture.h"
#include "output/result.h"
#include "schedule/schedule.h"
#include "schedules/schedules.h"
#include "tap.h"

/*
 * tests/data/vmem_orders.txt was written by tests/vmem_reference, which runs the authors' Python
 * zbv_greedy.PipelineGraph (not ours) with unit costs and free communication: one line
 * `NAME p m device LETTERS` per device, a letter per block (fx_v_letters).
 */
enum { PMAX = 8, LINE = 8192 };

/* Compare every line of the reference for (name, p); the number of (m, device) lines seen. */
static int compare_p(FILE *f, const char *name, int p, int *bad_m, int *max_m)
{
	char line[LINE], ours[LINE], theirs[LINE], lname[16];
	int seen = 0, lp, m, d, built_m = -1;
	xp_params *pr = NULL;
	xp_schedule *s = NULL;
	rewind(f);
	*bad_m = -1;
	*max_m = 0;
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#' ||
		    sscanf(line, "%15s %d %d %d %8191s", lname, &lp, &m, &d, theirs) != 5 ||
		    lp != p || strcmp(lname, name) != 0)
			continue;
		if (m != built_m) {
			xp_schedule_free(s);
			fx_free(pr);
			pr = fx_new(p, m, 1000, 1000, 1000);
			s = fx_build(name, pr);
			built_m = m;
		}
		int in_order = fx_v_letters(s, d, ours, sizeof ours);
		if ((!in_order || strcmp(ours, theirs)) && *bad_m < 0) {
			diag("%s p=%d m=%d device %d:\n#   ours   %s%s\n#   theirs %s", name, p, m,
			     d, ours, in_order ? "" : " (microbatches out of order)", theirs);
			*bad_m = m;
		}
		*max_m = m > *max_m ? m : *max_m;
		seen++;
	}
	xp_schedule_free(s);
	fx_free(pr);
	return seen;
}

static void orders(FILE *f, const char *name)
{
	for (int p = 1; p <= PMAX; p++) {
		int bad_m, max_m, seen = compare_p(f, name, p, &bad_m, &max_m);
		is_int(seen, p * (2 * p + 2), "%s p=%d: the reference has m = 1..%d on %d devices",
		       name, p, 2 * p + 2, p);
		ok(bad_m < 0 && max_m == 2 * p + 2,
		   "%s p=%d, m=1..%d: every device's order is the authors' (first difference at "
		   "m=%d)",
		   name, p, max_m, bad_m);
	}
}

/* The authors' longest device span for (name, p, m) in block times, or -1. */
static long their_span(FILE *f, const char *name, int p, int m)
{
	char line[LINE], lname[16];
	int lp, lm;
	long span;
	rewind(f);
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "%15s %d %d span %ld", lname, &lp, &lm, &span) == 4 && lp == p &&
		    lm == m && strcmp(lname, name) == 0)
			return span;
	return -1;
}

/* With unit chunk blocks (1000 ns per block of a part) and free communication, the longest device
 * span equals the authors' on the whole grid. */
static void spans(FILE *f, const char *name)
{
	int bad = 0, n = 0;
	for (int p = 1; p <= PMAX; p++)
		for (int m = 1; m <= 2 * p + 2; m++) {
			/* fx_new's times are per stage, split over its two parts */
			xp_params *pr = fx_new(p, m, 2000, 2000, 2000);
			xp_schedule *s = fx_build(name, pr);
			xp_result *r = fx_run("ideal", pr, s);
			long theirs = their_span(f, name, p, m),
			     ours = (long)(r->max_device_span_ns / 1000);
			if (ours * 1000 != r->max_device_span_ns || ours != theirs) {
				if (!bad)
					diag("%s p=%d m=%d: span %ld blocks, theirs %ld", name, p,
					     m, ours, theirs);
				bad++;
			}
			n++;
			xp_result_free(r);
			xp_schedule_free(s);
			fx_free(pr);
		}
	ok(bad == 0, "%s: the longest device span with unit blocks is the authors' on %d (p, m)",
	   name, n);
}

/*
 * Peak activation memory with weight_release 1 (a D keeps the activation, its W frees it: the
 * authors' memory model) against 1F1B's p microbatches of a device: the paper's (p+2)/2 (v-half)
 * and (p+4)/3 (v-min) microbatches, rounded down, on the busiest device, for every p up to 32
 * at m = 3p; and the bubble of the longest device (idle over work, unit blocks) against the
 * paper's "about p/(2m)" and "about 2p/(3m)": at most that, and at most 1.5/m below it (the
 * measured bubble times m runs 0.17-1.17 below p/2 and 2p/3, so the slope is the paper's).
 */
static void memory_and_bubble(const char *name, int den, int add)
{
	int bad_mem = 0, bad_bubble = 0;
	for (int p = 1; p <= 32; p++) {
		int m = 3 * p;
		xp_params *pr = fx_new(p, m, 2000, 2000, 2000);
		pr->weight_release = 1;
		xp_schedule *s = fx_build(name, pr), *o = fx_build("1f1b", pr);
		xp_result *r = fx_run("ideal", pr, s), *r1 = fx_run("ideal", pr, o);
		int64_t peak = 0, peak1 = 0;
		for (int d = 0; d < p; d++) {
			peak = r->peak_memory_bytes[d] > peak ? r->peak_memory_bytes[d] : peak;
			peak1 = r1->peak_memory_bytes[d] > peak1 ? r1->peak_memory_bytes[d] : peak1;
		}
		/* 1F1B's device 0 holds p microbatches of 1000 bytes */
		if (peak1 != 1000LL * p || peak != 1000LL * ((p + add) / den)) {
			if (!bad_mem)
				diag(
				    "%s p=%d: peak %lld bytes, 1f1b %lld, expected %d microbatches",
				    name, p, (long long)peak, (long long)peak1, (p + add) / den);
			bad_mem++;
		}
		double work = 6.0 * m * 1000, idle = (double)r->max_device_span_ns - work;
		double hi = (den - 1.0) * p / (den * m), lo = hi - 1.5 / m;
		if (idle / work > hi || idle / work < lo) {
			if (!bad_bubble)
				diag("%s p=%d m=%d: bubble %.4f outside [%.4f, %.4f]", name, p, m,
				     idle / work, lo, hi);
			bad_bubble++;
		}
		xp_result_free(r);
		xp_result_free(r1);
		xp_schedule_free(s);
		xp_schedule_free(o);
		fx_free(pr);
	}
	ok(bad_mem == 0, "%s: peak activation (p+%d)/%d microbatches (1f1b: p) for p = 1..32", name,
	   add, den);
	ok(bad_bubble == 0, "%s: bubble within the paper's figure for p = 1..32, m = 3p", name);
}

int main(void)
{
	FILE *f = fx_data("vmem_orders.txt");
	plan(4 * PMAX + 6);
	orders(f, "v-half");
	orders(f, "v-min");
	spans(f, "v-half");
	spans(f, "v-min");
	memory_and_bubble("v-half", 2, 2);
	memory_and_bubble("v-min", 3, 4);
	fclose(f);
	return done_testing();
}
