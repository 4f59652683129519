/* module.c: finding and opening the shared modules (module.h). */
#include "base/module.h"
#include "base/progress.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef XP_VERSION
#define XP_VERSION "unknown"
#endif
#ifndef XP_MODULE_DIR
#define XP_MODULE_DIR "/usr/local/lib/crosspipe"
#endif

/* One loaded (or failed) module; failures are kept too, so that a sweep does not search again. */
typedef struct loaded {
	char name[16];
	xp_status st;
	const void *api;
	xp_error err;
} loaded;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static loaded cache[8];
static int n_cache;

/* dir/sub/file into path when it fits and the file exists. */
static int try_path(char *path, const char *dir, const char *sub, const char *file)
{
	int n = snprintf(path, PATH_MAX, "%s%s/%s", dir, sub, file);
	return n > 0 && n < PATH_MAX && access(path, R_OK) == 0;
}

/* The folder of the running program into dir, or "" when /proc does not say. */
static void program_dir(char *dir)
{
	ssize_t len = readlink("/proc/self/exe", dir, PATH_MAX - 1);
	dir[len > 0 ? len : 0] = '\0';
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		dir[0] = '\0';
}

/* The path of the module's file into path (PATH_MAX bytes), or XP_ENOTBUILT. */
static xp_status find_file(const char *file, char *path, xp_error *err)
{
	const char *env = getenv("CROSSPIPE_MODULE_DIR");
	if (env && *env) {
		if (try_path(path, env, "", file))
			return XP_OK;
		return xp_fail(err, XP_ENOTBUILT, "%s not found in CROSSPIPE_MODULE_DIR=%s", file,
		               env);
	}
	char dir[PATH_MAX];
	program_dir(dir);
	if (dir[0] &&
	    (try_path(path, dir, "/plugin", file) || try_path(path, dir, "/../plugin", file)))
		return XP_OK;
	if (try_path(path, XP_MODULE_DIR, "", file))
		return XP_OK;
	return xp_fail(err, XP_ENOTBUILT, "%s not found next to the program nor in %s", file,
	               XP_MODULE_DIR);
}

static xp_status open_module(const char *name, const void **api, xp_error *err)
{
	char file[64], path[PATH_MAX], sym[64];
	snprintf(file, sizeof file, "crosspipe-%s.so", name);
	snprintf(sym, sizeof sym, "xp_module_%s", name);
	xp_status st = find_file(file, path, err);
	if (st != XP_OK)
		return st;
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return xp_fail(err, XP_EIO, "cannot load %s: %s", path, dlerror());
	const xp_module *m = dlsym(h, sym);
	if (!m || m->abi != XP_MODULE_ABI || !m->version || strcmp(m->version, XP_VERSION) != 0 ||
	    !m->api) {
		st = xp_fail(
		    err, XP_EIO,
		    "%s is not a module of this crosspipe (%s): rebuild it with ./waf build", path,
		    XP_VERSION);
		dlclose(h);
		return st;
	}
	if (m->adopt_progress)
		m->adopt_progress(xp_progress_shared());
	*api = m->api; /* the module stays loaded for the life of the process */
	return XP_OK;
}

xp_status xp_module_load(const char *name, const void **api, xp_error *err)
{
	*api = NULL;
	pthread_mutex_lock(&lock);
	loaded *c = NULL;
	for (int i = 0; i < n_cache && !c; i++)
		if (strcmp(cache[i].name, name) == 0)
			c = &cache[i];
	if (!c && n_cache < (int)(sizeof cache / sizeof cache[0])) {
		c = &cache[n_cache++];
		snprintf(c->name, sizeof c->name, "%s", name);
		xp_error_clear(&c->err);
		c->st = open_module(name, &c->api, &c->err);
	}
	xp_status st = c ? c->st : xp_fail(err, XP_EINVAL, "too many modules");
	if (c) {
		*api = c->api;
		if (st != XP_OK && err)
			*err = c->err;
	}
	pthread_mutex_unlock(&lock);
	return st;
}
