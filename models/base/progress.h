/* progress.h: what a long run is doing, for the person watching it: one status line on stderr.
 *
 * Off by default, so that libraries, tests and sweeps print nothing. The command line turns it on:
 * on a terminal the line is rewritten in place ("\r", the text, erase to the end of the line);
 * as plain lines (one per update) when asked for with --progress. Updates are throttled
 * (XP_PROGRESS_TTY_S apart on a terminal, XP_PROGRESS_LINE_S as lines), so that hot loops may call
 * the hooks freely: when progress is off a hook is one comparison. The hooks never touch stdout or
 * any output file, and may be called from more than one thread. */
#ifndef XP_PROGRESS_H
#define XP_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

#define XP_PROGRESS_TTY_S  0.2 /* at most 5 updates a second on a terminal */
#define XP_PROGRESS_LINE_S 1.0 /* at most one plain line a second */

typedef enum {
	XP_PROGRESS_OFF = 0,
	XP_PROGRESS_TTY,   /* one line rewritten in place */
	XP_PROGRESS_LINES, /* plain lines */
} xp_progress_mode;

/* The mode for the options and the terminal: --quiet wins, then a terminal, then --progress. */
xp_progress_mode xp_progress_choose(int quiet, int lines, int is_tty);

/* Start reporting to f (stderr for the command line) in mode; XP_PROGRESS_OFF stops. now is the
 * clock the throttle reads (seconds; NULL: the monotonic clock), so tests can drive it. */
void xp_progress_start(xp_progress_mode mode, FILE *f, double (*now)(void));

/* 1 when progress is being reported. */
int xp_progress_on(void);

/* The task every update is about, e.g. "packet zbh1 (2 of 6)"; it starts a stopwatch, its
 * expected simulated length for xp_progress_sim is total_ns (0: unknown). Printed at once on a
 * terminal; as lines only with its first update. */
void xp_progress_task(int64_t total_ns, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A throttled update: "<task>: <text>, <seconds since the task began> s". */
void xp_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A throttled update from a simulating engine: "<task>: 1.2 s of 2.18 s simulated, 3.4 s". */
void xp_progress_sim(int64_t sim_ns);

/* The process's progress state, and how a module adopts the program's (module.h). */
typedef struct xp_progress_state xp_progress_state;
xp_progress_state *xp_progress_shared(void);
void xp_progress_adopt(xp_progress_state *host);

/* Clear the terminal line (after the last update, before anything else goes to stderr). */
void xp_progress_clear(void);

#endif
