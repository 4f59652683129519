/* schedule_torch.c: reading the action cells of torch.distributed.pipelining schedule CSVs. */
#include "schedule/schedule_torch.h"

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

int xp_torch_parse_cell(const char *cell, size_t len, xp_torch_dialect dialect,
                        xp_torch_action *out)
{
	size_t lo = 0, hi = len;
	while (lo < hi && is_space(cell[lo]))
		lo++;
	while (hi > lo && is_space(cell[hi - 1]))
		hi--;
	if (lo == hi)
		return 0;
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
