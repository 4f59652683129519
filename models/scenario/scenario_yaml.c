/* scenario_yaml.c: YAML text to a small node tree with places (libyaml's event parser), and the
 * --set overrides grafted onto that tree. */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "scenario/scenario_int.h"

#define MAX_DEPTH 32
#define PATH_LEN  256

struct builder {
	yaml_parser_t parser;
	const xp_src *src;
	const char *key; /* the override's key, for its messages; NULL for the file */
	xp_error *err;
	const char *text; /* what is parsed, to place reader errors given as byte offsets */
	size_t len;
};

void xp_node_free(xp_node *n)
{
	if (!n)
		return;
	for (int i = 0; i < n->n; i++)
		xp_node_free(n->kids[i]);
	free(n->kids);
	free(n->text);
	free(n);
}

static xp_node *node_new(xp_node_kind kind, const yaml_mark_t *m, const xp_src *src)
{
	xp_node *n = calloc(1, sizeof *n);
	if (!n)
		return NULL;
	n->kind = kind;
	n->line = m ? (int)m->line + 1 : 1;
	n->column = m ? (int)m->column + 1 : 1;
	n->src = src;
	return n;
}

/* A node made by an override or a graft, at the place of `at` (line 1, column 1 when NULL). */
static xp_node *node_at(xp_node_kind kind, const xp_src *src, const xp_node *at)
{
	xp_node *n = node_new(kind, NULL, src);
	if (n && at) {
		n->line = at->line;
		n->column = at->column;
	}
	return n;
}

static int node_push(xp_node *parent, xp_node *kid)
{
	if (parent->n == parent->cap) {
		int cap = parent->cap ? 2 * parent->cap : 8;
		xp_node **kids = realloc(parent->kids, (size_t)cap * sizeof *kids);
		if (!kids)
			return -1;
		parent->kids = kids;
		parent->cap = cap;
	}
	parent->kids[parent->n++] = kid;
	return 0;
}

/* An error at a place while building: the file's line and column, or the override. */
static xp_status build_fail(struct builder *b, const yaml_mark_t *m, const char *path,
                            const char *what)
{
	char shown[XP_SHOWN_LEN];
	if (b->key)
		return xp_fail(b->err, XP_EINVAL, "--set %s: %s: %s",
		               xp_src_shown(b->src->override, shown), b->key, what);
	return xp_fail(b->err, XP_EINVAL, "%s:%zu:%zu: %s%s%s", b->src->file, m->line + 1,
	               m->column + 1, path, *path ? ": " : "", what);
}

/* libyaml's reader errors (bad UTF-8, a NUL or control byte) give a byte offset, not a mark. */
static yaml_mark_t offset_mark(const struct builder *b, size_t offset)
{
	yaml_mark_t m = { offset, 0, 0 };
	size_t line_start = 0;
	for (size_t i = 0; i < offset && i < b->len; i++)
		if (b->text[i] == '\n') {
			m.line++;
			line_start = i + 1;
		}
	m.column = offset - line_start;
	return m;
}

static xp_status syntax_error(struct builder *b)
{
	const yaml_parser_t *p = &b->parser;
	char what[512];
	if (p->error == YAML_READER_ERROR) {
		yaml_mark_t m = offset_mark(b, p->problem_offset);
		snprintf(what, sizeof what, "cannot read the YAML text: %s (byte %zu)",
		         p->problem ? p->problem : "malformed input", p->problem_offset + 1);
		return build_fail(b, &m, "", what);
	}
	if (p->error == YAML_MEMORY_ERROR)
		return xp_fail(b->err, XP_ENOMEM, "%s: out of memory while parsing YAML",
		               b->src->file);
	if (p->context)
		snprintf(what, sizeof what, "YAML syntax error: %s (%s at line %zu, column %zu)",
		         p->problem ? p->problem : "malformed input", p->context,
		         p->context_mark.line + 1, p->context_mark.column + 1);
	else
		snprintf(what, sizeof what, "YAML syntax error: %s",
		         p->problem ? p->problem : "malformed input");
	return build_fail(b, &p->problem_mark, "", what);
}

static xp_status next_event(struct builder *b, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&b->parser, ev))
		return syntax_error(b);
	return XP_OK;
}

static int is_null_scalar(const yaml_event_t *ev)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
	if (!ev->data.scalar.plain_implicit)
		return 0;
	for (const char *const *s = nulls; *s; s++)
		if (strcmp((const char *)ev->data.scalar.value, *s) == 0)
			return 1;
	return 0;
}

static xp_status make_scalar(struct builder *b, const yaml_event_t *ev, xp_node **out)
{
	xp_node *n = node_new(XP_NODE_SCALAR, &ev->start_mark, b->src);
	if (!n || !(n->text = strdup((const char *)ev->data.scalar.value))) {
		xp_node_free(n);
		return xp_fail(b->err, XP_ENOMEM, "out of memory");
	}
	n->is_null = is_null_scalar(ev);
	*out = n;
	return XP_OK;
}

/* The keys of one mapping being built, as a hash set of their pair indices (open addressing,
 * at most half full), so that a mapping of n keys is checked in O(n), not O(n^2). */
typedef struct keyset {
	int *slot; /* -1 = empty, else the index of the key in the mapping's kids */
	size_t cap;
} keyset;

static size_t key_hash(const char *s)
{
	size_t h = 1469598103934665603u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* The slot of key in the set: where it is, or the empty slot where it would go. */
static size_t keyset_find(const keyset *ks, const xp_node *map, const char *key)
{
	size_t i = key_hash(key) & (ks->cap - 1);
	while (ks->slot[i] >= 0 && strcmp(map->kids[ks->slot[i]]->text, key) != 0)
		i = (i + 1) & (ks->cap - 1);
	return i;
}

static int keyset_grow(keyset *ks, const xp_node *map)
{
	keyset bigger = { malloc((ks->cap ? 2 * ks->cap : 16) * sizeof(int)),
		          ks->cap ? 2 * ks->cap : 16 };
	if (!bigger.slot)
		return -1;
	for (size_t i = 0; i < bigger.cap; i++)
		bigger.slot[i] = -1;
	for (size_t i = 0; i < ks->cap; i++)
		if (ks->slot[i] >= 0)
			bigger.slot[keyset_find(&bigger, map, map->kids[ks->slot[i]]->text)] =
			    ks->slot[i];
	free(ks->slot);
	*ks = bigger;
	return 0;
}

/* Keys must be scalars and unique: check key (about to become map->kids[map->n]) and add it to
 * the set. path is the mapping's. */
static xp_status check_key(struct builder *b, keyset *ks, const xp_node *map, const xp_node *key,
                           const yaml_mark_t *m, const char *path)
{
	char key_path[PATH_LEN], what[64];
	if (key->kind != XP_NODE_SCALAR)
		return build_fail(b, m, path, "expected a plain key, got a list or mapping");
	if ((size_t)map->n / 2 + 1 > ks->cap / 2 && keyset_grow(ks, map) < 0)
		return xp_fail(b->err, XP_ENOMEM, "out of memory");
	size_t at = keyset_find(ks, map, key->text);
	if (ks->slot[at] >= 0) {
		snprintf(key_path, sizeof key_path, "%s%s%s", path, *path ? "." : "", key->text);
		snprintf(what, sizeof what, "duplicate key (first at line %d)",
		         map->kids[ks->slot[at]]->line);
		return build_fail(b, m, key_path, what);
	}
	ks->slot[at] = map->n;
	return XP_OK;
}

/* The path of a collection's next child: "a.b" for a key b of a mapping, "a[3]" for an item. */
static void child_path(char *out, const char *path, const xp_node *parent)
{
	if (parent->kind == XP_NODE_SEQ)
		snprintf(out, PATH_LEN, "%s[%d]", path, parent->n);
	else if (parent->n % 2 == 1)
		snprintf(out, PATH_LEN, "%s%s%s", path, *path ? "." : "",
		         parent->kids[parent->n - 1]->text);
	else
		snprintf(out, PATH_LEN, "%s", path);
}

static xp_status build_node(struct builder *b, const yaml_event_t *ev, const char *path, int depth,
                            xp_node **out);

/* Read the children of a sequence or mapping up to its end event. */
static xp_status build_kids(struct builder *b, xp_node *coll, const char *path, int depth)
{
	yaml_event_type_t end =
	    coll->kind == XP_NODE_SEQ ? YAML_SEQUENCE_END_EVENT : YAML_MAPPING_END_EVENT;
	char kid_path[PATH_LEN];
	keyset ks = { NULL, 0 };
	xp_status st = XP_OK;
	for (;;) {
		yaml_event_t ev;
		xp_node *kid = NULL;
		if ((st = next_event(b, &ev)))
			break;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			break;
		}
		child_path(kid_path, path, coll);
		st = build_node(b, &ev, kid_path, depth + 1, &kid);
		if (!st && coll->kind == XP_NODE_MAP && coll->n % 2 == 0)
			st = check_key(b, &ks, coll, kid, &ev.start_mark, path);
		yaml_event_delete(&ev);
		if (!st && node_push(coll, kid) < 0)
			st = xp_fail(b->err, XP_ENOMEM, "out of memory");
		if (st) {
			xp_node_free(kid);
			break;
		}
	}
	free(ks.slot);
	return st;
}

static xp_status build_node(struct builder *b, const yaml_event_t *ev, const char *path, int depth,
                            xp_node **out)
{
	xp_node_kind kind;
	*out = NULL;
	switch (ev->type) {
	case YAML_SCALAR_EVENT: return make_scalar(b, ev, out);
	case YAML_SEQUENCE_START_EVENT: kind = XP_NODE_SEQ; break;
	case YAML_MAPPING_START_EVENT: kind = XP_NODE_MAP; break;
	case YAML_ALIAS_EVENT:
		return build_fail(b, &ev->start_mark, path, "YAML aliases are not supported");
	default: return build_fail(b, &ev->start_mark, path, "unexpected YAML structure");
	}
	if (depth >= MAX_DEPTH)
		return build_fail(b, &ev->start_mark, path, "nested too deeply");
	xp_node *n = node_new(kind, &ev->start_mark, b->src);
	if (!n)
		return xp_fail(b->err, XP_ENOMEM, "out of memory");
	xp_status st = build_kids(b, n, path, depth);
	if (st) {
		xp_node_free(n);
		return st;
	}
	*out = n;
	return XP_OK;
}

/* One document's root node (NULL for an empty stream); a second document is an error. */
static xp_status build_stream(struct builder *b, xp_node **root)
{
	yaml_event_t ev;
	xp_status st = XP_OK;
	int docs = 0;
	*root = NULL;
	while (!st && !(st = next_event(b, &ev))) {
		yaml_event_type_t type = ev.type;
		if (type == YAML_DOCUMENT_START_EVENT && docs++ > 0)
			st = build_fail(b, &ev.start_mark, "",
			                "expected one YAML document, got more");
		else if (type != YAML_STREAM_START_EVENT && type != YAML_DOCUMENT_START_EVENT &&
		         type != YAML_DOCUMENT_END_EVENT && type != YAML_STREAM_END_EVENT)
			st = build_node(b, &ev, b->key ? b->key : "", 0, root);
		yaml_event_delete(&ev);
		if (type == YAML_STREAM_END_EVENT)
			break;
	}
	if (st) {
		xp_node_free(*root);
		*root = NULL;
	}
	return st;
}

static xp_status parse_text(struct builder *b, const char *text, size_t len, xp_node **root)
{
	if (!yaml_parser_initialize(&b->parser))
		return xp_fail(b->err, XP_ENOMEM, "out of memory");
	b->text = text;
	b->len = len;
	yaml_parser_set_input_string(&b->parser, (const unsigned char *)text, len);
	xp_status st = build_stream(b, root);
	yaml_parser_delete(&b->parser);
	return st;
}

xp_status xp_yaml_load(const char *text, size_t len, const xp_src *src, xp_node **root,
                       xp_error *err)
{
	struct builder b = { .src = src, .err = err };
	xp_node *n = NULL;
	xp_status st = parse_text(&b, text, len, &n);
	*root = NULL;
	if (st)
		return st;
	if (!n || (n->kind == XP_NODE_SCALAR && n->is_null)) {
		xp_node_free(n);
		if (!(n = node_new(XP_NODE_MAP, NULL, src)))
			return xp_fail(err, XP_ENOMEM, "out of memory");
	}
	if (n->kind != XP_NODE_MAP) {
		st = xp_fail(err, XP_EINVAL,
		             "%s:%d:%d: expected a mapping of sections (pipeline, model, ...)",
		             src->file, n->line, n->column);
		xp_node_free(n);
		return st;
	}
	*root = n;
	return XP_OK;
}

/* An override's value may be empty ("key="): a null scalar, which resets the key. */
static xp_status parse_value(struct builder *b, const char *value, xp_node **out)
{
	xp_status st = parse_text(b, value, strlen(value), out);
	if (!st && !*out) {
		if (!(*out = node_new(XP_NODE_SCALAR, NULL, b->src)) ||
		    !((*out)->text = strdup(""))) {
			xp_node_free(*out);
			*out = NULL;
			return xp_fail(b->err, XP_ENOMEM, "out of memory");
		}
		(*out)->is_null = 1;
	}
	return st;
}

/* The trimmed key of "key=value": *len characters from the returned start. NULL if there is no
 * '=' or the key is not a well-formed dotted path. */
static const char *override_key(const char *ov, size_t *len)
{
	const char *eq = strchr(ov, '=');
	if (!eq)
		return NULL;
	while (ov < eq && (*ov == ' ' || *ov == '\t'))
		ov++;
	size_t n = (size_t)(eq - ov);
	while (n > 0 && (ov[n - 1] == ' ' || ov[n - 1] == '\t'))
		n--;
	if (n == 0 || ov[0] == '.' || ov[n - 1] == '.' || memmem(ov, n, "..", 2))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (ov[i] == ' ' || ov[i] == '\t')
			return NULL;
	*len = n;
	return ov;
}

/* Index of key's pair in map, or -1. */
static int map_find(const xp_node *map, const char *key)
{
	for (int i = 0; i + 1 < map->n; i += 2)
		if (strcmp(map->kids[i]->text, key) == 0)
			return i;
	return -1;
}

/* Set map[key] = value (taking it), replacing an old value. */
static xp_status map_set(xp_node *map, const char *key, xp_node *value, const xp_src *src,
                         const xp_node *at, xp_error *err)
{
	int i = map_find(map, key);
	if (i >= 0) {
		xp_node_free(map->kids[i + 1]);
		map->kids[i + 1] = value;
		return XP_OK;
	}
	xp_node *k = node_at(XP_NODE_SCALAR, src, at);
	if (!k || !(k->text = strdup(key)) || node_push(map, k) < 0) {
		xp_node_free(k);
		xp_node_free(value);
		return xp_fail(err, XP_ENOMEM, "out of memory");
	}
	if (node_push(map, value) < 0) {
		xp_node_free(value);
		map->n--;
		xp_node_free(k);
		return xp_fail(err, XP_ENOMEM, "out of memory");
	}
	return XP_OK;
}

static void map_remove(xp_node *map, const char *key)
{
	int i = map_find(map, key);
	if (i < 0)
		return;
	xp_node_free(map->kids[i]);
	xp_node_free(map->kids[i + 1]);
	memmove(map->kids + i, map->kids + i + 2, (size_t)(map->n - i - 2) * sizeof *map->kids);
	map->n -= 2;
}

/* Pairs of keys that give one quantity in two forms: setting one drops the other. */
static const struct {
	const char *key, *other;
} exclusive[] = {
	{ "network.inter_dc.latency", "latency_ratio" },
	{ "network.inter_dc.latency_ratio", "latency" },
	{ "network.inter_dc.bandwidth", "bandwidth_ratio" },
	{ "network.inter_dc.bandwidth_ratio", "bandwidth" },
	{ "datacenters.count", "placement" },
	{ "datacenters.placement", "count" },
	{ "model.transformer", "forward" },
	{ "model.transformer", "backward_input" },
	{ "model.transformer", "backward_weight" },
	{ "model.transformer", "activation" },
};

static void drop_other_forms(xp_node *parent, const char *key)
{
	for (size_t i = 0; i < sizeof exclusive / sizeof exclusive[0]; i++)
		if (strcmp(exclusive[i].key, key) == 0)
			map_remove(parent, exclusive[i].other);
}

/* Walk key's segments from root, making (or replacing non-mappings with) mappings on the way,
 * and set the last one to value (taken). The nodes made get src and the place of `at` (line 1,
 * column 1 when NULL). */
static xp_status graft_at(xp_node *root, const char *key, xp_node *value, const xp_src *src,
                          const xp_node *at, xp_error *err);

static xp_status graft(xp_node *root, const char *key, xp_node *value, const xp_src *src,
                       xp_error *err)
{
	return graft_at(root, key, value, src, NULL, err);
}

static xp_status graft_at(xp_node *root, const char *key, xp_node *value, const xp_src *src,
                          const xp_node *at, xp_error *err)
{
	char *path = strdup(key);
	xp_node *map = root;
	xp_status st = XP_OK;
	if (!path) {
		xp_node_free(value);
		return xp_fail(err, XP_ENOMEM, "out of memory");
	}
	char *seg = path, *dot;
	while (!st && (dot = strchr(seg, '.'))) {
		*dot = '\0';
		int i = map_find(map, seg);
		if (i < 0 || map->kids[i + 1]->kind != XP_NODE_MAP) {
			xp_node *sub = node_at(XP_NODE_MAP, src, at);
			st = sub ? map_set(map, seg, sub, src, at, err)
			         : xp_fail(err, XP_ENOMEM, "out of memory");
			i = map_find(map, seg);
		}
		if (!st)
			map = map->kids[i + 1];
		seg = dot + 1;
	}
	if (st) {
		xp_node_free(value);
	} else {
		int reset = value->kind == XP_NODE_SCALAR && value->is_null;
		st = map_set(map, seg, value, src, at, err);
		if (!st && !reset)
			drop_other_forms(map, key);
	}
	free(path);
	return st;
}

xp_status xp_yaml_override(xp_node *root, const xp_src *src, xp_error *err)
{
	const char *ov = src->override;
	size_t len = 0;
	const char *start = override_key(ov, &len);
	char shown[XP_SHOWN_LEN];
	if (!start)
		return xp_fail(err, XP_EINVAL,
		               "--set %s: expected key=value with a dotted key "
		               "such as pipeline.microbatches=32",
		               xp_src_shown(ov, shown));
	char *key = strndup(start, len);
	if (!key)
		return xp_fail(err, XP_ENOMEM, "out of memory");
	struct builder b = { .src = src, .key = key, .err = err };
	xp_node *value = NULL;
	xp_status st = parse_value(&b, strchr(ov, '=') + 1, &value);
	if (!st)
		st = graft(root, key, value, src, err);
	free(key);
	return st;
}

xp_status xp_yaml_graft(xp_node *root, const char *key, xp_node *value, const xp_node *at,
                        xp_error *err)
{
	return graft_at(root, key, value, value->src, at, err);
}

xp_node *xp_node_copy(const xp_node *n)
{
	xp_node *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	*c = (xp_node){ .kind = n->kind,
		        .line = n->line,
		        .column = n->column,
		        .src = n->src,
		        .is_null = n->is_null };
	if (n->text && !(c->text = strdup(n->text))) {
		free(c);
		return NULL;
	}
	for (int i = 0; i < n->n; i++) {
		xp_node *k = xp_node_copy(n->kids[i]);
		if (!k || node_push(c, k) < 0) {
			xp_node_free(k);
			xp_node_free(c);
			return NULL;
		}
	}
	return c;
}

xp_status xp_yaml_graft_all(xp_node *root, const xp_node *map, const char *prefix, xp_error *err)
{
	for (int i = 0; i + 1 < map->n; i += 2) {
		const xp_node *k = map->kids[i], *v = map->kids[i + 1];
		char path[512];
		if (snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", k->text) >=
		    (int)sizeof path)
			return xp_fail(err, XP_EINVAL, "%s:%d:%d: %s...: the key is too long",
			               k->src->file, k->line, k->column, path);
		xp_status st;
		if (v->kind == XP_NODE_MAP && v->n > 0) {
			st = xp_yaml_graft_all(root, v, path, err);
		} else {
			xp_node *c = xp_node_copy(v);
			st = c ? xp_yaml_graft(root, path, c, k, err)
			       : xp_fail(err, XP_ENOMEM, "out of memory");
		}
		if (st)
			return st;
	}
	return XP_OK;
}

void xp_yaml_drop(xp_node *root, const char *section, const char *key)
{
	int i = map_find(root, section);
	if (i >= 0 && root->kids[i + 1]->kind == XP_NODE_MAP)
		map_remove(root->kids[i + 1], key);
}
