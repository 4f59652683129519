/* progress.c: the status line of long runs (see progress.h). */
#include "base/progress.h"

#include <pthread.h>
#include <stdarg.h>
#include <string.h>

#include "base/units.h"

struct xp_progress_state {
	pthread_mutex_t mu;
	xp_progress_mode mode;
	FILE *f;
	double (*now)(void);
	double task_t0, last; /* when the task began, when the last update was printed */
	int64_t total_ns;
	char task[160];
	int shown; /* a terminal line is on screen */
};

/* One status line per process: a module (module.h) carries its own copy of this file, and adopts
 * the program's state when it is loaded, so that its hooks (the solver's bound, the packet
 * engine's simulated time) reach the program's line. */
static xp_progress_state own = { .mu = PTHREAD_MUTEX_INITIALIZER, .last = -1e300 };
static xp_progress_state *state = &own;
#define P (*state)

xp_progress_state *xp_progress_shared(void)
{
	return state;
}

void xp_progress_adopt(xp_progress_state *host)
{
	if (host)
		state = host;
}

xp_progress_mode xp_progress_choose(int quiet, int lines, int is_tty)
{
	if (quiet)
		return XP_PROGRESS_OFF;
	if (is_tty)
		return XP_PROGRESS_TTY;
	return lines ? XP_PROGRESS_LINES : XP_PROGRESS_OFF;
}

void xp_progress_start(xp_progress_mode mode, FILE *f, double (*now)(void))
{
	xp_progress_clear();
	pthread_mutex_lock(&P.mu);
	P.mode = f ? mode : XP_PROGRESS_OFF;
	P.f = f;
	P.now = now ? now : xp_now_s;
	P.task[0] = '\0';
	P.last = -1e300;
	P.task_t0 = P.now();
	pthread_mutex_unlock(&P.mu);
}

int xp_progress_on(void)
{
	return P.mode != XP_PROGRESS_OFF;
}

/* Print "<task>: <text>, <s> s" now (P.mu held). */
static void show(const char *text, double t)
{
	char line[400];
	snprintf(line, sizeof line, "%s%s%s, %.1f s", P.task, P.task[0] && text[0] ? ": " : "",
	         text, t - P.task_t0);
	if (P.mode == XP_PROGRESS_TTY)
		fprintf(P.f, "\r%s\033[K", line);
	else
		fprintf(P.f, "%s\n", line);
	fflush(P.f);
	P.shown = P.mode == XP_PROGRESS_TTY;
	P.last = t;
}

/* The update of text when the throttle allows it (or when forced). */
static void update(const char *text, int force)
{
	pthread_mutex_lock(&P.mu);
	if (P.mode != XP_PROGRESS_OFF) {
		double t = P.now();
		double gap = P.mode == XP_PROGRESS_TTY ? XP_PROGRESS_TTY_S : XP_PROGRESS_LINE_S;
		if (force || t - P.last >= gap)
			show(text, t);
	}
	pthread_mutex_unlock(&P.mu);
}

/* 1 when an update would be printed now (formatting one costs more than asking). */
static int due(void)
{
	pthread_mutex_lock(&P.mu);
	double gap = P.mode == XP_PROGRESS_TTY ? XP_PROGRESS_TTY_S : XP_PROGRESS_LINE_S;
	int d = P.mode != XP_PROGRESS_OFF && P.now() - P.last >= gap;
	pthread_mutex_unlock(&P.mu);
	return d;
}

void xp_progress_task(int64_t total_ns, const char *fmt, ...)
{
	if (!xp_progress_on())
		return;
	pthread_mutex_lock(&P.mu);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(P.task, sizeof P.task, fmt, ap);
	va_end(ap);
	P.total_ns = total_ns;
	P.task_t0 = P.now();
	int tty = P.mode == XP_PROGRESS_TTY;
	pthread_mutex_unlock(&P.mu);
	if (tty) /* as lines, a task that ends within the throttle prints nothing */
		update("", 1);
}

void xp_progress(const char *fmt, ...)
{
	if (!xp_progress_on() || !due())
		return;
	char text[240];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	update(text, 0);
}

void xp_progress_sim(int64_t sim_ns)
{
	if (!xp_progress_on() || !due())
		return;
	char text[120], a[32], b[32];
	if (P.total_ns > 0)
		snprintf(text, sizeof text, "%s of %s simulated",
		         xp_format_time(a, sizeof a, sim_ns),
		         xp_format_time(b, sizeof b, P.total_ns));
	else
		snprintf(text, sizeof text, "%s simulated", xp_format_time(a, sizeof a, sim_ns));
	update(text, 0);
}

void xp_progress_clear(void)
{
	pthread_mutex_lock(&P.mu);
	if (P.shown && P.f) {
		fputs("\r\033[K", P.f);
		fflush(P.f);
	}
	P.shown = 0;
	pthread_mutex_unlock(&P.mu);
}
