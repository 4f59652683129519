/* progress_test.c: the status line of long runs, on a clock the test drives: nothing when off,
 * in-place updates on a terminal, plain lines otherwise, the throttle, and the choice of mode. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/progress.h"
#include "tap.h"

static double clock_s;
static double fake_now(void)
{
	return clock_s;
}

/* Everything written to a temporary file since it was opened. */
static char *contents(FILE *f)
{
	static char buf[4096];
	fflush(f);
	long n = ftell(f);
	rewind(f);
	size_t got = fread(buf, 1, n > 0 && n < (long)sizeof buf ? (size_t)n : 0, f);
	buf[got] = '\0';
	return buf;
}

/* Run the same updates in mode m and return what they printed. */
static char *session(xp_progress_mode m)
{
	FILE *f = tmpfile();
	if (!f)
		bail("no temporary file");
	clock_s = 100.0;
	xp_progress_start(m, f, fake_now);
	xp_progress_task(2180000000, "packet zbh1 (1 of 2)"); /* on a terminal at once */
	clock_s = 100.08;
	xp_progress_sim(500000000); /* 0.08 s later: throttled on a terminal, a first line */
	clock_s = 100.3;
	xp_progress_sim(1200000000); /* 0.3 s: on a terminal only */
	clock_s = 101.2;
	xp_progress("bound %d, gap %.1f%%", 7, 2.0); /* 1.2 s: everywhere */
	xp_progress_clear();
	xp_progress_start(XP_PROGRESS_OFF, NULL, NULL);
	char *s = strdup(contents(f));
	fclose(f);
	return s;
}

int main(void)
{
	plan(8);
	char *off = session(XP_PROGRESS_OFF);
	is_str(off, "", "off: nothing at all");
	char *lines = session(XP_PROGRESS_LINES);
	is_str(lines,
	       "packet zbh1 (1 of 2): 500ms of 2.18s simulated, 0.1 s\n"
	       "packet zbh1 (1 of 2): bound 7, gap 2.0%, 1.2 s\n",
	       "lines: with the first update, then at most one line a second");
	char *tty = session(XP_PROGRESS_TTY);
	is_str(tty,
	       "\rpacket zbh1 (1 of 2), 0.0 s\033[K"
	       "\rpacket zbh1 (1 of 2): 1.2s of 2.18s simulated, 0.3 s\033[K"
	       "\rpacket zbh1 (1 of 2): bound 7, gap 2.0%, 1.2 s\033[K"
	       "\r\033[K",
	       "terminal: rewritten in place, 5 a second at most, cleared at the end");
	is_int(xp_progress_choose(1, 1, 1), XP_PROGRESS_OFF, "--quiet silences even a terminal");
	is_int(xp_progress_choose(0, 0, 1), XP_PROGRESS_TTY, "a terminal shows the line");
	is_int(xp_progress_choose(0, 0, 0), XP_PROGRESS_OFF, "off a terminal: nothing");
	is_int(xp_progress_choose(0, 1, 0), XP_PROGRESS_LINES,
	       "off a terminal with --progress: lines");
	ok(!xp_progress_on(), "stopped at the end");
	free(off);
	free(lines);
	free(tty);
	return done_testing();
}
