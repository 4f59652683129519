/* status.h: status codes and the error record that every fallible crosspipe call fills. */
#ifndef XP_STATUS_H
#define XP_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/* One table generates the enum, the names and the default messages (libuv's pattern). */
#define XP_STATUS_MAP(X)                         \
	X(OK, "ok")                              \
	X(ENOMEM, "out of memory")               \
	X(EINVAL, "invalid input")               \
	X(EIO, "input/output error")             \
	X(EDEADLOCK, "schedule deadlocks")       \
	X(EMEMORY, "memory limit cannot be met") \
	X(ETIMEOUT, "time limit reached")        \
	X(ENOTBUILT, "feature not built")

typedef enum {
#define XP_STATUS_ENUM(name, msg) XP_##name,
	XP_STATUS_MAP(XP_STATUS_ENUM)
#undef XP_STATUS_ENUM
	    XP_STATUS_COUNT
} xp_status;

/* An error record: the code and a human message. Callers own it; functions that fail fill it.
 * The message names what and where, e.g. "scenarios/a.yaml:3:12: pipeline.stages: expected an
 * integer >= 1". */
typedef struct xp_error {
	xp_status code;
	char msg[1024];
} xp_error;

/* Name of a status ("EINVAL") and its default message ("invalid input"). Never NULL. */
const char *xp_status_name(xp_status s);
const char *xp_strerror(xp_status s);

/* Fill err (may be NULL) with code and a printf-style message; returns code so that callers can
 * write `return xp_fail(err, XP_EINVAL, "...")`. */
xp_status xp_fail(xp_error *err, xp_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reset err to XP_OK with an empty message. */
void xp_error_clear(xp_error *err);

#ifdef __cplusplus
}
#endif
#endif
