/* scenario_background.c: network.background.*, other tenants' traffic on the inter-DC links:
 * its mean offered load (a share of the link's capacity), transport and burstiness. */
#include "base/units.h"
#include "scenario/scenario_int.h"

#define MAX_LOAD 0.95
#define MIN_ON   1000LL /* 1 us */

static xp_status period(const xp_reader *rd, const char *key, int onoff, int64_t *out)
{
	const xp_node *n = xp_reader_get(rd, key);
	if (n && !onoff)
		return xp_reader_fail(rd, n, key, "applies only to pattern: onoff");
	xp_status st = xp_reader_i64(rd, key, xp_parse_time_ns, 0, out);
	if (!st && *out < MIN_ON)
		st = xp_reader_fail(rd, n, key, "expected a time >= 1us");
	return st;
}

xp_status xp_read_background(const xp_reader *rd, xp_background *bg)
{
	static const char *const transports[] = { "udp", "tcp", NULL };
	static const char *const patterns[] = { "constant", "onoff", NULL };
	static const char load[] = "network.background.load";
	xp_status st;
	*bg = (xp_background){ .on_ns = 50000000, .off_ns = 50000000 };
	if ((st = xp_reader_number(rd, load, 0, MAX_LOAD, 0, &bg->load)) ||
	    (st = xp_reader_choice(rd, "network.background.transport", transports,
	                           &bg->transport)) ||
	    (st = xp_reader_choice(rd, "network.background.pattern", patterns, &bg->pattern)))
		return st;
	int onoff = bg->pattern == XP_BG_ONOFF;
	if ((st = period(rd, "network.background.on", onoff, &bg->on_ns)) ||
	    (st = period(rd, "network.background.off", onoff, &bg->off_ns)))
		return st;
	/* while on, the tenants send at load / duty cycle of the capacity */
	double peak =
	    onoff ? bg->load * (double)(bg->on_ns + bg->off_ns) / (double)bg->on_ns : bg->load;
	if (peak > 1) {
		char on[32], off[32];
		return xp_reader_fail(
		    rd, xp_reader_get(rd, load), load,
		    "%g with on %s and off %s sends at %.3g times the link's "
		    "capacity while on; at most 1 (lower the load or the off time)",
		    bg->load, xp_format_time(on, sizeof on, bg->on_ns),
		    xp_format_time(off, sizeof off, bg->off_ns), peak);
	}
	return XP_OK;
}
