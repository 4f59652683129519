/* zbv_orders_test.c: ZB-V's order on every device equals the zero-bubble authors' own construction
 * over a grid of (p, m), m < 2p included, where the fill rules decide the order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "schedule/schedule.h"
#include "schedules/schedules.h"
#include "tap.h"

/*
 * tests/data/zbv_orders.txt was written by tests/zbv_reference, which runs the authors' Python
 * PipelineGraph (not ours) with unit block times and free communication: one line
 * `p m device LETTERS` per device, a letter per block. F/f: a forward of leg 0/1 (chunk 0/1); B/b:
 * an input-gradient block of leg 0/1, W/w: a weight-gradient block of leg 0/1, where a backward's
 * leg 0 is the first pass through the device, chunk 1 (part 2p-1-k). Within one (type, leg) the
 * microbatches go in order, which this test checks too, so the letters fix the whole order.
 */
enum { PMAX = 8, LINE = 8192 };

/* Compare every line of the reference for one p; returns the number of (m, device) lines seen. */
static int compare_p(FILE *f, int p, int *bad_m, int *max_m)
{
	char line[LINE], ours[LINE], theirs[LINE];
	int seen = 0, lp, m, d, built_m = -1;
	xp_params *pr = NULL;
	xp_schedule *s = NULL;
	rewind(f);
	*bad_m = -1;
	*max_m = 0;
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#' || sscanf(line, "%d %d %d %8191s", &lp, &m, &d, theirs) != 4 ||
		    lp != p)
			continue;
		if (m != built_m) {
			xp_schedule_free(s);
			fx_free(pr);
			pr = fx_new(p, m, 1000, 1000, 1000);
			s = fx_build("zbv", pr);
			built_m = m;
		}
		int in_order = fx_v_letters(s, d, ours, sizeof ours);
		if ((!in_order || strcmp(ours, theirs)) && *bad_m < 0) {
			diag("zbv p=%d m=%d device %d:\n#   ours   %s%s\n#   theirs %s", p, m, d,
			     ours, in_order ? "" : " (microbatches out of order)", theirs);
			*bad_m = m;
		}
		*max_m = m > *max_m ? m : *max_m;
		seen++;
	}
	xp_schedule_free(s);
	fx_free(pr);
	return seen;
}

int main(void)
{
	FILE *f = fx_data("zbv_orders.txt");
	plan(2 * (PMAX - 1));
	for (int p = 2; p <= PMAX; p++) {
		int bad_m, max_m, seen = compare_p(f, p, &bad_m, &max_m);
		/* the reference covers m = 1 .. 2p+2 on every device */
		is_int(seen, p * (2 * p + 2), "zbv p=%d: the reference has m = 1..%d on %d devices",
		       p, 2 * p + 2, p);
		ok(bad_m < 0 && max_m == 2 * p + 2,
		   "zbv p=%d, m=1..%d: every device's order is the authors' (first difference at "
		   "m=%d)",
		   p, max_m, bad_m);
	}
	fclose(f);
	return done_testing();
}
