/* layout.c: model.transformer.layout, a Megatron-style string of what each pipeline stage holds
 * (docs/memory.md#layout): stages separated by '|', each a run of E (the embedding), t (a
 * transformer layer) and L (the output layer and loss), any of them followed by *N to repeat
 * it; spaces are ignored. "Et*9|t*10|t*10|t*9L" puts 9, 10, 10 and 9 layers on four stages. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario/scenario_int.h"

/* The count after '*' (1 when there is none); -1 when it is not an integer from 1 to 2^30. */
static long repeat(const char **s)
{
	const char *p = *s;
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '*')
		return 1;
	p++;
	while (isspace((unsigned char)*p))
		p++;
	char *end;
	long n = strtol(p, &end, 10);
	if (end == p || !isdigit((unsigned char)*p) || n < 1 || n > (1L << 30))
		return -1;
	*s = end;
	return n;
}

/* What a stage holds, counted. */
typedef struct stage_items {
	long t, e, l;
} stage_items;

/* Read one stage up to '|' or the end; -1 with why on a bad character or count. */
static int read_stage(const char **s, stage_items *it, char *why, size_t len)
{
	*it = (stage_items){ 0, 0, 0 };
	while (**s && **s != '|') {
		char c = **s;
		if (isspace((unsigned char)c)) {
			(*s)++;
			continue;
		}
		if (c != 'E' && c != 't' && c != 'L')
			return snprintf(why, len, "expected E, t, L, *N or |, got '%c'", c), -1;
		(*s)++;
		long n = repeat(s);
		if (n < 0)
			return snprintf(why, len, "expected a count from 1 to 2^30 after '%c*'", c),
			       -1;
		*(c == 't' ? &it->t : c == 'E' ? &it->e : &it->l) += n;
	}
	return 0;
}

/* Check a stage's E and L: one E, in the first stage only; one L, in the last only. */
static int check_ends(const stage_items *it, int k, int p, char *why, size_t len)
{
	if (it->e && (k != 0 || it->e > 1))
		return snprintf(why, len, "E (the embedding) goes once, in the first stage"), -1;
	if (it->l && (k != p - 1 || it->l > 1))
		return snprintf(why, len, "L (the output layer) goes once, in the last stage"), -1;
	if (!it->t && !it->e && !it->l)
		return snprintf(why, len, "stage %d holds nothing", k), -1;
	return 0;
}

int xp_layout_parse(const char *s, int p, int64_t layers, int64_t *per_stage, int *ends, char *why,
                    size_t len)
{
	int k = 0;
	int64_t total = 0;
	*ends = 0;
	for (;; k++) {
		stage_items it;
		if (read_stage(&s, &it, why, len) < 0)
			return -1;
		if (k < p && check_ends(&it, k, p, why, len) < 0)
			return -1;
		if (k < p)
			per_stage[k] = it.t;
		total += it.t;
		*ends += (int)(it.e + it.l);
		if (!*s++)
			break;
	}
	if (k + 1 != p)
		return snprintf(why, len, "expected %d stages (pipeline.stages), got %d", p, k + 1),
		       -1;
	if (total != layers)
		return snprintf(why, len,
		                "expected %lld t in all (model.transformer.layers), got %lld",
		                (long long)layers, (long long)total),
		       -1;
	return 0;
}
