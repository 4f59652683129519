/* io.h: the one place where crosspipe reads input files and writes output files.
 *
 * Inputs are read whole, from regular files only, up to XP_IO_MAX_INPUT_BYTES: a FIFO, a device
 * (/dev/zero) or a folder is refused at once, without reading, and a larger file is refused
 * rather than cut. Outputs are written to a temporary file in the same folder, flushed to disk
 * and renamed over the target, so a reader never sees half a file; several outputs can be
 * staged first and published together, or all discarded. */
#ifndef XP_IO_H
#define XP_IO_H

#include <stddef.h>

#include "base/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The largest input file read: 64 MiB (a scenario or schedule file is far smaller). */
#define XP_IO_MAX_INPUT_BYTES ((size_t)64 << 20)

/* Read the regular file at path into a new buffer (NUL-terminated; *len excludes the NUL).
 * XP_EINVAL when path is not a regular file or is larger than the cap, XP_EIO (with the system's
 * reason) when it cannot be opened or read, XP_ENOMEM. The message starts with path. */
xp_status xp_io_read_file(const char *path, char **text, size_t *len, xp_error *err);
/* The same with another cap, max bytes: for files crosspipe wrote itself and reads back (a
 * sweep's result files, which grow with the number of points). */
xp_status xp_io_read_file_max(const char *path, size_t max, char **text, size_t *len,
                              xp_error *err);

/* Write all len bytes to fd, retrying short writes and EINTR. 0, or -1 with errno set (ENOSPC
 * when write(2) makes no progress). */
int xp_io_write_all(int fd, const void *buf, size_t len);

/* An output written to its temporary file, not yet renamed over its path. A path that names an
 * existing non-regular file (/dev/null, a FIFO, a terminal) has no temporary file: it is
 * written directly when published, from buf (which the caller keeps until then). */
typedef struct xp_io_staged {
	char *path, *tmp;
	const void *buf;
	size_t len;
} xp_io_staged;

/* Write buf to a new temporary file beside path ("PATH.tmp.XXXXXX", the permissions a new file
 * would get) and flush it to disk. On failure nothing is left and *out is empty. A device or
 * FIFO is never replaced by a regular file. */
xp_status xp_io_stage(const char *path, const void *buf, size_t len, xp_io_staged *out,
                      xp_error *err);
/* Rename the staged file over its path. On failure the temporary file is removed. Either way
 * *s is emptied. */
xp_status xp_io_publish(xp_io_staged *s, xp_error *err);
/* Remove a staged file that will not be published (an empty *s is a no-op). */
void xp_io_discard(xp_io_staged *s);

/* mkdir -p of the folder holding path (path itself when it ends in '/'): 0, or -1 with errno. */
int xp_io_make_parents(const char *path);

/* stage + publish: path gets buf whole, or is left as it was. */
xp_status xp_io_write_atomic(const char *path, const void *buf, size_t len, xp_error *err);

/* 1 when a and b name one file: the same path, or (when both exist) the same device and inode;
 * else 0. */
int xp_io_same_file(const char *a, const char *b);

#ifdef __cplusplus
}
#endif
#endif
