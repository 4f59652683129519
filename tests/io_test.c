/* io_test.c: the one reader and the one writer of base/io.h: the cap of xp_io_read_file_max, and
 * xp_io_write_atomic leaving the whole file and no temporary one. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "tap.h"

/* Files in dir whose name contains ".tmp". */
static int temporaries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += strstr(e->d_name, ".tmp") != NULL;
	if (d)
		closedir(d);
	return n;
}

int main(void)
{
	plan(9);
	char dir[] = "/tmp/xp_io_test.XXXXXX", path[64];
	if (!mkdtemp(dir))
		bail("cannot make a temporary folder");
	snprintf(path, sizeof path, "%s/out.txt", dir);
	xp_error err;
	is_int(xp_io_write_atomic(path, "0123456789", 10, &err), XP_OK, "write_atomic writes");
	is_int(temporaries(dir), 0, "and leaves no temporary file");
	char *text = NULL;
	size_t len = 0;
	is_int(xp_io_read_file(path, &text, &len, &err), XP_OK, "read_file reads it back");
	ok(len == 10 && text && !strcmp(text, "0123456789"), "whole, NUL-terminated");
	free(text);
	is_int(xp_io_read_file_max(path, 10, &text, &len, &err), XP_OK,
	       "read_file_max reads a file of exactly its cap");
	free(text);
	is_int(xp_io_read_file_max(path, 9, &text, &len, &err), XP_EINVAL,
	       "and refuses one a byte larger");
	ok(text == NULL && len == 0, "with nothing returned");
	has_str(err.msg, path, "the message names the file");
	is_int(xp_io_read_file_max(dir, 1 << 20, &text, &len, &err), XP_EINVAL,
	       "a folder is refused");
	unlink(path);
	rmdir(dir);
	return done_testing();
}
