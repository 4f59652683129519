/* io.c: whole-file reads with a size cap, complete writes, and outputs that appear whole (a
 * temporary file beside the target, fsync, rename). */
#include "base/io.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Open path for reading without blocking on a FIFO, and check that it is a regular file no
 * larger than the cap. Returns the descriptor (blocking again) or -1 with err filled. */
static int open_regular(const char *path, size_t max, struct stat *sb, xp_error *err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		xp_fail(err, XP_EIO, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, sb) != 0) {
		xp_fail(err, XP_EIO, "%s: cannot read: %s", path, strerror(errno));
	} else if (!S_ISREG(sb->st_mode)) {
		xp_fail(err, XP_EINVAL,
		        "%s: not a regular file (%s); crosspipe reads only regular files", path,
		        S_ISDIR(sb->st_mode)    ? "a folder"
		        : S_ISFIFO(sb->st_mode) ? "a FIFO or pipe"
		                                : "a device or socket");
	} else if ((unsigned long long)sb->st_size > max) {
		xp_fail(err, XP_EINVAL, "%s: %lld bytes, more than the input limit of %zu MiB",
		        path, (long long)sb->st_size, max >> 20);
	} else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
		xp_fail(err, XP_EIO, "%s: cannot read: %s", path, strerror(errno));
	} else {
		return fd;
	}
	close(fd);
	return -1;
}

/* Read fd to its end into *buf (capacity *cap, grown as needed), never keeping more than the
 * cap plus one byte (which tells that the file grew past the cap). */
static xp_status read_fd(int fd, const char *path, size_t max, char **buf, size_t *cap, size_t *n,
                         xp_error *err)
{
	for (;;) {
		if (*n + 1 >= *cap) {
			size_t want = *cap * 2;
			if (want > max + 2)
				want = max + 2;
			char *more = realloc(*buf, want);
			if (!more)
				return xp_fail(err, XP_ENOMEM, "%s: out of memory reading it",
				               path);
			*buf = more;
			*cap = want;
		}
		ssize_t got = read(fd, *buf + *n, *cap - 1 - *n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return xp_fail(err, XP_EIO, "%s: cannot read: %s", path, strerror(errno));
		if (got == 0)
			return XP_OK;
		*n += (size_t)got;
		if (*n > max)
			return xp_fail(err, XP_EINVAL, "%s: more than the input limit of %zu MiB",
			               path, max >> 20);
	}
}

xp_status xp_io_read_file(const char *path, char **text, size_t *len, xp_error *err)
{
	return xp_io_read_file_max(path, XP_IO_MAX_INPUT_BYTES, text, len, err);
}

xp_status xp_io_read_file_max(const char *path, size_t max, char **text, size_t *len, xp_error *err)
{
	struct stat sb;
	*text = NULL;
	*len = 0;
	int fd = open_regular(path, max, &sb, err);
	if (fd < 0)
		return err ? err->code : XP_EIO;
	size_t cap = (size_t)sb.st_size + 2, n = 0;
	char *buf = malloc(cap);
	xp_status st = buf ? read_fd(fd, path, max, &buf, &cap, &n, err)
	                   : xp_fail(err, XP_ENOMEM, "%s: out of memory reading it", path);
	close(fd);
	if (st) {
		free(buf);
		return st;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return XP_OK;
}

int xp_io_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t put = write(fd, p, len);
		if (put < 0 && errno == EINTR)
			continue;
		if (put == 0)
			errno = ENOSPC; /* no progress and no error: do not spin */
		if (put <= 0)
			return -1;
		p += put;
		len -= (size_t)put;
	}
	return 0;
}

/* The mode a new file gets from open(..., 0666) under the current umask. */
static mode_t new_file_mode(void)
{
	mode_t mask = umask(0);
	umask(mask);
	return 0666 & ~mask;
}

xp_status xp_io_stage(const char *path, const void *buf, size_t len, xp_io_staged *out,
                      xp_error *err)
{
	struct stat sb;
	*out = (xp_io_staged){ 0 };
	char *tmp = NULL, *dup = strdup(path);
	if (dup && stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode)) {
		*out = (xp_io_staged){ dup, NULL, buf, len };
		return XP_OK;
	}
	if (!dup || asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0) {
		free(dup);
		return xp_fail(err, XP_ENOMEM, "out of memory");
	}
	int fd = mkostemp(tmp, O_CLOEXEC);
	int bad = fd < 0 || fchmod(fd, new_file_mode()) != 0 ||
	          xp_io_write_all(fd, buf, len) != 0 || fsync(fd) != 0;
	int saved = errno;
	if (fd >= 0 && close(fd) != 0 && !bad) {
		bad = 1;
		saved = errno;
	}
	if (bad) {
		if (fd >= 0)
			unlink(tmp);
		free(tmp);
		free(dup);
		return xp_fail(err, XP_EIO, "cannot write %s: %s", path, strerror(saved));
	}
	*out = (xp_io_staged){ dup, tmp, NULL, 0 };
	return XP_OK;
}

void xp_io_discard(xp_io_staged *s)
{
	if (s->tmp)
		unlink(s->tmp);
	free(s->tmp);
	free(s->path);
	*s = (xp_io_staged){ 0 };
}

/* Write a staged output straight into its existing non-regular file. */
static xp_status write_direct(const xp_io_staged *s, xp_error *err)
{
	int fd = open(s->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	int bad = fd < 0 || xp_io_write_all(fd, s->buf, s->len) != 0;
	int saved = errno;
	if (fd >= 0 && close(fd) != 0 && !bad) {
		bad = 1;
		saved = errno;
	}
	return bad ? xp_fail(err, XP_EIO, "cannot write %s: %s", s->path, strerror(saved)) : XP_OK;
}

xp_status xp_io_publish(xp_io_staged *s, xp_error *err)
{
	xp_status st = XP_OK;
	if (!s->tmp)
		st = write_direct(s, err);
	else if (rename(s->tmp, s->path) != 0)
		st = xp_fail(err, XP_EIO, "cannot write %s: %s", s->path, strerror(errno));
	else {
		free(s->tmp);
		s->tmp = NULL;
	}
	xp_io_discard(s);
	return st;
}

xp_status xp_io_write_atomic(const char *path, const void *buf, size_t len, xp_error *err)
{
	xp_io_staged s;
	xp_status st = xp_io_stage(path, buf, len, &s, err);
	return st ? st : xp_io_publish(&s, err);
}

/* The absolute form of a path whose last part may not exist yet: realpath of its folder plus
 * its base name. NULL when the folder does not resolve. */
static char *canonical(const char *path)
{
	char *d = strdup(path), *b = strdup(path), *dir = NULL, *full = NULL;
	if (d && b && (dir = realpath(dirname(d), NULL)) != NULL &&
	    asprintf(&full, "%s/%s", dir, basename(b)) < 0)
		full = NULL;
	free(dir);
	free(d);
	free(b);
	return full;
}

int xp_io_same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	if (!strcmp(a, b))
		return 1;
	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	char *ca = canonical(a), *cb = canonical(b);
	int same = ca && cb && !strcmp(ca, cb);
	free(ca);
	free(cb);
	return same;
}

int xp_io_make_parents(const char *path)
{
	char tmp[PATH_MAX + 256];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}
