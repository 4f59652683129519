/* sweep.c: a sweep file read into a base scenario, axes and their points, and the task table. */
#include "sweep/sweep.h"

#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/io.h"
#include "engine/engine.h"
#include "scenario/scenario_int.h"
#include "schedules/schedules.h"
#include "sweep/sweep_int.h"

static const char *const sweep_keys[] = { "base",      "set",     "mode",  "axes",
	                                  "schedules", "engines", "seeds", NULL };

xp_status xp_sweep_fail(const xp_sweep *s, const xp_node *n, const char *key, xp_error *err,
                        const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return xp_fail(err, XP_EINVAL, "%s:%d:%d: %s: %s", s->path, n ? n->line : 1,
	               n ? n->column : 1, key, what);
}

/* The value node of key in a mapping, or NULL. */
const xp_node *xp_sweep_get(const xp_node *map, const char *key)
{
	if (!map || map->kind != XP_NODE_MAP)
		return NULL;
	for (int i = 0; i + 1 < map->n; i += 2)
		if (!strcmp(map->kids[i]->text, key))
			return map->kids[i + 1]->kind == XP_NODE_SCALAR && map->kids[i + 1]->is_null
			           ? NULL
			           : map->kids[i + 1];
	return NULL;
}

/* A node as override text: a scalar as written, a sequence in flow style "[a, b]". */
char *xp_sweep_text(const xp_node *n)
{
	if (n->kind == XP_NODE_SCALAR)
		return strdup(n->text);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fputc(n->kind == XP_NODE_SEQ ? '[' : '{', f);
	for (int i = 0; i < n->n; i++) {
		char *t = xp_sweep_text(n->kids[i]);
		if (!t) {
			fclose(f);
			free(buf);
			return NULL;
		}
		const char *sep = n->kind == XP_NODE_MAP && i % 2 == 0 ? ": " : ", ";
		fprintf(f, "%s%s", t, i + 1 < n->n ? sep : "");
		free(t);
	}
	fputc(n->kind == XP_NODE_SEQ ? ']' : '}', f);
	fclose(f);
	return buf;
}

/* Append "prefix.key=value" for every leaf of a mapping (mappings recurse). */
xp_status xp_sweep_flatten(xp_sweep *s, const xp_node *map, const char *prefix, xp_error *err)
{
	for (int i = 0; i + 1 < map->n; i += 2) {
		const xp_node *v = map->kids[i + 1];
		char path[512];
		snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "",
		         map->kids[i]->text);
		if (v->kind == XP_NODE_MAP) {
			xp_status st = xp_sweep_flatten(s, v, path, err);
			if (st)
				return st;
			continue;
		}
		char *t = xp_sweep_text(v), *ov = NULL;
		int bad = !t || asprintf(&ov, "%s=%s", path, t) < 0 ||
		          xp_sweep_push((void **)&s->over, &s->n_over, sizeof(char *), &ov);
		free(t);
		if (bad) {
			free(ov);
			return xp_fail(err, XP_ENOMEM, "out of memory");
		}
	}
	return XP_OK;
}

int xp_sweep_push(void **arr, int *n, size_t size, const void *item)
{
	char *a = realloc(*arr, ((size_t)*n + 1) * size);
	if (!a)
		return -1;
	memcpy(a + (size_t)*n * size, item, size);
	*arr = a;
	(*n)++;
	return 0;
}

uint64_t xp_sweep_fnv(uint64_t h, const void *bytes, size_t len)
{
	const unsigned char *b = bytes;
	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

static const uint64_t fnv_offset = 1469598103934665603ull;

static void hash_text(char out[17], const char *text, size_t len)
{
	snprintf(out, 17, "%016" PRIx64, xp_sweep_fnv(fnv_offset, text, len));
}

/* A string and its terminating NUL, so that "ab","c" and "a","bc" hash apart. */
static uint64_t fnv_str(uint64_t h, const char *str)
{
	return xp_sweep_fnv(h, str, strlen(str) + 1);
}

/* The part of every task's key that all points share: the base text and the overrides. */
static void key_state(xp_sweep *s)
{
	char len[32];
	snprintf(len, sizeof len, "base %zu", s->base_len);
	uint64_t h = fnv_str(fnv_offset, len);
	h = xp_sweep_fnv(h, s->base_text, s->base_len);
	for (int i = 0; i < s->n_over; i++)
		h = fnv_str(h, s->over[i]);
	s->key_state = h;
}

void xp_sweep_task_key(const xp_sweep *s, int t, char key[17])
{
	xp_task k = xp_sweep_task(s, t);
	char seed[32];
	uint64_t h = s->key_state;
	for (int j = 0; j < s->n_keys; j++) {
		h = fnv_str(h, s->keys[j]);
		h = fnv_str(h, s->values[(size_t)k.point * s->n_keys + j]);
	}
	snprintf(seed, sizeof seed, "seed=%" PRIu64, k.seed);
	h = fnv_str(h, seed);
	h = fnv_str(h, k.schedule);
	h = fnv_str(h, k.engine);
	snprintf(key, 17, "%016" PRIx64, h);
}

/* base: a path relative to the sweep file, or an inline mapping. */
static xp_status read_base(xp_sweep *s, const xp_node *root, xp_error *err)
{
	const xp_node *b = xp_sweep_get(root, "base");
	if (!b)
		return xp_sweep_fail(s, root, "base", err,
		                     "missing, expected a scenario path or mapping");
	if (b->kind == XP_NODE_MAP) {
		if (asprintf(&s->base_name, "%s (base)", s->path) < 0)
			return xp_fail(err, XP_ENOMEM, "out of memory");
		s->base_text = strdup("");
		hash_text(s->base_hash, "", 0);
		xp_status st = s->base_text ? xp_sweep_flatten(s, b, "", err) : XP_ENOMEM;
		s->n_base_over = s->n_over;
		return st;
	}
	if (b->kind != XP_NODE_SCALAR)
		return xp_sweep_fail(s, b, "base", err, "expected a scenario path or mapping");
	char *dir = strdup(s->path);
	int bad = !dir || asprintf(&s->base_name, "%s%s%s", b->text[0] == '/' ? "" : dirname(dir),
	                           b->text[0] == '/' ? "" : "/", b->text) < 0;
	free(dir);
	if (bad)
		return xp_fail(err, XP_ENOMEM, "out of memory");
	xp_error e;
	xp_status st = xp_io_read_file(s->base_name, &s->base_text, &s->base_len, &e);
	if (st == XP_OK)
		hash_text(s->base_hash, s->base_text, s->base_len);
	return st ? xp_sweep_fail(s, b, "base", err, "%s", e.msg) : XP_OK;
}

static xp_status read_names(xp_sweep *s, const xp_node *root, const char *key, char ***out, int *n,
                            xp_error *err)
{
	const xp_node *v = xp_sweep_get(root, key);
	if (!v)
		return XP_OK;
	int scalar = v->kind == XP_NODE_SCALAR, count = scalar ? 1 : v->n;
	if (!scalar && (v->kind != XP_NODE_SEQ || v->n == 0))
		return xp_sweep_fail(s, v, key, err,
		                     "expected a name or a non-empty list of names");
	for (int i = 0; i < count; i++) {
		const xp_node *item = scalar ? v : v->kids[i];
		if (item->kind != XP_NODE_SCALAR)
			return xp_sweep_fail(s, item, key, err, "expected a name");
		char *t = strdup(item->text);
		if (!t || xp_sweep_push((void **)out, n, sizeof(char *), &t)) {
			free(t);
			return xp_fail(err, XP_ENOMEM, "out of memory");
		}
	}
	return XP_OK;
}

static xp_status read_seeds(xp_sweep *s, const xp_node *root, xp_error *err)
{
	char **names = NULL;
	int n = 0;
	xp_status st = read_names(s, root, "seeds", &names, &n, err);
	for (int i = 0; i < n && st == XP_OK; i++) {
		char *end;
		uint64_t v = strtoull(names[i], &end, 10);
		if (*end || !*names[i] || names[i][0] == '-' || v > INT64_MAX)
			st =
			    xp_sweep_fail(s, xp_sweep_get(root, "seeds"), "seeds", err,
			                  "expected integers from 0 to 2^63-1, got '%s'", names[i]);
		else if (xp_sweep_push((void **)&s->seeds, &s->n_seeds, sizeof v, &v))
			st = xp_fail(err, XP_ENOMEM, "out of memory");
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return st;
}

static xp_status read_top(xp_sweep *s, const xp_node *root, xp_error *err)
{
	static const char *const top[] = { "", NULL };
	static const char *const *const top_keys[] = { sweep_keys };
	xp_reader rd = { root, err };
	if (xp_reader_schema(&rd, top, top_keys)) /* an unknown key, with "did you mean" */
		return XP_EINVAL;
	xp_status st = read_base(s, root, err);
	const xp_node *set = xp_sweep_get(root, "set");
	if (!st && set && set->kind != XP_NODE_MAP)
		return xp_sweep_fail(s, set, "set", err,
		                     "expected a mapping of scenario keys to values");
	if (!st && set)
		st = xp_sweep_flatten(s, set, "", err);
	if (!st)
		st = read_names(s, root, "schedules", &s->schedules, &s->n_schedules, err);
	if (!st)
		st = read_names(s, root, "engines", &s->engines, &s->n_engines, err);
	if (!st)
		st = read_seeds(s, root, err);
	return st ? st : xp_sweep_read_axes(s, root, err);
}

/* The overrides of one point: the sweep's, then the axis values, then the seed. */
static char **point_overrides(const xp_sweep *s, int point, uint64_t seed, int *n)
{
	int total = s->n_over + s->n_keys + 1;
	char **ov = calloc((size_t)total, sizeof *ov);
	if (!ov)
		return NULL;
	for (int i = 0; i < s->n_over; i++)
		ov[i] = s->over[i];
	for (int j = 0; j < s->n_keys; j++)
		if (asprintf(&ov[s->n_over + j], "%s=%s", s->keys[j],
		             s->values[(size_t)point * s->n_keys + j]) < 0)
			ov[s->n_over + j] = NULL;
	if (asprintf(&ov[total - 1], "seed=%" PRIu64, seed) < 0)
		ov[total - 1] = NULL;
	*n = total;
	return ov;
}

static void overrides_free(const xp_sweep *s, char **ov, int n)
{
	for (int i = s->n_over; ov && i < n; i++)
		free(ov[i]);
	free(ov);
}

/* "point 7 (a=1, b=2)" */
static void point_label(const xp_sweep *s, int point, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "point %d", point);
	for (int j = 0; j < s->n_keys && used < len; j++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s=%s", j ? ", " : " (",
		                         s->keys[j], s->values[(size_t)point * s->n_keys + j]);
	if (s->n_keys && used < len)
		snprintf(buf + used, len - used, ")");
}

xp_status xp_sweep_scenario(const xp_sweep *s, int point, uint64_t seed, xp_scenario **out,
                            xp_error *err)
{
	int n = 0;
	char **ov = point_overrides(s, point, seed, &n);
	for (int i = 0; ov && i < n; i++)
		if (!ov[i]) {
			overrides_free(s, ov, n);
			ov = NULL;
		}
	if (!ov)
		return xp_fail(err, XP_ENOMEM, "out of memory");
	xp_error e;
	xp_status st = xp_scenario_parse(s->base_text, s->base_len, s->base_name,
	                                 (const char *const *)ov, n, out, &e);
	overrides_free(s, ov, n);
	if (st != XP_OK) {
		char label[512];
		point_label(s, point, label, sizeof label);
		xp_fail(err, st, "%s: %s: %s", s->path, label, e.msg);
	}
	return st;
}

/* Defaults from the first point's scenario, then every point and name checked. */
static xp_status resolve(xp_sweep *s, xp_error *err)
{
	xp_scenario *sc = NULL;
	xp_status st = xp_sweep_scenario(s, 0, s->n_seeds ? s->seeds[0] : 1, &sc, err);
	if (st)
		return st;
	const xp_params *pr = xp_scenario_params(sc);
	int given = s->schedules != NULL; /* else the first point's list, every schedule of it */
	for (int i = 0; !given && i < pr->n_schedules && st == XP_OK; i++) {
		char *t = strdup(pr->schedules[i]);
		if (!t || xp_sweep_push((void **)&s->schedules, &s->n_schedules, sizeof t, &t)) {
			free(t);
			st = xp_fail(err, XP_ENOMEM, "out of memory");
		}
	}
	uint64_t seed = pr->seed;
	xp_scenario_free(sc);
	if (st == XP_OK && !s->n_seeds && xp_sweep_push((void **)&s->seeds, &s->n_seeds, 8, &seed))
		st = xp_fail(err, XP_ENOMEM, "out of memory");
	if (st == XP_OK && !s->engines) {
		char *a = strdup("analytic");
		if (!a || xp_sweep_push((void **)&s->engines, &s->n_engines, sizeof a, &a)) {
			free(a);
			st = xp_fail(err, XP_ENOMEM, "out of memory");
		}
	}
	return st;
}

static xp_status check_names(const xp_sweep *s, int *seeded, xp_error *err)
{
	for (int i = 0; i < s->n_schedules; i++)
		if (!xp_schedule_kind_find(s->schedules[i]))
			return xp_fail(
			    err, XP_EINVAL,
			    "%s: schedules: unknown schedule '%s' ('crosspipe schedules' lists "
			    "them)",
			    s->path, s->schedules[i]);
	for (int i = 0; i < s->n_engines; i++)
		if (!xp_engine_find(s->engines[i]))
			return xp_fail(err, XP_EINVAL,
			               "%s: engines: unknown or not built engine '%s' ('crosspipe "
			               "engines' lists those built)",
			               s->path, s->engines[i]);
	for (int p = 0; p < s->n_points; p++) {
		xp_scenario *sc = NULL;
		xp_status st = xp_sweep_scenario(s, p, s->seeds[0], &sc, err);
		const xp_params *pr = sc ? xp_scenario_params(sc) : NULL;
		if (pr && pr->jitter_samples > 0 && pr->jitter > 0)
			*seeded = 1;
		xp_scenario_free(sc);
		if (st)
			return st;
	}
	for (int i = 0; i < s->n_engines; i++)
		if (!strcmp(s->engines[i], "packet")) /* ns-3's random streams take the seed */
			*seeded = 1;
	return XP_OK;
}

/* More than one seed where no task uses the seed: every seed repeats the same rows. */
static xp_status warn_seeds(xp_sweep *s, const xp_node *root, int seeded)
{
	const xp_node *n = xp_sweep_get(root, "seeds");
	if (!n || seeded || s->n_seeds < 2)
		return XP_OK;
	if (asprintf(&s->warning,
	             "%s:%d:%d: seeds: warning: nothing in this sweep depends on the seed (no "
	             "robustness.samples with robustness.jitter, no packet engine), so each of the "
	             "%d seeds repeats the same rows; drop `seeds` or add robustness",
	             s->path, n->line, n->column, s->n_seeds) < 0) {
		s->warning = NULL;
		return XP_ENOMEM;
	}
	return XP_OK;
}

xp_status xp_sweep_load(const char *path, xp_sweep **out, xp_error *err)
{
	xp_sweep *s = calloc(1, sizeof *s);
	char *text = NULL;
	size_t len = 0;
	xp_node *root = NULL;
	*out = NULL;
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return xp_fail(err, XP_ENOMEM, "out of memory");
	}
	xp_src src = { s->path, NULL };
	xp_status st = xp_io_read_file(path, &text, &len, err);
	if (st == XP_OK) {
		hash_text(s->hash, text, len);
		st = xp_yaml_load(text, len, &src, &root, err);
	}
	if (st == XP_OK)
		st = read_top(s, root, err);
	if (st == XP_OK)
		st = xp_sweep_check_conflicts(s, root, err);
	if (st == XP_OK)
		st = resolve(s, err);
	int seeded = 0;
	if (st == XP_OK)
		st = check_names(s, &seeded, err);
	if (st == XP_OK && warn_seeds(s, root, seeded))
		st = xp_fail(err, XP_ENOMEM, "out of memory");
	if (st == XP_OK)
		key_state(s);
	xp_node_free(root);
	free(text);
	if (st != XP_OK)
		xp_sweep_free(s);
	else
		*out = s;
	return st;
}

static void strings_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void xp_sweep_free(xp_sweep *s)
{
	if (!s)
		return;
	strings_free(s->over, (size_t)s->n_over);
	strings_free(s->values, (size_t)s->n_points * (size_t)s->n_keys);
	strings_free(s->keys, (size_t)s->n_keys);
	strings_free(s->schedules, (size_t)s->n_schedules);
	strings_free(s->engines, (size_t)s->n_engines);
	free(s->seeds);
	free(s->base_text);
	free(s->base_name);
	free(s->warning);
	free(s->path);
	free(s);
}

int xp_sweep_points(const xp_sweep *s)
{
	return s->n_points;
}

int xp_sweep_tasks(const xp_sweep *s)
{
	return s->n_points * s->n_seeds * s->n_schedules * s->n_engines;
}

int xp_sweep_keys(const xp_sweep *s, const char *const **keys)
{
	*keys = (const char *const *)s->keys;
	return s->n_keys;
}

const char *const *xp_sweep_values(const xp_sweep *s, int point)
{
	return (const char *const *)&s->values[(size_t)point * s->n_keys];
}

xp_task xp_sweep_task(const xp_sweep *s, int t)
{
	xp_task k = { .task = t };
	k.engine = s->engines[t % s->n_engines];
	t /= s->n_engines;
	k.schedule = s->schedules[t % s->n_schedules];
	t /= s->n_schedules;
	k.seed = s->seeds[t % s->n_seeds];
	k.point = t / s->n_seeds;
	return k;
}

const char *xp_sweep_path(const xp_sweep *s)
{
	return s->path;
}

const char *xp_sweep_hash(const xp_sweep *s)
{
	return s->hash;
}

const char *xp_sweep_base(const xp_sweep *s)
{
	return s->base_name;
}

const char *xp_sweep_base_hash(const xp_sweep *s)
{
	return s->base_hash;
}

const char *xp_sweep_warning(const xp_sweep *s)
{
	return s->warning;
}
