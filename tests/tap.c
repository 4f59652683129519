/* tap.c: the TAP helper behind tap.h. */
#include "tap.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int planned, count, failed;

void plan(int n)
{
	planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

static int report(int cond, const char *fmt, va_list ap)
{
	count++;
	printf("%sok %d - ", cond ? "" : "not ", count);
	vprintf(fmt, ap);
	printf("\n");
	if (!cond)
		failed++;
	fflush(stdout);
	return cond;
}

int ok(int cond, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(cond, fmt, ap);
	va_end(ap);
	return cond;
}

int is_int(int64_t got, int64_t want, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int cond = report(got == want, fmt, ap);
	va_end(ap);
	if (!cond)
		printf("#      got: %" PRId64 "\n# expected: %" PRId64 "\n", got, want);
	return cond;
}

int is_double(double got, double want, double tol, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int cond = report(fabs(got - want) <= tol || (isinf(got) && got == want), fmt, ap);
	va_end(ap);
	if (!cond)
		printf("#      got: %.17g\n# expected: %.17g (tolerance %.3g)\n", got, want, tol);
	return cond;
}

int is_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int cond = report(got && want && strcmp(got, want) == 0, fmt, ap);
	va_end(ap);
	if (!cond)
		printf("#      got: '%s'\n# expected: '%s'\n", got ? got : "(null)",
		       want ? want : "(null)");
	return cond;
}

int has_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int cond = report(got && want && strstr(got, want) != NULL, fmt, ap);
	va_end(ap);
	if (!cond)
		printf("#      got: '%s'\n# expected to contain: '%s'\n", got ? got : "(null)",
		       want ? want : "(null)");
	return cond;
}

void diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
}

void skip(int n, const char *why)
{
	/* CI installs everything the tests need, so a skip there is a lost check: a failure */
	const char *ci = getenv("CI");
	int in_ci = ci && *ci;
	for (int i = 0; i < n; i++) {
		if (in_ci) {
			printf("not ok %d - skipped under CI: %s\n", ++count, why);
			failed++;
		} else {
			printf("ok %d # skip %s\n", ++count, why);
		}
	}
	fflush(stdout);
}

void bail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("Bail out! ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	exit(255);
}

int done_testing(void)
{
	if (count != planned)
		printf("# planned %d assertions but ran %d\n", planned, count);
	return failed || count != planned ? 1 : 0;
}
