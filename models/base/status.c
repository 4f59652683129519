/* status.c: names and messages of the status codes, and the error-record helpers. */
#include "base/status.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const names[] = {
#define XP_STATUS_NAME(name, msg) #name,
	XP_STATUS_MAP(XP_STATUS_NAME)
#undef XP_STATUS_NAME
};

static const char *const messages[] = {
#define XP_STATUS_MSG(name, msg) msg,
	XP_STATUS_MAP(XP_STATUS_MSG)
#undef XP_STATUS_MSG
};

const char *xp_status_name(xp_status s)
{
	return (unsigned)s < XP_STATUS_COUNT ? names[s] : "EUNKNOWN";
}

const char *xp_strerror(xp_status s)
{
	return (unsigned)s < XP_STATUS_COUNT ? messages[s] : "unknown status";
}

xp_status xp_fail(xp_error *err, xp_status code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		err->code = code;
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return code;
}

void xp_error_clear(xp_error *err)
{
	if (err) {
		err->code = XP_OK;
		err->msg[0] = '\0';
	}
}
