/* units.c: parse and print times, bandwidths, sizes and FLOP rates (see units.h). */
#include "base/units.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A unit suffix and what one of it is worth in the internal unit. */
struct unit {
	const char *name;
	double scale;
};

/* "µs" is accepted both with the micro sign (U+00B5) and with the Greek mu (U+03BC). */
static const struct unit time_units[] = {
	{ "ns", 1.0 }, { "us", 1e3 },   { "\xc2\xb5s", 1e3 }, { "\xce\xbcs", 1e3 }, { "ms", 1e6 },
	{ "s", 1e9 },  { "min", 60e9 }, { "h", 3600e9 },      { NULL, 0 },
};

static const struct unit bandwidth_units[] = {
	{ "bps", 1.0 },
	{ "b/s", 1.0 },
	{ "Kbps", 1e3 },
	{ "kbps", 1e3 },
	{ "Kb/s", 1e3 },
	{ "kb/s", 1e3 },
	{ "Mbps", 1e6 },
	{ "Mb/s", 1e6 },
	{ "Gbps", 1e9 },
	{ "Gb/s", 1e9 },
	{ "Tbps", 1e12 },
	{ "Tb/s", 1e12 },
	{ "B/s", 8.0 },
	{ "Bps", 8.0 },
	{ "KB/s", 8e3 },
	{ "kB/s", 8e3 },
	{ "KBps", 8e3 },
	{ "MB/s", 8e6 },
	{ "MBps", 8e6 },
	{ "GB/s", 8e9 },
	{ "GBps", 8e9 },
	{ "TB/s", 8e12 },
	{ "TBps", 8e12 },
	{ "KiB/s", 8192.0 },
	{ "MiB/s", 8.0 * 1048576.0 },
	{ "GiB/s", 8.0 * 1073741824.0 },
	{ NULL, 0 },
};

static const struct unit byte_units[] = {
	{ "B", 1.0 },
	{ "KB", 1e3 },
	{ "kB", 1e3 },
	{ "MB", 1e6 },
	{ "GB", 1e9 },
	{ "TB", 1e12 },
	{ "PB", 1e15 },
	{ "KiB", 1024.0 },
	{ "MiB", 1048576.0 },
	{ "GiB", 1073741824.0 },
	{ "TiB", 1099511627776.0 },
	{ "PiB", 1125899906842624.0 },
	{ NULL, 0 },
};

/* SI prefixes of a FLOP rate; the "FLOPS" word after them is optional. */
static const struct unit flops_prefixes[] = {
	{ "", 1.0 },   { "K", 1e3 },  { "k", 1e3 },  { "M", 1e6 }, { "G", 1e9 },
	{ "T", 1e12 }, { "P", 1e15 }, { "E", 1e18 }, { NULL, 0 },
};

static const char *const flops_words[] = { "", "FLOPS", "FLOP/s", "flops", "flop/s", NULL };

/* Split s into a decimal number (sign, digits, fraction, exponent; no hex, no inf/nan) and the
 * unit after it, blanks trimmed. Returns 0 and fills *num and unit, or -1 if s does not start
 * with a number or the unit does not fit in the buffer. */
static int split_number(const char *s, double *num, char *unit, size_t unit_len)
{
	while (isspace((unsigned char)*s))
		s++;
	const char *p = s;
	if (*p == '+' || *p == '-')
		p++;
	const char *digits = p;
	while (isdigit((unsigned char)*p))
		p++;
	size_t n_int = (size_t)(p - digits);
	size_t n_frac = 0;
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)p[n_frac]))
			n_frac++;
		p += n_frac;
	}
	if (n_int + n_frac == 0)
		return -1;
	if (*p == 'e' || *p == 'E') {
		const char *q = p + 1;
		if (*q == '+' || *q == '-')
			q++;
		if (isdigit((unsigned char)*q)) {
			while (isdigit((unsigned char)*q))
				q++;
			p = q;
		}
	}
	char *end;
	*num = strtod(s, &end);
	if (end != p)
		return -1;
	while (isspace((unsigned char)*p))
		p++;
	size_t len = strlen(p);
	while (len > 0 && isspace((unsigned char)p[len - 1]))
		len--;
	if (len >= unit_len)
		return -1;
	memcpy(unit, p, len);
	unit[len] = '\0';
	return 0;
}

static const struct unit *find_unit(const struct unit *table, const char *name)
{
	for (; table->name; table++)
		if (strcmp(table->name, name) == 0)
			return table;
	return NULL;
}

/* Round a non-negative finite value to int64; -1 if it does not fit. */
static int to_int64(double v, int64_t *out)
{
	double r = nearbyint(v);
	if (!isfinite(r) || r < 0 || r >= 9223372036854775807.0)
		return -1;
	*out = (int64_t)r;
	return 0;
}

int xp_parse_time_ns(const char *s, int64_t *out_ns, const char **why)
{
	char unit[16];
	double v;
	*why = "a time with a unit (ns, us, ms, s, min, h)";
	if (!s || split_number(s, &v, unit, sizeof unit) < 0)
		return -1;
	const struct unit *u = find_unit(time_units, unit);
	if (!u && !(unit[0] == '\0' && v == 0.0))
		return -1;
	if (v < 0) {
		*why = "a time >= 0";
		return -1;
	}
	if (to_int64(v * (u ? u->scale : 1.0), out_ns) < 0) {
		*why = "a time below 292 years";
		return -1;
	}
	return 0;
}

static int is_inf_word(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return (len == 3 && strncmp(s, "inf", 3) == 0) || (len == 4 && strncmp(s, ".inf", 4) == 0);
}

int xp_parse_bandwidth_bps(const char *s, double *out_bps, const char **why)
{
	char unit[16];
	double v;
	*why = "a bandwidth with a unit (bps, Kbps, Mbps, Gbps, Tbps, B/s, KB/s, MB/s, GB/s, "
	       "TB/s) or inf";
	if (!s)
		return -1;
	if (is_inf_word(s)) {
		*out_bps = INFINITY;
		return 0;
	}
	if (split_number(s, &v, unit, sizeof unit) < 0)
		return -1;
	const struct unit *u = find_unit(bandwidth_units, unit);
	if (!u)
		return -1;
	double bps = v * u->scale;
	if (!(bps > 0) || !isfinite(bps)) {
		*why = "a bandwidth > 0 (inf for a free link)";
		return -1;
	}
	*out_bps = bps;
	return 0;
}

int xp_parse_bytes(const char *s, int64_t *out_bytes, const char **why)
{
	char unit[16];
	double v;
	*why = "a size with a unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB) or a whole number of "
	       "bytes";
	if (!s || split_number(s, &v, unit, sizeof unit) < 0)
		return -1;
	const struct unit *u = find_unit(byte_units, unit);
	if (!u && !(unit[0] == '\0' && v == floor(v)))
		return -1;
	if (v < 0) {
		*why = "a size >= 0";
		return -1;
	}
	if (to_int64(v * (u ? u->scale : 1.0), out_bytes) < 0) {
		*why = "a size below 8 EiB";
		return -1;
	}
	return 0;
}

int xp_parse_number(const char *s, double *out, const char **why)
{
	char unit[8];
	double v;
	*why = "a number (or a percentage such as 5%)";
	if (!s || split_number(s, &v, unit, sizeof unit) < 0 || !isfinite(v))
		return -1;
	if (strcmp(unit, "%") == 0)
		v /= 100.0;
	else if (unit[0] != '\0')
		return -1;
	if (v < 0) {
		*why = "a number >= 0";
		return -1;
	}
	*out = v;
	return 0;
}

/* unit is a prefix from flops_prefixes followed by a word from flops_words. */
static const struct unit *find_flops_unit(const char *unit)
{
	for (const struct unit *u = flops_prefixes; u->name; u++) {
		size_t n = strlen(u->name);
		if (strncmp(unit, u->name, n) != 0)
			continue;
		for (const char *const *w = flops_words; *w; w++)
			if (strcmp(unit + n, *w) == 0)
				return u;
	}
	return NULL;
}

int xp_parse_flops(const char *s, double *out_flops, const char **why)
{
	char unit[16];
	double v;
	*why = "a FLOP rate such as 989e12, 989T or 989TFLOPS";
	if (!s || split_number(s, &v, unit, sizeof unit) < 0)
		return -1;
	const struct unit *u = find_flops_unit(unit);
	if (!u)
		return -1;
	double flops = v * u->scale;
	if (!(flops > 0) || !isfinite(flops)) {
		*why = "a FLOP rate > 0";
		return -1;
	}
	*out_flops = flops;
	return 0;
}

int64_t xp_serialize_ns(int64_t bytes, double bps)
{
	if (bytes <= 0 || isinf(bps))
		return 0;
	if (!(bps > 0))
		return INT64_MAX;
	double ns = nearbyint((double)bytes * 8e9 / bps);
	return ns >= 9223372036854775807.0 ? INT64_MAX : (int64_t)ns;
}

/* Print v with up to three decimals, trailing zeros (and a bare point) removed, then unit. A
 * value of a million or more in the largest unit prints in exponent form (%.6e reads back within
 * 1e-6), so that a 1e300 bps bandwidth does not print 300 digits past the buffer. */
static char *format_scaled(char *buf, size_t len, double v, const char *unit)
{
	char num[64];
	if (fabs(v) >= 1e6) {
		snprintf(buf, len, "%.6e%s", v, unit);
		return buf;
	}
	snprintf(num, sizeof num, "%.3f", v);
	char *dot = strchr(num, '.');
	if (dot) {
		char *end = num + strlen(num) - 1;
		while (end > dot && *end == '0')
			*end-- = '\0';
		if (end == dot)
			*end = '\0';
	}
	if (strcmp(num, "-0") == 0)
		strcpy(num, "0");
	snprintf(buf, len, "%s%s", num, unit);
	return buf;
}

char *xp_format_time(char *buf, size_t len, int64_t ns)
{
	static const struct unit steps[] = {
		{ "s", 1e9 }, { "ms", 1e6 }, { "us", 1e3 }, { NULL, 0 }
	};
	if (ns == INT64_MAX) {
		snprintf(buf, len, "inf");
		return buf;
	}
	double a = fabs((double)ns);
	if (a >= 0x1p62) { /* rounding to ms could print past the int64 range: print it exactly */
		snprintf(buf, len, "%" PRId64 "ns", ns);
		return buf;
	}
	for (const struct unit *u = steps; u->name; u++)
		if (a >= u->scale)
			return format_scaled(buf, len, (double)ns / u->scale, u->name);
	snprintf(buf, len, "%" PRId64 "ns", ns);
	return buf;
}

char *xp_format_bandwidth(char *buf, size_t len, double bps)
{
	static const struct unit steps[] = {
		{ "Tbps", 1e12 }, { "Gbps", 1e9 }, { "Mbps", 1e6 }, { "Kbps", 1e3 }, { NULL, 0 },
	};
	if (isinf(bps) && bps > 0) {
		snprintf(buf, len, "inf");
		return buf;
	}
	for (const struct unit *u = steps; u->name; u++)
		if (fabs(bps) >= u->scale)
			return format_scaled(buf, len, bps / u->scale, u->name);
	return format_scaled(buf, len, bps, "bps");
}

/* The largest unit of the 1024 (binary) or 1000 (decimal) family not above b: 0 for bytes. */
static int unit_step(int64_t b, int64_t base)
{
	int k = 0;
	for (int64_t scale = base; k < 5 && b >= scale; scale *= base)
		k++;
	return k;
}

char *xp_format_bytes(char *buf, size_t len, int64_t bytes)
{
	static const char *const bin[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	static const char *const dec[] = { "B", "KB", "MB", "GB", "TB", "PB" };
	if (bytes == INT64_MAX) {
		snprintf(buf, len, "inf");
		return buf;
	}
	int64_t a = bytes < 0 ? -bytes : bytes;
	int kb = unit_step(a, 1024), kd = unit_step(a, 1000);
	double sb = pow(1024.0, kb), sd = pow(1000.0, kd);
	/* Exact multiples read best in their own family (64MiB, 1GB); anything else in binary. */
	if (kb > 0 && a % (int64_t)sb == 0)
		return format_scaled(buf, len, (double)bytes / sb, bin[kb]);
	if (kd > 0 && a % (int64_t)sd == 0)
		return format_scaled(buf, len, (double)bytes / sd, dec[kd]);
	if (kb == 0 || a >= INT64_C(1) << 62) { /* rounding near 8 EiB could print 8192PiB */
		snprintf(buf, len, "%" PRId64 "B", bytes);
		return buf;
	}
	return format_scaled(buf, len, (double)bytes / sb, bin[kb]);
}

double xp_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
