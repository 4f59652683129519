/* schedule_torch.c: the action cells of torch.distributed.pipelining schedule CSVs, how a file is
 * recognised as one, and which dialect it is read in. */
#include "schedule/schedule_torch_int.h"

#include <stdio.h>
#include <stdlib.h>

#include <limits.h>
#include <string.h>

/* Type names by dialect, indexed by xp_torch_type. A cell's type must equal one name exactly
 * (its whole run of letters), so no name can match a prefix of another. */
static const char *const current_names[XP_TORCH_TYPE_COUNT] = { "F",           "I",       "W",
	                                                        "B",           "UNSHARD", "RESHARD",
	                                                        "REDUCE_GRAD", "SEND_F",  "RECV_F",
	                                                        "SEND_B",      "RECV_B" };
static const char *const legacy_names[XP_TORCH_TYPE_COUNT] = { "F",           "B",       "W",
	                                                       "BW",          "UNSHARD", "RESHARD",
	                                                       "REDUCE_GRAD", "SEND_F",  "RECV_F",
	                                                       "SEND_B",      "RECV_B" };

const char *xp_torch_type_name(xp_torch_type type, xp_torch_dialect dialect)
{
	if ((int)type < 0 || type >= XP_TORCH_TYPE_COUNT)
		return "?";
	return dialect == XP_TORCH_DIALECT_LEGACY ? legacy_names[type] : current_names[type];
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Digits at s[*i..end) as a non-negative int; -1 when there are none or it overflows. */
static int read_number(const char *s, size_t *i, size_t end)
{
	long v = 0;
	size_t start = *i;
	while (*i < end && s[*i] >= '0' && s[*i] <= '9') {
		v = v * 10 + (s[*i] - '0');
		if (v > INT_MAX)
			return -1;
		(*i)++;
	}
	return *i > start ? (int)v : -1;
}

/* `(a;b)OVERLAP_F_B` in s[lo..hi): 2 with a and b in out[0], out[1] when both are actions,
 * else -1. */
static int parse_composite(const char *s, size_t lo, size_t hi, xp_torch_dialect dialect,
                           xp_torch_action out[2])
{
	static const char tail[] = ")OVERLAP_F_B";
	size_t n = sizeof tail - 1, semi = lo;
	if (hi - lo < n + 4 || memcmp(s + hi - n, tail, n))
		return -1;
	while (semi < hi - n && s[semi] != ';')
		semi++;
	xp_torch_action b[2];
	if (semi == hi - n || xp_torch_parse_cell(s + lo + 1, semi - lo - 1, dialect, out) != 1 ||
	    xp_torch_parse_cell(s + semi + 1, hi - n - semi - 1, dialect, b) != 1)
		return -1;
	out[1] = b[0];
	return 2;
}

int xp_torch_parse_cell(const char *cell, size_t len, xp_torch_dialect dialect,
                        xp_torch_action out[2])
{
	size_t lo = 0, hi = len;
	while (lo < hi && is_space(cell[lo]))
		lo++;
	while (hi > lo && is_space(cell[hi - 1]))
		hi--;
	if (lo == hi)
		return 0;
	if (cell[lo] == '(')
		return parse_composite(cell, lo, hi, dialect, out);
	size_t i = lo;
	int stage = read_number(cell, &i, hi);
	if (stage < 0)
		return -1;
	size_t name_lo = i;
	while (i < hi && !(cell[i] >= '0' && cell[i] <= '9'))
		i++;
	size_t name_len = i - name_lo;
	int type = -1;
	for (int t = 0; t < XP_TORCH_TYPE_COUNT; t++) {
		const char *n = xp_torch_type_name((xp_torch_type)t, dialect);
		if (strlen(n) == name_len && !memcmp(n, cell + name_lo, name_len))
			type = t;
	}
	if (type < 0)
		return -1;
	int mb = -1;
	if (i < hi && (mb = read_number(cell, &i, hi)) < 0)
		return -1;
	if (i != hi)
		return -1;
	*out = (xp_torch_action){ .stage = stage, .type = type, .mb = mb };
	return 1;
}

static int row_is_torch(const char *t, size_t n, xp_torch_dialect d)
{
	int actions = 0;
	for (size_t s = 0; s <= n;) {
		size_t e = s;
		while (e < n && t[e] != ',')
			e++;
		xp_torch_action a[2];
		int r = xp_torch_parse_cell(t + s, e - s, d, a);
		if (r < 0)
			return 0;
		actions += r;
		s = e + 1;
	}
	return actions > 0;
}

int xp_torch_looks_like(const char *text, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t eol = i;
		while (eol < len && text[eol] != '\n')
			eol++;
		size_t k = i;
		while (k < eol &&
		       (text[k] == ' ' || text[k] == '\t' || text[k] == '\r' || text[k] == ','))
			k++;
		/* a crosspipe schedule file starts with a keyword or a comment, never with a digit
		 * or '(': such a row is a torch row, and the torch reader names its bad cell */
		if (k < eol)
			return (text[k] >= '0' && text[k] <= '9') || text[k] == '(' ||
			       row_is_torch(text + i, eol - i, XP_TORCH_DIALECT_CURRENT) ||
			       row_is_torch(text + i, eol - i, XP_TORCH_DIALECT_LEGACY);
		i = eol + 1;
	}
	return 0;
}

/* The current dialect; the legacy one only when the current one cannot read the file. A file
 * cannot be read in both: one the current dialect reads has, for every (stage, microbatch),
 * a B alone or an I and a W; legacy has no I, and reads a B as the backward for the input,
 * which then lacks its W. So a file is never ambiguous once checked. */
static xp_status read_auto(const char *text, size_t len, const char *name, xp_schedule **out,
                           xp_torch_info *info, xp_error *err)
{
	xp_error scratch;
	xp_error_clear(&scratch);
	xp_status st =
	    xp_torch_read_dialect(text, len, name, XP_TORCH_DIALECT_CURRENT, out, info, err);
	if (st != XP_EINVAL)
		return st;
	if (xp_torch_read_dialect(text, len, name, XP_TORCH_DIALECT_LEGACY, out, info, &scratch) !=
	    XP_OK)
		return st; /* the current dialect's error is the one to show */
	xp_error_clear(err);
	return XP_OK;
}

xp_status xp_torch_read(const char *text, size_t len, const char *name, int dialect,
                        xp_schedule **out, xp_torch_info *info, xp_error *err)
{
	*out = NULL;
	if (dialect == XP_TORCH_DIALECT_AUTO)
		return read_auto(text, len, name, out, info, err);
	return xp_torch_read_dialect(text, len, name, (xp_torch_dialect)dialect, out, info, err);
}

xp_status xp_torch_load_text(const char *text, size_t len, const char *path, int dialect,
                             xp_schedule **out, xp_torch_info *info, xp_error *err)
{
	xp_status st = xp_torch_read(text, len, path, dialect, out, info, err);
	if (st)
		return st;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char name[256];
	snprintf(name, sizeof name, "%s", base);
	char *dot = strrchr(name, '.');
	if (dot && dot != name)
		*dot = 0;
	xp_schedule_set_name(*out, name);
	return XP_OK;
}

void *xp_torch_room(void *p, size_t *cap, size_t n, size_t size, size_t first)
{
	if (n < *cap)
		return p;
	size_t c = *cap ? 2 * *cap : first;
	void *q = realloc(p, c * size);
	if (q)
		*cap = c;
	return q;
}
