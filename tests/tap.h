/* tap.h: a small Test Anything Protocol helper for the C tests (run by prove). */
#ifndef XP_TAP_H
#define XP_TAP_H

#include <stdint.h>

/* Announce the number of assertions ("1..n"). */
void plan(int n);

/* Each assertion prints "ok N - desc" or "not ok N - desc" plus, on failure, what was got and
 * what was expected as TAP diagnostics. They return the truth of the check. */
int ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int is_int(int64_t got, int64_t want, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int is_double(double got, double want, double tol, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int is_str(const char *got, const char *want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* got contains want as a substring */
int has_str(const char *got, const char *want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "# message" on stdout. */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Record n skipped assertions with a reason; under CI (the environment variable CI non-empty,
 * as .ci/run sets it) they are failures instead, since CI has every dependency installed. */
void skip(int n, const char *why);

/* "Bail out! message" and exit 255: the rest of the suite cannot run. */
void bail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Exit status for main: 0 when every planned assertion ran and passed. */
int done_testing(void);

#endif
