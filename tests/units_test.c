/* units_test.c: every unit and every error of the unit parsers and printers (units.c). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "base/units.h"
#include "tap.h"

#define LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct i64_case {
	const char *text;
	int64_t want;
};

struct f64_case {
	const char *text;
	double want;
};

struct bad_case {
	const char *text;
	const char *why; /* the expected phrase */
};

static const struct i64_case times[] = {
	{ "0", 0 },
	{ "1ns", 1 },
	{ "2us", 2000 },
	{ "2\xc2\xb5s", 2000 },
	{ "3ms", 3000000 },
	{ "1.5ms", 1500000 },
	{ "2s", 2000000000 },
	{ "1min", 60000000000 },
	{ "1h", 3600000000000 },
	{ "1e3us", 1000000 },
	{ ".5ms", 500000 },
	{ " 10 ms ", 10000000 },
	{ "0.0004ns", 0 },
	{ "0ms", 0 },
	{ "2\xce\xbcs", 2000 }, /* the Greek mu */
	{ "1.5min", 90000000000 },
	{ "0.5h", 1800000000000 },
};

static const struct bad_case bad_times[] = {
	{ "5", "a time with a unit (ns, us, ms, s, min, h)" },
	{ "1parsec", "a time with a unit (ns, us, ms, s, min, h)" },
	{ "", "a time with a unit (ns, us, ms, s, min, h)" },
	{ "ms", "a time with a unit (ns, us, ms, s, min, h)" },
	{ "0x10ms", "a time with a unit (ns, us, ms, s, min, h)" },
	{ "inf", "a time with a unit (ns, us, ms, s, min, h)" },
	{ "1ms2", "a time with a unit (ns, us, ms, s, min, h)" },
	{ "-1ms", "a time >= 0" },
	{ "1e400s", "a time below 292 years" },
	{ "3000000h", "a time below 292 years" },
};

static const struct f64_case bandwidths[] = {
	{ "1bps", 1 },
	{ "10Kbps", 1e4 },
	{ "10kbps", 1e4 },
	{ "5Mbps", 5e6 },
	{ "100Gbps", 1e11 },
	{ "1Gb/s", 1e9 },
	{ "2Tbps", 2e12 },
	{ "1B/s", 8 },
	{ "1KB/s", 8e3 },
	{ "1MB/s", 8e6 },
	{ "1GB/s", 8e9 },
	{ "1GBps", 8e9 },
	{ "1TB/s", 8e12 },
	{ "1GiB/s", 8.0 * 1073741824.0 },
	{ "2.5 Gbps", 2.5e9 },
	{ "inf", INFINITY },
	{ ".inf", INFINITY },
	/* every other spelling of the table, 3 of each, worked out by hand: bits x1000^k, bytes x8
	 * x1000^k, binary bytes x8 x1024^k */
	{ "3b/s", 3 },
	{ "3Kb/s", 3000 },
	{ "3kb/s", 3000 },
	{ "3Mb/s", 3000000 },
	{ "3Tb/s", 3e12 },
	{ "3Bps", 24 },
	{ "3kB/s", 24000 },
	{ "3KBps", 24000 },
	{ "3MBps", 24000000 },
	{ "3TBps", 24e12 },
	{ "3KiB/s", 24576 },
	{ "3MiB/s", 25165824 },
	{ "3GiB/s", 25769803776 },
	{ "3Gbps", 3e9 },
};

static const struct bad_case bad_bandwidths[] = {
	{ "0Gbps", "a bandwidth > 0 (inf for a free link)" },
	{ "-1Gbps", "a bandwidth > 0 (inf for a free link)" },
	{ "100", "a bandwidth with a unit" },
	{ "100GB", "a bandwidth with a unit" },
	{ "fast", "a bandwidth with a unit" },
	{ "", "a bandwidth with a unit" },
};

static const struct i64_case sizes[] = {
	{ "0", 0 },
	{ "123", 123 },
	{ "1B", 1 },
	{ "1KB", 1000 },
	{ "1kB", 1000 },
	{ "1MB", 1000000 },
	{ "1GB", 1000000000 },
	{ "1TB", 1000000000000 },
	{ "1KiB", 1024 },
	{ "1MiB", 1048576 },
	{ "1GiB", 1073741824 },
	{ "1TiB", 1099511627776 },
	{ "1.5KB", 1500 },
	{ "64MiB", 67108864 },
	{ "80 GiB", 85899345920 },
	{ "3PB", 3000000000000000 },
	{ "3PiB", 3377699720527872 }, /* 3 x 2^50 */
	{ "3TiB", 3298534883328 },    /* 3 x 2^40 */
	{ "2kB", 2000 },
};

static const struct bad_case bad_sizes[] = {
	{ "1.5", "a size with a unit" }, { "1Kb", "a size with a unit" },
	{ "", "a size with a unit" },    { "big", "a size with a unit" },
	{ "-1B", "a size >= 0" },        { "1e30TB", "a size below 8 EiB" },
};

static const struct f64_case numbers[] = {
	{ "0.25", 0.25 }, { "2", 2 }, { "5%", 0.05 }, { "1e-3", 1e-3 }, { "0", 0 },
};

static const struct bad_case bad_numbers[] = {
	{ "-1", "a number >= 0" },
	{ "1ms", "a number (or a percentage such as 5%)" },
	{ "inf", "a number (or a percentage such as 5%)" },
	{ "nan", "a number (or a percentage such as 5%)" },
	{ "", "a number (or a percentage such as 5%)" },
};

static const struct f64_case flops[] = {
	{ "989e12", 989e12 },      { "989T", 989e12 },      { "989TFLOPS", 989e12 },
	{ "989 TFLOP/s", 989e12 }, { "1.5PFLOPS", 1.5e15 }, { "100G", 1e11 },
	{ "1000", 1000 },          { "2 flops", 2 },
};

static const struct bad_case bad_flops[] = {
	{ "0", "a FLOP rate > 0" },
	{ "-1T", "a FLOP rate > 0" },
	{ "989X", "a FLOP rate such as" },
	{ "fast", "a FLOP rate such as" },
};

static void check_times(void)
{
	const char *why;
	for (int i = 0; i < LEN(times); i++) {
		int64_t v = -1;
		int rc = xp_parse_time_ns(times[i].text, &v, &why);
		is_int(rc == 0 ? v : -1, times[i].want, "time '%s'", times[i].text);
	}
	for (int i = 0; i < LEN(bad_times); i++) {
		int64_t v = -1;
		why = NULL;
		int rc = xp_parse_time_ns(bad_times[i].text, &v, &why);
		ok(rc == -1 && v == -1, "time '%s' is rejected", bad_times[i].text);
		has_str(why, bad_times[i].why, "time '%s' says what was expected",
		        bad_times[i].text);
	}
}

static void check_bandwidths(void)
{
	const char *why;
	for (int i = 0; i < LEN(bandwidths); i++) {
		double v = -1;
		int rc = xp_parse_bandwidth_bps(bandwidths[i].text, &v, &why);
		is_double(rc == 0 ? v : -1, bandwidths[i].want, 1e-6, "bandwidth '%s'",
		          bandwidths[i].text);
	}
	for (int i = 0; i < LEN(bad_bandwidths); i++) {
		double v = -1;
		why = NULL;
		int rc = xp_parse_bandwidth_bps(bad_bandwidths[i].text, &v, &why);
		ok(rc == -1 && v == -1, "bandwidth '%s' is rejected", bad_bandwidths[i].text);
		has_str(why, bad_bandwidths[i].why, "bandwidth '%s' says what was expected",
		        bad_bandwidths[i].text);
	}
}

static void check_sizes(void)
{
	const char *why;
	for (int i = 0; i < LEN(sizes); i++) {
		int64_t v = -1;
		int rc = xp_parse_bytes(sizes[i].text, &v, &why);
		is_int(rc == 0 ? v : -1, sizes[i].want, "size '%s'", sizes[i].text);
	}
	for (int i = 0; i < LEN(bad_sizes); i++) {
		int64_t v = -1;
		why = NULL;
		int rc = xp_parse_bytes(bad_sizes[i].text, &v, &why);
		ok(rc == -1 && v == -1, "size '%s' is rejected", bad_sizes[i].text);
		has_str(why, bad_sizes[i].why, "size '%s' says what was expected",
		        bad_sizes[i].text);
	}
}

static void check_numbers(void)
{
	const char *why;
	for (int i = 0; i < LEN(numbers); i++) {
		double v = -1;
		int rc = xp_parse_number(numbers[i].text, &v, &why);
		is_double(rc == 0 ? v : -1, numbers[i].want, 1e-12, "number '%s'", numbers[i].text);
	}
	for (int i = 0; i < LEN(bad_numbers); i++) {
		double v = -1;
		why = NULL;
		int rc = xp_parse_number(bad_numbers[i].text, &v, &why);
		ok(rc == -1 && v == -1, "number '%s' is rejected", bad_numbers[i].text);
		has_str(why, bad_numbers[i].why, "number '%s' says what was expected",
		        bad_numbers[i].text);
	}
}

static void check_flops(void)
{
	const char *why;
	for (int i = 0; i < LEN(flops); i++) {
		double v = -1;
		int rc = xp_parse_flops(flops[i].text, &v, &why);
		is_double(rc == 0 ? v : -1, flops[i].want, flops[i].want * 1e-12, "FLOP rate '%s'",
		          flops[i].text);
	}
	for (int i = 0; i < LEN(bad_flops); i++) {
		double v = -1;
		why = NULL;
		int rc = xp_parse_flops(bad_flops[i].text, &v, &why);
		ok(rc == -1 && v == -1, "FLOP rate '%s' is rejected", bad_flops[i].text);
		has_str(why, bad_flops[i].why, "FLOP rate '%s' says what was expected",
		        bad_flops[i].text);
	}
}

static void check_serialize(void)
{
	is_int(xp_serialize_ns(1000, 8e3), 1000000000, "1000 B at 8 kbps take 1 s");
	is_int(xp_serialize_ns(67108864, 100e9), 5368709, "64 MiB at 100 Gbps, rounded to ns");
	is_int(xp_serialize_ns(1, 3e9), 3, "1 B at 3 Gbps: 2.67 ns rounds to 3");
	is_int(xp_serialize_ns(67108864, INFINITY), 0, "an infinite link takes no time");
	is_int(xp_serialize_ns(0, 1e9), 0, "nothing to send takes no time");
	is_int(xp_serialize_ns(1, 0), INT64_MAX, "a zero bandwidth never finishes");
}

struct fmt_case {
	double value;
	const char *want;
};

static void check_format(void)
{
	static const struct fmt_case t[] = {
		{ 0, "0ns" },  { 999, "999ns" },       { 1500, "1.5us" }, { 12345678, "12.346ms" },
		{ 2e9, "2s" }, { -1500000, "-1.5ms" }, { 90e9, "90s" },
	};
	static const struct fmt_case bw[] = {
		{ 1e11, "100Gbps" },   { 1.5e9, "1.5Gbps" }, { 500, "500bps" },
		{ 2.5e12, "2.5Tbps" }, { 64e3, "64Kbps" },   { INFINITY, "inf" },
	};
	static const struct fmt_case b[] = {
		{ 67108864, "64MiB" },
		{ 1e9, "1GB" },
		{ 1000, "1KB" },
		{ 1536, "1.5KiB" },
		{ 512, "512B" },
		{ 0, "0B" },
		{ 2500000007.0, "2.328GiB" },
		{ 85899345920.0, "80GiB" },
	};
	char buf[32];
	for (int i = 0; i < LEN(t); i++)
		is_str(xp_format_time(buf, sizeof buf, (int64_t)t[i].value), t[i].want,
		       "format time %.0f ns", t[i].value);
	is_str(xp_format_time(buf, sizeof buf, INT64_MAX), "inf", "format time INT64_MAX");
	for (int i = 0; i < LEN(bw); i++)
		is_str(xp_format_bandwidth(buf, sizeof buf, bw[i].value), bw[i].want,
		       "format bandwidth %g bps", bw[i].value);
	for (int i = 0; i < LEN(b); i++)
		is_str(xp_format_bytes(buf, sizeof buf, (int64_t)b[i].value), b[i].want,
		       "format size %.0f B", b[i].value);
	is_str(xp_format_bytes(buf, sizeof buf, INT64_MAX), "inf", "format size INT64_MAX");
}

/* What a table prints must read back as the same value. */
static void check_round_trips(void)
{
	static const int64_t ns[] = { 1, 1500, 2000000, 7000000000 };
	static const int64_t bytes[] = { 512, 1536, 67108864, 3000000000 };
	char buf[32];
	const char *why;
	for (int i = 0; i < LEN(ns); i++) {
		int64_t v = -1;
		xp_parse_time_ns(xp_format_time(buf, sizeof buf, ns[i]), &v, &why);
		is_int(v, ns[i], "time %s reads back", buf);
	}
	for (int i = 0; i < LEN(bytes); i++) {
		int64_t v = -1;
		xp_parse_bytes(xp_format_bytes(buf, sizeof buf, bytes[i]), &v, &why);
		is_int(v, bytes[i], "size %s reads back", buf);
	}
	double bps = -1;
	xp_parse_bandwidth_bps(xp_format_bandwidth(buf, sizeof buf, 4e11), &bps, &why);
	is_double(bps, 4e11, 1e-3, "bandwidth %s reads back", buf);
}

/* Extreme values (found by the units fuzzer): rounding to three decimals must not print a value
 * past the range, and a huge bandwidth must keep its unit. */
static void check_extreme_round_trips(void)
{
	char buf[64];
	const char *why = NULL;
	int64_t v = -1;
	is_int(xp_parse_time_ns(xp_format_time(buf, sizeof buf, INT64_C(9223372036854775208)), &v,
	                        &why),
	       0, "time just below the int64 limit prints readably (%s)", buf);
	/* the parsers read through a double: 2048 is one ulp at 2^63 */
	is_double((double)v, 9223372036854775208.0, 4096.0, "and reads back within a double's ulp");
	v = -1;
	int64_t big = INT64_MAX - 1000;
	is_int(xp_parse_bytes(xp_format_bytes(buf, sizeof buf, big), &v, &why), 0,
	       "size just below 8 EiB prints readably (%s)", buf);
	is_double((double)v, (double)big, 4096.0, "and reads back within a double's ulp");
	double bps = -1;
	is_int(xp_parse_bandwidth_bps(xp_format_bandwidth(buf, sizeof buf, 9e94), &bps, &why), 0,
	       "a 9e94 bps bandwidth prints with its unit (%s)", buf);
	is_double(bps, 9e94, 1e-6 * 9e94, "and reads back");
}

int main(void)
{
	plan(LEN(times) + 2 * LEN(bad_times) + LEN(bandwidths) + 2 * LEN(bad_bandwidths) +
	     LEN(sizes) + 2 * LEN(bad_sizes) + LEN(numbers) + 2 * LEN(bad_numbers) + LEN(flops) +
	     2 * LEN(bad_flops) + 6 + 7 + 1 + 6 + 8 + 1 + 4 + 4 + 1 + 6);
	check_times();
	check_bandwidths();
	check_sizes();
	check_numbers();
	check_flops();
	check_serialize();
	check_format();
	check_round_trips();
	check_extreme_round_trips();
	return done_testing();
}
