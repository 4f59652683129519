/* units.h: parse and print times, bandwidths and sizes; the one place where units convert.
 *
 * Inside crosspipe, time is int64_t nanoseconds (*_ns), sizes are int64_t bytes (*_bytes) and
 * bandwidth is double bits per second (*_bps, INFINITY meaning a free link). */
#ifndef XP_UNITS_H
#define XP_UNITS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Each parser reads the whole string s (surrounding blanks allowed) and returns 0 on success, or
 * -1 with *why set to a static phrase saying what was expected (for error messages). */

/* Time: a number with a unit ns, us, ms, s (also min, h); "0" alone is accepted. Rounded to the
 * nearest nanosecond; negative values are rejected. */
int xp_parse_time_ns(const char *s, int64_t *out_ns, const char **why);

/* Bandwidth: bit rates bps, Kbps, Mbps, Gbps, Tbps (powers of 1000) or byte rates B/s, KB/s,
 * MB/s, GB/s, TB/s (x8). "inf" means free (INFINITY). Zero and negative are rejected.
 * Also accepted: Gb/s-style bit rates, GBps-style byte rates and KiB/s, MiB/s, GiB/s. */
int xp_parse_bandwidth_bps(const char *s, double *out_bps, const char **why);

/* Size: a number with B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024);
 * a bare integer means bytes. Rounded to the nearest byte; negative values are rejected. */
int xp_parse_bytes(const char *s, int64_t *out_bytes, const char **why);

/* A plain finite non-negative number (ratios such as T_lat/T_F), or a percentage "5%" = 0.05. */
int xp_parse_number(const char *s, double *out, const char **why);

/* A FLOP rate: a number with an optional SI prefix K, M, G, T, P, E and an optional word FLOPS
 * or FLOP/s ("989e12", "989T", "989TFLOPS", "989 TFLOP/s"). Must be > 0. */
int xp_parse_flops(const char *s, double *out_flops, const char **why);

/* Time a transfer of `bytes` holds a link of `bps` (bytes * 8 / bps), rounded to the nearest
 * nanosecond; 0 on an infinite link or for no bytes; INT64_MAX on a zero bandwidth. */
int64_t xp_serialize_ns(int64_t bytes, double bps);

/* Seconds on the monotonic clock, for wall-time figures (solver seconds, sweep wall_s,
 * benchmarks); never part of a simulated result. */
double xp_now_s(void);

/* Readable forms for tables: "12.345ms", "100Gbps", "64MiB" (at most three decimals; sizes in
 * the binary family unless they are an exact decimal multiple such as "1GB"). An infinite
 * bandwidth and INT64_MAX times or sizes print as "inf". Return buf. */
char *xp_format_time(char *buf, size_t len, int64_t ns);
char *xp_format_bandwidth(char *buf, size_t len, double bps);
char *xp_format_bytes(char *buf, size_t len, int64_t bytes);

#ifdef __cplusplus
}
#endif
#endif
