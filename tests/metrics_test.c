/* metrics_test.c: metrics that xp_result_finish derives from an analytic run's timeline, checked
 * against hand-computed values. */
#include "fixture.h"
#include "tap.h"

/* Finite intra-DC links and WAN traffic together: p=4 in 2 DCs (stages 0-1 and 2-3), m=2,
 * 1F1B, 1 MB messages; 100 Gbps across (80 us a message), 10 Gbps inside (800 us). Of the 12
 * transfers only the 4 between stages 1 and 2 cross, so wan_busy_ns = 4 x 80 us. */
static void test_wan_only(void)
{
	xp_params *pr = fx_new(4, 2, 1000000, 1000000, 1000000);
	fx_datacenters(pr, 2, 10000, 100e9);
	pr->intra_dc = (xp_link_class){ 1000, 10e9 };
	pr->message_bytes = 1000000;
	xp_schedule *s = fx_build("1f1b", pr);
	xp_result *r = fx_run("analytic", pr, s);
	int crossing = 0;
	for (size_t i = 0; i < r->n_transfers; i++)
		crossing += r->transfers[i].crosses_dc;
	is_int((int64_t)r->n_transfers, 12, "wan: 3 links x 2 directions x 2 microbatches");
	is_int(crossing, 4, "wan: 4 transfers cross the DCs");
	is_int(r->wan_busy_ns, 4 * 80000, "wan: wan_busy_ns counts only the WAN transfers");
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

int main(void)
{
	plan(3);
	test_wan_only();
	return done_testing();
}
