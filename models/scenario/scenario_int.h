/* scenario_int.h: private to the scenario module: the YAML node tree and its typed readers. */
#ifndef XP_SCENARIO_INT_H
#define XP_SCENARIO_INT_H

/* Every time an engine computes stays below this: 2^62 ns (146 years) leaves a factor of two of
 * headroom below INT64_MAX for sums the bound does not see (packet-engine retransmissions). */
#define XP_SAFE_NS 4611686018427387904LL

#include <stddef.h>
#include <stdint.h>

#include "scenario/scenario.h"

/* Where a node came from: the scenario file, or one --set override. Messages name it. */
typedef struct xp_src {
	const char *file;     /* the name given to xp_scenario_parse */
	const char *override; /* the whole "key=value" string, or NULL for the file */
} xp_src;

/* An override as messages show it: whole when short, else its first 80 characters, "..." and
 * its length, so that the reason after it is never cut off. buf needs XP_SHOWN_LEN bytes. */
#define XP_SHOWN_LEN 128
const char *xp_src_shown(const char *override, char *buf);

typedef enum { XP_NODE_SCALAR, XP_NODE_SEQ, XP_NODE_MAP } xp_node_kind;

/* One YAML node. A mapping keeps its pairs flat: kids[2i] is a key (always a scalar) and
 * kids[2i+1] its value. */
typedef struct xp_node {
	xp_node_kind kind;
	int line, column; /* 1-based place in the file (meaningless for overrides) */
	const xp_src *src;
	char *text;  /* scalars only */
	int is_null; /* an unquoted empty, ~ or null scalar: the key counts as absent */
	struct xp_node **kids;
	int n, cap;
} xp_node;

/* scenario_yaml.c */

/* Parse text into a tree whose root is always a mapping (an empty file gives an empty one).
 * XP_EINVAL with "file:line:column: ..." on a syntax error, an alias, a duplicate key or a
 * top level that is not a mapping. */
xp_status xp_yaml_load(const char *text, size_t len, const xp_src *src, xp_node **root,
                       xp_error *err);

/* Graft one "key=value" override (src->override) onto root, replacing or adding the key. An
 * override of one form of an exclusive pair (latency / latency_ratio, bandwidth /
 * bandwidth_ratio, count / placement, transformer / explicit times) removes the other form. */
xp_status xp_yaml_override(xp_node *root, const xp_src *src, xp_error *err);

void xp_node_free(xp_node *n); /* NULL is a no-op */

/* A deep copy of n (its src shared), or NULL when out of memory. */
xp_node *xp_node_copy(const xp_node *n);

/* Set the dotted key of root to value (taken; its src is kept), as an override does, the
 * mappings made on the way placed at `at` (the key's node in its file, for messages). */
xp_status xp_yaml_graft(xp_node *root, const char *key, xp_node *value, const xp_node *at,
                        xp_error *err);

/* Graft a copy of every leaf of map onto root under prefix ("" for the root): its keys may be
 * dotted, and nested mappings merge into root's rather than replace them. */
xp_status xp_yaml_graft_all(xp_node *root, const xp_node *map, const char *prefix, xp_error *err);

/* Remove root[section][key] if present. */
void xp_yaml_drop(xp_node *root, const char *section, const char *key);

/* scenario_read.c: lookups by dotted path and typed readers. Every reader fails with XP_EINVAL
 * and "place: path: expected ..., got ..."; a reader of an absent key leaves *out (the default)
 * alone, unless `required`, when it fails with "missing, expected ...". */

typedef struct xp_reader {
	const xp_node *root;
	xp_error *err;
} xp_reader;

typedef int (*xp_i64_parser)(const char *s, int64_t *out, const char **why);
typedef int (*xp_f64_parser)(const char *s, double *out, const char **why);

/* The value at a dotted path ("network.inter_dc.latency"); NULL if absent or null. */
const xp_node *xp_reader_get(const xp_reader *rd, const char *path);
/* The key node of a path (for errors about the key itself); NULL if absent. */
const xp_node *xp_reader_key(const xp_reader *rd, const char *path);

xp_status xp_reader_fail(const xp_reader *rd, const xp_node *n, const char *path, const char *fmt,
                         ...) __attribute__((format(printf, 4, 5)));

/* Check that every map named in `maps` (NULL-terminated dotted paths, "" for the root; parents
 * first) is a mapping, if present, whose keys are all listed in `keys` (same index, each a
 * NULL-terminated list). Unknown keys are reported at the key, with a suggestion. */
xp_status xp_reader_schema(const xp_reader *rd, const char *const *maps,
                           const char *const *const *keys);

xp_status xp_reader_int(const xp_reader *rd, const char *path, int64_t lo, int64_t hi, int required,
                        int64_t *out);
xp_status xp_reader_i64(const xp_reader *rd, const char *path, xp_i64_parser parse, int required,
                        int64_t *out);
xp_status xp_reader_f64(const xp_reader *rd, const char *path, xp_f64_parser parse, int required,
                        double *out);
/* A plain number (or percentage) in [lo, hi]. */
xp_status xp_reader_number(const xp_reader *rd, const char *path, double lo, double hi,
                           int required, double *out);
/* One value for every stage, or a list of exactly p values; entries below `lo` are rejected.
 * out has p entries. */
xp_status xp_reader_staged(const xp_reader *rd, const char *path, int p, xp_i64_parser parse,
                           int64_t lo, int required, int64_t *out);
/* A list of exactly p integers in [lo, hi]. */
xp_status xp_reader_int_list(const xp_reader *rd, const char *path, int p, int64_t lo, int64_t hi,
                             int *out);
/* One of the NULL-terminated words in `choices`; *out is its index. */
xp_status xp_reader_choice(const xp_reader *rd, const char *path, const char *const *choices,
                           int *out);
/* A scalar string, or a list of them; *out is a new NULL-free array of n new strings. */
xp_status xp_reader_strings(const xp_reader *rd, const char *path, char ***out, int *n);

/* scenario_model.c and transformer.c: the model.* section, after pipeline.* is read. */
xp_status xp_read_model(const xp_reader *rd, xp_params *pr);
xp_status xp_read_transformer(const xp_reader *rd, xp_params *pr);

/* scenario_packet.c: the network.* keys of the packet engine (transport, buffers, queues...). */
xp_status xp_read_packet_net(const xp_reader *rd, xp_packet_net *net);

/* A file named by a scalar node n (at key, for messages) into out (XP_PATH_MAX bytes): a relative
 * path in a file is relative to that file's folder; one given with --set is relative to the
 * working directory. */
#define XP_PATH_MAX 4096
xp_status xp_reader_path(const xp_reader *rd, const xp_node *n, const char *key, char *out);

/* scenario_background.c: network.background.* (other tenants' traffic on the WAN). */
xp_status xp_read_background(const xp_reader *rd, xp_background *bg);

/* scenario_trace.c: read the CSV trace file named by key (absent: nothing, *rows untouched)
 * into target: link != 0, an xp_link_variation's rows (time, bandwidth, latency); else an
 * xp_straggler's (time, factor). Errors name file:line and the column. */
xp_status xp_read_trace_file(const xp_reader *rd, const char *key, int link, void *target,
                             size_t *rows);

/* scenario_wan.c: network.inter_dc.trace/.variation/.degradation, stragglers.*, iterations
 * (after network.* is read: the stragglers' factor is folded into the block times). */
xp_status xp_read_wan(const xp_reader *rd, xp_params *pr);
void xp_params_free_wan(xp_params *pr);

/* scenario_pairs.c: network.inter_dc.pairs into pr->dc_pairs (after the inter-DC class, its
 * trace, variation and degradation are read); every name, key and value checked at its place. */
xp_status xp_read_dc_pairs(const xp_reader *rd, xp_params *pr);
void xp_params_free_pairs(xp_params *pr);

/* A scenario's text and overrides, kept to resolve its variants from. */
typedef struct xp_scenario_text {
	const char *text;
	size_t len;
	const char *name;
	const char *const *overrides;
	int n_overrides;
} xp_scenario_text;

/* scenario.c: t resolved with every leaf of `set` (a mapping, or NULL) grafted on, and `seed`
 * (a scalar, or NULL) as its seed, without t's own schedule.variants. */
xp_status xp_scenario_variant(const xp_scenario_text *t, const xp_node *set, const xp_node *seed,
                              xp_scenario **out, xp_error *err);

/* scenario_variants.c: schedule.objective (into pr), and the variants file named by
 * schedule.variants (when given) resolved against t into *out (n of them). Each must keep pr's
 * shape. */
xp_status xp_read_variants(const xp_reader *rd, const xp_scenario_text *t, xp_params *pr,
                           xp_scenario ***out, int *n);

/* scenario_bound.c: refuse (XP_EINVAL, at the key that dominates) a scenario whose executions
 * could have times beyond 2^62 ns: the bound adds every block, every transfer's serialisation
 * and latency on the slower link class, and every DP collective, scaled for jitter. */
xp_status xp_check_time_bound(const xp_reader *rd, const xp_params *pr);

/* memory.c: memory.hbm, reserve, zero and the bytes per parameter into pr->stage_memory (after
 * the model is read); memory.limit: hbm from them (XP_EINVAL at node n when nothing is left). */
xp_status xp_read_memory_model(const xp_reader *rd, xp_params *pr);
xp_status xp_memory_limit_from_hbm(const xp_reader *rd, const xp_node *n, xp_params *pr);

/* cluster.c: pipeline.global_batch (*m set when given; before the model is read), and
 * datacenters.gpus / gpus_per_node checked against the layout (after placement). */
xp_status xp_read_global_batch(const xp_reader *rd, xp_params *pr, int64_t *m);
xp_status xp_read_cluster(const xp_reader *rd, xp_params *pr);
/* datacenters.<key> (gpu_flops, hbm): one value for all, or a list of one per datacenter, each
 * > 0 (the same in all with split: dp); out has pr->datacenters entries, *given 0 when absent.
 * Needs the datacenters read. */
xp_status xp_read_per_dc(const xp_reader *rd, const char *key, xp_f64_parser parse,
                         const xp_params *pr, double *out, int *given);

/* layout.c: a model.transformer.layout string into the transformer layers of each of p stages
 * (per_stage, p entries) and how many E and L it has (*ends); -1 with the reason in why when it
 * is malformed, has another stage count, another layer total than `layers`, an E outside the
 * first stage or an L outside the last. */
int xp_layout_parse(const char *s, int p, int64_t layers, int64_t *per_stage, int *ends, char *why,
                    size_t len);

/* Allocate every per-stage array of pr (stages must be set). */
xp_status xp_params_alloc(xp_params *pr, xp_error *err);

#endif
