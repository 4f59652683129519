/* units_fuzz.c: the unit parsers (time, bandwidth, size, number, FLOP rate) on the input as one
 * string (cut at its first NUL). A failure must give a reason; a success must give a value in
 * range, which prints and parses back to itself within the printed precision (three decimals:
 * a relative 5e-4), and whose serialization time is defined. */
#include <math.h>

#include "fuzz.h"

#define PRINT_PRECISION 5.0005e-4 /* three decimals on a leading digit >= 1 */

static void require_reason(const char *parser, const char *s, const char *why)
{
	FZ_REQUIRE(why && why[0], "%s('%s') failed without a reason", parser, s);
}

static void close_enough(const char *what, double a, double b)
{
	FZ_REQUIRE(fabs(a - b) <= PRINT_PRECISION * fabs(a) + 0.5, "%s: %.17g printed reads %.17g",
	           what, a, b);
}

static void check_time(const char *s)
{
	int64_t ns = -1, back = -1;
	const char *why = NULL;
	if (xp_parse_time_ns(s, &ns, &why) != 0)
		return require_reason("xp_parse_time_ns", s, why);
	FZ_REQUIRE(ns >= 0, "time '%s' parsed to %lld ns", s, (long long)ns);
	char buf[64];
	xp_format_time(buf, sizeof buf, ns);
	if (ns == INT64_MAX)
		return;
	FZ_REQUIRE(xp_parse_time_ns(buf, &back, &why) == 0, "printed time '%s' does not read: %s",
	           buf, why);
	close_enough("time", (double)ns, (double)back);
}

static void check_bytes(const char *s, double bps)
{
	int64_t b = -1, back = -1;
	const char *why = NULL;
	if (xp_parse_bytes(s, &b, &why) != 0)
		return require_reason("xp_parse_bytes", s, why);
	FZ_REQUIRE(b >= 0, "size '%s' parsed to %lld B", s, (long long)b);
	FZ_REQUIRE(xp_serialize_ns(b, bps) >= 0, "a negative serialization time");
	char buf[64];
	xp_format_bytes(buf, sizeof buf, b);
	if (b == INT64_MAX)
		return;
	FZ_REQUIRE(xp_parse_bytes(buf, &back, &why) == 0, "printed size '%s' does not read: %s",
	           buf, why);
	close_enough("size", (double)b, (double)back);
}

static double check_bandwidth(const char *s)
{
	double bps = NAN, back = NAN;
	const char *why = NULL;
	if (xp_parse_bandwidth_bps(s, &bps, &why) != 0) {
		require_reason("xp_parse_bandwidth_bps", s, why);
		return 1e9;
	}
	FZ_REQUIRE(bps > 0 && !isnan(bps), "bandwidth '%s' parsed to %g", s, bps);
	char buf[64];
	xp_format_bandwidth(buf, sizeof buf, bps);
	if (isinf(bps) || bps < 1)
		return bps; /* below 1 bps three decimals may print 0 */
	FZ_REQUIRE(xp_parse_bandwidth_bps(buf, &back, &why) == 0,
	           "printed bandwidth '%s' does not read: %s", buf, why);
	close_enough("bandwidth", bps, back);
	return bps;
}

static void check_plain(const char *s)
{
	double v = NAN;
	const char *why = NULL;
	if (xp_parse_number(s, &v, &why) != 0)
		require_reason("xp_parse_number", s, why);
	else
		FZ_REQUIRE(isfinite(v) && v >= 0, "number '%s' parsed to %g", s, v);
	why = NULL;
	if (xp_parse_flops(s, &v, &why) != 0)
		require_reason("xp_parse_flops", s, why);
	else
		FZ_REQUIRE(v > 0 && !isnan(v), "FLOP rate '%s' parsed to %g", s, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0; /* a unit string is short; the scenario harness feeds long values */
	char *s = fz_strndup(data, size);
	check_time(s);
	double bps = check_bandwidth(s);
	check_bytes(s, bps);
	check_plain(s);
	free(s);
	return 0;
}
