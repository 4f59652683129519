/* common.c: escaping, fixed-precision numbers and timeline walks shared by the result writers. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output/output_int.h"

void xp_out_xml_text(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			/* XML 1.0 forbids most control characters even as references */
			fputc(*p < 0x20 && *p != '\t' && *p != '\n' ? '?' : *p, f);
		}
	}
}

void xp_out_csv_field(FILE *f, const char *s)
{
	s = s ? s : "";
	if (!s[strcspn(s, ",\"\r\n")]) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

char *xp_out_us(char *buf, size_t len, int64_t ns)
{
	uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	snprintf(buf, len, "%s%" PRIu64 ".%03" PRIu64, ns < 0 ? "-" : "", a / 1000, a % 1000);
	return buf;
}

xp_status xp_out_status(FILE *f)
{
	if (fflush(f) != 0 || ferror(f))
		return XP_EIO;
	return XP_OK;
}

int64_t xp_out_origin(const xp_result *r)
{
	int64_t first, last;
	xp_result_extent(r, &first, &last);
	return first;
}

int xp_out_dc(const xp_params *pr, int device)
{
	if (!pr || !pr->placement || device < 0 || device >= pr->stages)
		return 0;
	return pr->placement[device];
}

double xp_out_mean(const double *v, int n)
{
	double s = 0.0;
	for (int i = 0; i < n; i++)
		s += v[i];
	return n > 0 ? s / n : 0.0;
}

double xp_out_max(const double *v, int n)
{
	double m = n > 0 ? v[0] : 0.0;
	for (int i = 1; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

int64_t xp_out_max_i64(const int64_t *v, int n)
{
	int64_t m = n > 0 ? v[0] : 0;
	for (int i = 1; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

int64_t xp_out_min_i64(const int64_t *v, int n)
{
	int64_t m = n > 0 ? v[0] : 0;
	for (int i = 1; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

xp_op xp_out_op(const xp_result *r, int d, size_t k)
{
	return xp_schedule_ops(r->sched, d)[k];
}

int xp_out_transfer_label(char *buf, size_t len, const xp_result *r, const xp_transfer *t)
{
	int chunk = xp_schedule_chunk_of(r->sched, t->part);
	xp_op op = { .kind = t->kind,
		     .chunk = (uint8_t)(chunk < 0 ? 0 : chunk),
		     .lo = 0,
		     .hi = 1,
		     .nsub = 1,
		     .mb = t->mb };
	return xp_op_format(buf, len, r->sched, op);
}

static int link_cmp(const void *a, const void *b)
{
	const xp_out_link *x = a, *y = b;
	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	return (x->dst > y->dst) - (x->dst < y->dst);
}

xp_status xp_out_links_of(const xp_result *r, int wan_only, xp_out_link **out, int *n)
{
	*out = NULL;
	*n = 0;
	size_t k = 0;
	for (size_t i = 0; i < r->n_transfers; i++)
		k += !wan_only || r->transfers[i].crosses_dc;
	if (k == 0)
		return XP_OK;
	xp_out_link *l = malloc(k * sizeof *l);
	if (!l)
		return XP_ENOMEM;
	k = 0;
	for (size_t i = 0; i < r->n_transfers; i++)
		if (!wan_only || r->transfers[i].crosses_dc)
			l[k++] = (xp_out_link){ r->transfers[i].src, r->transfers[i].dst };
	qsort(l, k, sizeof *l, link_cmp);
	size_t u = 0;
	for (size_t i = 0; i < k; i++)
		if (u == 0 || link_cmp(&l[u - 1], &l[i]) != 0)
			l[u++] = l[i];
	*out = l;
	*n = (int)u;
	return XP_OK;
}

xp_status xp_out_links(const xp_result *r, xp_out_link **out, int *n)
{
	return xp_out_links_of(r, 1, out, n);
}

int xp_out_link_index(const xp_out_link *links, int n, int src, int dst)
{
	if (n <= 0)
		return -1; /* bsearch wants a non-NULL array */
	xp_out_link key = { src, dst };
	const xp_out_link *hit = bsearch(&key, links, (size_t)n, sizeof key, link_cmp);
	return hit ? (int)(hit - links) : -1;
}

int xp_out_fastest_fitting(xp_result *const *res, int n)
{
	int best = -1;
	for (int i = 0; i < n; i++)
		if (res[i]->fits_memory &&
		    (best < 0 || res[i]->makespan_ns < res[best]->makespan_ns))
			best = i;
	return best;
}
