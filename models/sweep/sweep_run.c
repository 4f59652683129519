/* sweep_run.c: the local sweep runner: forked workers, rows appended whole as tasks finish,
 * resume from the rows already written, progress on stderr. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/io.h"
#include "base/units.h"
#include "sweep/sweep_int.h"
#include "sweep/sweep_run_int.h"

typedef struct worker {
	pid_t pid;
	int to, from;   /* task pipe (write end), row pipe (read end) */
	int task;       /* running, or -1 */
	double started; /* when it was handed its task */
} worker;

/* Read len bytes of a worker's row by deadline (on the xp_now_s clock; < 0: none): 0; -1 at end
 * of file or on an error (the worker died); -2 when the deadline passed first (a worker stopped
 * in the middle of its row). */
static int read_by(int fd, void *buf, size_t len, double deadline)
{
	char *p = buf;
	while (len > 0) {
		if (deadline >= 0) {
			double left = deadline - xp_now_s();
			struct pollfd pf = { fd, POLLIN, 0 };
			int r = poll(&pf, 1, left > 0 ? (int)(left * 1000) + 1 : 0);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return r == 0 ? -2 : -1;
		}
		ssize_t k = read(fd, p, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

/* The worker's loop: read a task id, run it, send back its two lines. */
static void worker_main(const xp_sweep *s, int in, int out)
{
	int32_t t;
	while (read_by(in, &t, sizeof t, -1) == 0) {
		char *csv = NULL, *json = NULL;
		if (xp_sweep_run_task(s, t, &csv, &json) != XP_OK)
			_exit(3);
		uint32_t len[2] = { (uint32_t)strlen(csv), (uint32_t)strlen(json) };
		char *msg =
		    malloc(sizeof len + len[0] + len[1]); /* one write: whole if it can be */
		if (!msg)
			_exit(3);
		memcpy(msg, len, sizeof len);
		memcpy(msg + sizeof len, csv, len[0]);
		memcpy(msg + sizeof len + len[0], json, len[1]);
		int bad = xp_io_write_all(out, msg, sizeof len + len[0] + len[1]);
		free(msg);
		free(csv);
		free(json);
		if (bad)
			_exit(4);
	}
	_exit(0);
}

/* In a new worker: die with the parent, take the default signal actions, and hold none of the
 * parent's descriptors but its own pipes. */
static void worker_setup(pid_t parent, const worker *w, const worker *all, int n, int lock)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0); /* the parent died before prctl */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	for (int i = 0; i < n; i++) /* the other workers' pipes are not ours */
		if (all[i].pid > 0 && &all[i] != w) {
			close(all[i].to);
			close(all[i].from);
		}
	if (lock >= 0)
		close(lock);
}

static int spawn(const xp_sweep *s, worker *w, worker *all, int n, int lock)
{
	int down[2], up[2];
	if (pipe(down))
		return -1;
	if (pipe(up)) {
		close(down[0]);
		close(down[1]);
		return -1;
	}
	fflush(NULL);
	pid_t parent = getpid(), pid = fork();
	if (pid < 0) {
		int e = errno;
		close(down[0]);
		close(down[1]);
		close(up[0]);
		close(up[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		worker_setup(parent, w, all, n, lock);
		close(down[1]);
		close(up[0]);
		worker_main(s, down[0], up[1]);
	}
	close(down[0]);
	close(up[1]);
	*w = (worker){ pid, down[1], up[0], -1, 0 };
	return 0;
}

static void reap(worker *w, int *signal_out)
{
	int status = 0;
	if (w->to >= 0) /* the worker sees end of file and exits */
		close(w->to);
	close(w->from);
	waitpid(w->pid, &status, 0);
	*signal_out = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	w->pid = -1;
}

/* ---- progress on stderr: a bar on a terminal, plain lines (at most every 5 s) otherwise ---- */

typedef struct progress {
	int total, done, failed, tty;
	double t0, last;
} progress;

static void show(progress *p, int final)
{
	double now = xp_now_s(), el = now - p->t0;
	if (!p->tty && !final && now - p->last < 5.0)
		return;
	p->last = now;
	double eta = p->done ? el / p->done * (p->total - p->done) : 0;
	if (p->tty) {
		int w = 30, fill = p->total ? w * p->done / p->total : w;
		fprintf(stderr, "\r[%.*s%*s] %d/%d done, %d failed, %.0fs, ETA %.0fs ", fill,
		        "##############################", w - fill, "", p->done, p->total,
		        p->failed, el, eta);
		if (final)
			fputc('\n', stderr);
	} else {
		fprintf(stderr, "sweep: %d/%d done, %d failed, %.0fs elapsed, ETA %.0fs\n", p->done,
		        p->total, p->failed, el, eta);
	}
}

/* ---- the dispatch loop ---- */

typedef struct pool {
	const xp_sweep *s;
	worker *w;
	int n, lock;
	int64_t timeout_ns; /* per task, 0: none */
	const int *todo;    /* task ids still to run */
	int n_todo, next;
	xp_rows *rows;
	progress *prog;
	xp_sweep_summary *sum;
} pool;

static int assign(pool *P, worker *w)
{
	if (P->next >= P->n_todo) {
		close(w->to); /* no more work: the worker exits on EOF */
		w->to = -1;
		return 0;
	}
	int32_t t = P->todo[P->next++];
	w->task = t;
	w->started = xp_now_s();
	return xp_io_write_all(w->to, &t, sizeof t);
}

static int record(pool *P, const char *csv, const char *json)
{
	int failed = strstr(json, ", \"status\": \"ok\", ") == NULL;
	P->sum->ok += !failed;
	P->sum->failed += failed;
	P->prog->done++;
	P->prog->failed += failed;
	show(P->prog, 0);
	return xp_rows_append(P->rows, csv, json);
}

/* The task of w ended without a row (its worker died, or was killed at the time limit): an
 * error row with status, and a new worker takes over. */
static int lost_task(pool *P, worker *w, const char *status, const char *msg, xp_error *err)
{
	int t = w->task;
	double wall = xp_now_s() - w->started;
	char *csv = NULL, *json = NULL;
	if (xp_sweep_failed_row(P->s, t, status, msg, wall, &csv, &json) != XP_OK) {
		xp_fail(err, XP_ENOMEM, "out of memory");
		return -1;
	}
	int bad = record(P, csv, json);
	free(csv);
	free(json);
	if (bad) {
		xp_fail(err, XP_EIO, "cannot write the sweep's rows: %s", strerror(errno));
		return -1;
	}
	if (spawn(P->s, w, P->w, P->n, P->lock) || assign(P, w)) {
		xp_fail(err, XP_EIO, "cannot start a worker process after task %d: %s", t,
		        strerror(errno));
		return -1;
	}
	return 0;
}

static int worker_died(pool *P, worker *w, xp_error *err)
{
	int sig;
	char msg[96];
	reap(w, &sig);
	snprintf(msg, sizeof msg, "the worker process running this task died (signal %d)", sig);
	return lost_task(P, w, "error", msg, err);
}

static int timed_out(pool *P, worker *w, xp_error *err)
{
	int sig;
	char msg[160];
	kill(w->pid, SIGKILL); /* also ends a stopped worker */
	reap(w, &sig);
	snprintf(msg, sizeof msg,
	         "the task ran longer than --task-timeout (%.3f s); its worker was killed",
	         (double)P->timeout_ns / 1e9);
	return lost_task(P, w, "timeout", msg, err);
}

/* Read one finished row from w and hand it the next task. */
static int collect(pool *P, worker *w, xp_error *err)
{
	double deadline = P->timeout_ns > 0 ? w->started + (double)P->timeout_ns / 1e9 : -1;
	uint32_t len[2];
	char *csv = NULL, *json = NULL;
	int got = read_by(w->from, len, sizeof len, deadline), bad = 0;
	if (got == 0 && (!(csv = malloc(len[0] + 1)) || !(json = malloc(len[1] + 1))))
		got = -3;
	if (got == 0)
		got = read_by(w->from, csv, len[0], deadline);
	if (got == 0)
		got = read_by(w->from, json, len[1], deadline);
	if (got == 0) {
		csv[len[0]] = json[len[1]] = '\0';
		bad = record(P, csv, json);
		w->task = -1;
		bad = bad || assign(P, w);
	}
	free(csv);
	free(json);
	if (got == -2)
		return timed_out(P, w, err);
	if (got == -1)
		return worker_died(P, w, err);
	if (got == -3)
		return xp_fail(err, XP_ENOMEM, "out of memory"), -1;
	if (bad)
		xp_fail(err, XP_EIO, "cannot write the sweep's rows: %s", strerror(errno));
	return bad ? -1 : 0;
}

static int busy(const pool *P)
{
	for (int i = 0; i < P->n; i++)
		if (P->w[i].pid > 0 && P->w[i].task >= 0)
			return 1;
	return 0;
}

/* Milliseconds until the first running task reaches the time limit (-1: no limit). */
static int poll_timeout(const pool *P)
{
	if (P->timeout_ns <= 0)
		return -1;
	double now = xp_now_s(), first = -1;
	for (int i = 0; i < P->n; i++)
		if (P->w[i].pid > 0 && P->w[i].task >= 0) {
			double left = P->w[i].started + (double)P->timeout_ns / 1e9 - now;
			if (first < 0 || left < first)
				first = left > 0 ? left : 0;
		}
	return first < 0 ? -1 : (int)(first * 1000) + 1;
}

static int overdue(const pool *P, const worker *w)
{
	return P->timeout_ns > 0 && w->pid > 0 && w->task >= 0 &&
	       xp_now_s() - w->started >= (double)P->timeout_ns / 1e9;
}

static xp_status loop(pool *P, xp_error *err)
{
	struct pollfd *fds = calloc((size_t)P->n, sizeof *fds);
	if (!fds)
		return xp_fail(err, XP_ENOMEM, "out of memory");
	xp_status st = XP_OK;
	for (int i = 0; i < P->n && st == XP_OK; i++)
		if (assign(P, &P->w[i]))
			st = xp_fail(err, XP_EIO, "cannot reach a worker: %s", strerror(errno));
	while (st == XP_OK && busy(P)) {
		for (int i = 0; i < P->n; i++)
			fds[i] =
			    (struct pollfd){ P->w[i].task >= 0 ? P->w[i].from : -1, POLLIN, 0 };
		if (poll(fds, (nfds_t)P->n, poll_timeout(P)) < 0 && errno != EINTR)
			st = xp_fail(err, XP_EIO, "poll: %s", strerror(errno));
		for (int i = 0; i < P->n && st == XP_OK; i++)
			if (fds[i].revents && collect(P, &P->w[i], err))
				st = err->code;
			else if (st == XP_OK && !fds[i].revents && overdue(P, &P->w[i]) &&
			         timed_out(P, &P->w[i], err))
				st = err->code;
	}
	free(fds);
	return st;
}

static void stop_workers(worker *w, int n)
{
	for (int i = 0; i < n; i++) {
		int sig;
		if (w[i].pid >
		    0) { /* every row is in: a stopped or busy worker has nothing to do */
			kill(w[i].pid, SIGKILL);
			reap(&w[i], &sig);
		}
	}
}

static int *todo_list(const xp_sweep_opts *o, const char *done, int tasks, xp_sweep_summary *sum,
                      int *n)
{
	int *todo = malloc(((size_t)tasks + 1) * sizeof *todo);
	*n = 0;
	for (int t = 0; todo && t < tasks; t++) {
		if (t % o->n_shards != o->shard)
			continue;
		sum->tasks++;
		if (done[t])
			sum->skipped++;
		else
			todo[(*n)++] = t;
	}
	return todo;
}

static xp_status run_pool(const xp_sweep *s, const xp_sweep_opts *o, const int *todo, int n_todo,
                          xp_rows *rows, int lock, xp_sweep_summary *sum, xp_error *err)
{
	int n = o->jobs < n_todo ? o->jobs : n_todo;
	progress prog = { n_todo, 0, 0, isatty(2), xp_now_s(), 0 };
	worker *w = calloc((size_t)(n > 0 ? n : 1), sizeof *w);
	pool P = { s, w, n, lock, o->task_timeout_ns, todo, n_todo, 0, rows, &prog, sum };
	xp_status st = w ? XP_OK : xp_fail(err, XP_ENOMEM, "out of memory");
	for (int i = 0; i < n && st == XP_OK; i++)
		if (spawn(s, &w[i], w, n, lock))
			st = xp_fail(err, XP_EIO, "cannot start worker processes: %s",
			             strerror(errno));
	if (st == XP_OK && n > 0)
		st = loop(&P, err);
	if (w)
		stop_workers(w, n);
	free(w);
	if (n_todo > 0)
		show(&prog, 1);
	return st;
}

/* ---- an interrupt: say how to continue ---- */

static char interrupt_msg[4600];

static void on_interrupt(int sig)
{
	ssize_t k = write(2, interrupt_msg, strlen(interrupt_msg));
	(void)k;
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_interrupts(const xp_sweep_opts *o, int on)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	const char *cmd = o->command;
	if (on && cmd)
		snprintf(
		    interrupt_msg, sizeof interrupt_msg,
		    "\nsweep: interrupted; %s/manifest.json has end: null, and `%s%s` continues "
		    "it (the rows written so far are kept)\n",
		    o->dir, cmd, strstr(cmd, " --resume") ? "" : " --resume");
	else if (on)
		snprintf(interrupt_msg, sizeof interrupt_msg,
		         "\nsweep: interrupted; the same command with --resume continues it\n");
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], on ? on_interrupt : SIG_DFL);
}

/* Lock, check the rows already there, run, and record the run in the manifest. */
static xp_status run_locked(const xp_sweep *s, const xp_sweep_opts *o, int lock,
                            const xp_sweep_history *h, char *done, xp_sweep_summary *sum,
                            xp_error *err)
{
	int tasks = xp_sweep_tasks(s), kept = 0, n_todo = 0;
	char start[32], end[32], host[256] = "";
	xp_rows rows = { -1, -1 };
	xp_status st = xp_rows_open(s, o, h, done, &kept, &rows, err);
	int *todo = st == XP_OK ? todo_list(o, done, tasks, sum, &n_todo) : NULL;
	if (st == XP_OK && !todo)
		st = xp_fail(err, XP_ENOMEM, "out of memory");
	xp_utc_now(start, sizeof start);
	gethostname(host, sizeof host - 1);
	xp_sweep_run_record now = { start,        NULL,    (char *)o->command,
		                    host,         o->jobs, n_todo,
		                    sum->skipped, 0,       0 };
	if (st == XP_OK && o->command)
		st = xp_manifest_write(s, o, h, &now, sum, err);
	if (st == XP_OK)
		st = run_pool(s, o, todo, n_todo, &rows, lock, sum, err);
	xp_utc_now(end, sizeof end);
	now.end = end;
	now.ok = sum->ok;
	now.failed = sum->failed;
	if (st == XP_OK && o->command)
		st = xp_manifest_write(s, o, h, &now, sum, err);
	xp_rows_close(&rows);
	free(todo);
	return st;
}

xp_status xp_sweep_run(const xp_sweep *s, const xp_sweep_opts *o, xp_sweep_summary *sum,
                       xp_error *err)
{
	char *done = calloc((size_t)xp_sweep_tasks(s) + 1, 1);
	xp_sweep_history h = { 0 };
	*sum = (xp_sweep_summary){ 0 };
	if (!done)
		return xp_fail(err, XP_ENOMEM, "out of memory");
	int lock = xp_sweep_lock(o, err);
	xp_status st = lock < 0 ? err->code : XP_OK;
	if (st == XP_OK && o->command && xp_manifest_read(o->dir, &h))
		st = xp_fail(err, XP_ENOMEM, "out of memory");
	signal(SIGPIPE, SIG_IGN);
	if (st == XP_OK) {
		catch_interrupts(o, 1);
		st = run_locked(s, o, lock, &h, done, sum, err);
		catch_interrupts(o, 0);
	}
	if (lock >= 0)
		close(lock);
	xp_history_free(&h);
	free(done);
	return st;
}
