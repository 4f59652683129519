/* gantt.c: the SVG timeline: per result a panel of device rows, DC-crossing link rows and DP
 * collective rows on one shared time axis, with the makespan marked and a legend. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "output/output_int.h"

/* Layout in pixels. Every panel uses the same time scale so that panels compare at a glance. */
enum {
	WIDTH = 1400,
	LEFT = 150, /* label column */
	RIGHT = 30,
	TITLE = 38, /* panel title and makespan label above the rows */
	ROW = 20,   /* device row */
	LINK_ROW = 14,
	COLL_ROW = 12,
	GAP = 3,     /* between rows */
	SECTION = 6, /* before the link and collective rows */
	AXIS = 26,
	PANEL_GAP = 18,
};

/* Colours, indexed by xp_op_kind: the Tableau 10 palette for blocks of even chunks, its light
 * partners for odd chunks, and the light ones outlined for the transfers a block sends. Text
 * colour chosen for contrast. */
typedef struct colour {
	const char *fill, *text, *stroke;
} colour;
static const colour dark[XP_OP_KINDS] = { { "#4e79a7", "#ffffff", "#ffffff" },
	                                  { "#b07aa1", "#ffffff", "#ffffff" },
	                                  { "#f28e2b", "#1b1b1b", "#ffffff" },
	                                  { "#59a14f", "#ffffff", "#ffffff" },
	                                  { "#e15759", "#ffffff", "#ffffff" } };
static const colour light[XP_OP_KINDS] = { { "#a0cbe8", "#1b1b1b", "#ffffff" },
	                                   { "#d4a6c8", "#1b1b1b", "#ffffff" },
	                                   { "#ffbe7d", "#1b1b1b", "#ffffff" },
	                                   { "#8cd17d", "#1b1b1b", "#ffffff" },
	                                   { "#ff9d9a", "#1b1b1b", "#ffffff" } };

/* The colour index of op's kind (an overlapped op has its own). */
static int kind_of(xp_op op)
{
	return op.kind < XP_OP_KINDS ? op.kind : 0;
}
static const colour carried[4] = { { "#a0cbe8", "#1b1b1b", "#4e79a7" },
	                           { "#d4a6c8", "#1b1b1b", "#b07aa1" },
	                           { "#ffbe7d", "#1b1b1b", "#f28e2b" },
	                           { "#8cd17d", "#1b1b1b", "#59a14f" } };
static const colour coll[XP_COLL_KINDS] = { { "#edc948", "#1b1b1b", "#ffffff" },
	                                    { "#76b7b2", "#1b1b1b", "#ffffff" },
	                                    { "#9c755f", "#1b1b1b", "#ffffff" } };
static const char makespan_colour[] = "#d62728";

typedef struct gantt {
	FILE *f;
	const xp_params *pr;
	double scale;    /* px per ns */
	int64_t span_ns; /* the longest result's extent: the axis length */
	int64_t origin;  /* the current result's first start */
} gantt;

static double xof(const gantt *g, int64_t t)
{
	return LEFT + (double)(t - g->origin) * g->scale;
}

static void text(const gantt *g, double x, double y, const char *anchor, const char *style,
                 const char *s)
{
	fprintf(g->f, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"%s\" %s>", x, y, anchor, style);
	xp_out_xml_text(g->f, s);
	fputs("</text>\n", g->f);
}

/* A rectangle from t0 to t1 with a tooltip, and `label` inside when it fits. */
static void block(const gantt *g, const char *cls, int64_t t0, int64_t t1, double y, double h,
                  const colour *c, const char *label, const char *tip)
{
	double x0 = xof(g, t0), w = xof(g, t1) - x0;
	if (w < 0.5)
		w = 0.5; /* keep zero-length windows visible */
	fprintf(g->f,
	        "<rect class=\"%s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
	        "fill=\"%s\" stroke=\"%s\" stroke-width=\"0.6\"><title>",
	        cls, x0, y, w, h, c->fill, c->stroke);
	xp_out_xml_text(g->f, tip);
	fputs("</title></rect>\n", g->f);
	double px = h >= ROW ? 6.5 : 5.5; /* width of one digit at the font size used */
	if (label && w >= px * (double)strlen(label) + 3) {
		char style[64];
		snprintf(style, sizeof style, "font-size=\"%d\" fill=\"%s\"", h >= ROW ? 11 : 9,
		         c->text);
		text(g, x0 + w / 2, y + h / 2 + (h >= ROW ? 4 : 3), "middle", style, label);
	}
}

static void tooltip(char *buf, size_t len, const char *what, const char *where, int64_t t0,
                    int64_t t1)
{
	char a[32], b[32], d[32];
	snprintf(buf, len, "%s %s: %s to %s (%s)", what, where, xp_format_time(a, sizeof a, t0),
	         xp_format_time(b, sizeof b, t1), xp_format_time(d, sizeof d, t1 - t0));
}

static void row_back(const gantt *g, double y, double h, const char *label)
{
	fprintf(g->f, "<rect x=\"%d\" y=\"%.2f\" width=\"%d\" height=\"%.2f\" fill=\"#f2f2f2\"/>\n",
	        LEFT, y, WIDTH - LEFT - RIGHT, h);
	text(g, LEFT - 8, y + h / 2 + 4, "end", "font-size=\"11\" fill=\"#333333\"", label);
}

static double device_row(const gantt *g, const xp_result *r, int d, double y)
{
	char label[64], name[64], tip[192], where[48];
	snprintf(label, sizeof label, "device %d \xc2\xb7 DC %d", d, xp_out_dc(g->pr, d));
	row_back(g, y, ROW, label);
	snprintf(where, sizeof where, "on device %d", d);
	for (size_t k = 0, n = xp_schedule_len(r->sched, d); k < n; k++) {
		xp_op op = xp_out_op(r, d, k);
		size_t i = r->op_offset[d] + k;
		const colour *c = op.chunk % 2 ? &light[kind_of(op)] : &dark[kind_of(op)];
		char cls[8], mb[32];
		snprintf(cls, sizeof cls, "op %c", "FBDWO"[kind_of(op)]);
		if (op.kind == XP_OP_O)
			snprintf(mb, sizeof mb, "%d+%d", op.mb, op.mb2);
		else
			snprintf(mb, sizeof mb, "%d", op.mb);
		xp_op_format(name, sizeof name, r->sched, op);
		tooltip(tip, sizeof tip, name, where, r->op_start_ns[i], r->op_end_ns[i]);
		block(g, cls, r->op_start_ns[i], r->op_end_ns[i], y, ROW, c, mb, tip);
	}
	return y + ROW + GAP;
}

static double link_row(const gantt *g, const xp_result *r, const xp_out_link *l, double y)
{
	char label[64], name[64], tip[256], where[64], q[32];
	snprintf(label, sizeof label, "link %d\xe2\x86\x92%d \xc2\xb7 DC %d\xe2\x86\x92%d", l->src,
	         l->dst, xp_out_dc(g->pr, l->src), xp_out_dc(g->pr, l->dst));
	row_back(g, y, LINK_ROW, label);
	snprintf(where, sizeof where, "on link %d->%d", l->src, l->dst);
	for (size_t i = 0; i < r->n_transfers; i++) {
		const xp_transfer *t = &r->transfers[i];
		if (!t->crosses_dc || t->src != l->src || t->dst != l->dst)
			continue;
		char mb[16];
		size_t len;
		snprintf(mb, sizeof mb, "%d", t->mb);
		xp_out_transfer_label(name, sizeof name, r, t);
		tooltip(tip, sizeof tip, name, where, t->start_ns, t->end_ns);
		len = strlen(tip);
		snprintf(tip + len, sizeof tip - len, ", queued %s",
		         xp_format_time(q, sizeof q, t->start_ns - t->ready_ns));
		block(g, "transfer", t->start_ns, t->end_ns, y, LINK_ROW, &carried[t->kind & 3], mb,
		      tip);
	}
	return y + LINK_ROW + GAP;
}

static int has_collectives(const xp_result *r, int d)
{
	for (size_t i = 0; i < r->n_collectives; i++)
		if (r->collectives[i].device == d)
			return 1;
	return 0;
}

/* One row per device with DP collectives; chunks share it in equal bands. */
static double collective_row(const gantt *g, const xp_result *r, int d, double y)
{
	char label[48], name[48], tip[192], where[48];
	int chunks = xp_schedule_chunks(r->sched);
	double h = (double)COLL_ROW / chunks;
	snprintf(label, sizeof label, "DP device %d", d);
	snprintf(where, sizeof where, "of device %d", d);
	row_back(g, y, COLL_ROW, label);
	for (size_t i = 0; i < r->n_collectives; i++) {
		const xp_collective *c = &r->collectives[i];
		if (c->device != d)
			continue;
		int k = c->kind < XP_COLL_KINDS ? c->kind : 0;
		snprintf(name, sizeof name, "%s c%d", xp_coll_name(c->kind), c->chunk);
		tooltip(tip, sizeof tip, name, where, c->start_ns, c->end_ns);
		block(g, "collective", c->start_ns, c->end_ns, y + h * (c->chunk % chunks), h,
		      &coll[k], NULL, tip);
	}
	return y + COLL_ROW + GAP;
}

static int collective_rows(const xp_result *r)
{
	int n = 0;
	for (int d = 0; d < r->devices; d++)
		n += has_collectives(r, d);
	return n;
}

static double rows_height(const xp_result *r, int n_links)
{
	int nc = collective_rows(r);
	double h = r->devices * (ROW + GAP);
	if (n_links)
		h += SECTION + n_links * (LINK_ROW + GAP);
	if (nc)
		h += SECTION + nc * (COLL_ROW + GAP);
	return h;
}

/* A tick step of 1, 2 or 5 times a power of ten giving at most about ten ticks. */
static int64_t tick_step(int64_t span)
{
	int64_t raw = span / 10 > 0 ? span / 10 : 1, mag = 1;
	while (mag <= raw / 10)
		mag *= 10;
	if (mag >= raw)
		return mag;
	if (2 * mag >= raw)
		return 2 * mag;
	return 5 * mag >= raw ? 5 * mag : 10 * mag;
}

/* Grid lines through the rows and tick labels under them. */
static void axis(const gantt *g, double top, double bottom)
{
	int64_t step = tick_step(g->span_ns);
	char t[32];
	for (int64_t v = 0; v <= g->span_ns; v += step) {
		double x = xof(g, g->origin + v);
		fprintf(g->f,
		        "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
		        "stroke=\"#d0d0d0\" stroke-width=\"0.8\"/>\n",
		        x, top, x, bottom + 4);
		text(g, x, bottom + 16, "middle", "font-size=\"10\" fill=\"#555555\"",
		     xp_format_time(t, sizeof t, v));
	}
}

static void makespan_mark(const gantt *g, const xp_result *r, double top, double bottom)
{
	char label[64], t[32];
	double x = xof(g, g->origin + r->makespan_ns);
	int left = x - LEFT > 220; /* the label goes left of the line unless that leaves the plot */
	snprintf(label, sizeof label, "makespan %s", xp_format_time(t, sizeof t, r->makespan_ns));
	fprintf(g->f,
	        "<line class=\"makespan\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
	        "stroke=\"%s\" stroke-width=\"1.6\" stroke-dasharray=\"5,3\"/>\n",
	        x, top - 14, x, bottom, makespan_colour);
	char style[64];
	snprintf(style, sizeof style, "font-size=\"11\" font-weight=\"bold\" fill=\"%s\"",
	         makespan_colour);
	text(g, left ? x - 4 : x + 4, top - 4, left ? "end" : "start", style, label);
}

static void panel_title(const gantt *g, const xp_result *r, double y)
{
	char a[32], b[32], c[32], q[32], s[256];
	int p = r->devices;
	int64_t limit = xp_out_min_i64(r->memory_limit_bytes, p);
	snprintf(s, sizeof s,
	         "per microbatch %s \xc2\xb7 bubble %.1f%% mean, %.1f%% max \xc2\xb7 peak memory %s"
	         " of %s \xc2\xb7 WAN queue %s",
	         xp_format_time(a, sizeof a, r->time_per_microbatch_ns),
	         100 * xp_out_mean(r->bubble_ratio, p), 100 * xp_out_max(r->bubble_ratio, p),
	         xp_format_bytes(b, sizeof b, xp_out_max_i64(r->peak_memory_bytes, p)),
	         limit == INT64_MAX ? "unlimited" : xp_format_bytes(c, sizeof c, limit),
	         xp_format_time(q, sizeof q, r->wan_queue_ns));
	fprintf(g->f,
	        "<text x=\"10\" y=\"%.2f\" font-size=\"14\" font-weight=\"bold\" "
	        "fill=\"#111111\">",
	        y + 14);
	xp_out_xml_text(g->f, r->schedule);
	fputs(" (", g->f);
	xp_out_xml_text(g->f, r->engine);
	fprintf(g->f,
	        ")<tspan font-size=\"11\" font-weight=\"normal\" fill=\"#444444\" dx=\"12\">");
	xp_out_xml_text(g->f, s);
	fprintf(g->f, "</tspan><tspan font-size=\"11\" fill=\"%s\" dx=\"8\">%s</tspan></text>\n",
	        r->fits_memory ? "#2b7a2b" : makespan_colour,
	        r->fits_memory ? "fits memory" : "EXCEEDS MEMORY LIMIT");
}

static double panel(gantt *g, const xp_result *r, double y, const xp_out_link *links, int nl)
{
	g->origin = xp_out_origin(r);
	panel_title(g, r, y);
	double top = y + TITLE, bottom = top + rows_height(r, nl);
	axis(g, top, bottom);
	double ry = top;
	for (int d = 0; d < r->devices; d++)
		ry = device_row(g, r, d, ry);
	if (nl)
		ry += SECTION;
	for (int i = 0; i < nl; i++)
		ry = link_row(g, r, &links[i], ry);
	if (collective_rows(r))
		ry += SECTION;
	for (int d = 0; d < r->devices; d++)
		if (has_collectives(r, d))
			ry = collective_row(g, r, d, ry);
	makespan_mark(g, r, top, bottom);
	return bottom + AXIS + PANEL_GAP;
}

/* ---- the whole picture ---- */

/* Bits 0-3: op kinds; 4-7: kinds of transfers; 8-9 and 11: collective kinds; 10: a chunk > 0;
 * 12: an overlapped op. */
static unsigned kinds_present(xp_result *const *res, int n)
{
	unsigned m = 0;
	for (int i = 0; i < n; i++) {
		const xp_result *r = res[i];
		for (int d = 0; d < r->devices; d++)
			for (size_t k = 0; k < xp_schedule_len(r->sched, d); k++) {
				xp_op op = xp_out_op(r, d, k);
				m |= (op.kind == XP_OP_O ? 1u << 12 : 1u << (op.kind & 3)) |
				     (op.chunk % 2 ? 1u << 10 : 0);
			}
		for (size_t k = 0; k < r->n_transfers; k++)
			if (r->transfers[k].crosses_dc)
				m |= 1u << (4 + (r->transfers[k].kind & 3));
		for (size_t k = 0; k < r->n_collectives; k++)
			m |= r->collectives[k].kind == XP_COLL_WAN_ALLREDUCE
			         ? 1u << 11
			         : 1u << (8 + (r->collectives[k].kind & 1));
	}
	return m;
}

/* The legend: the kinds present, wrapped to the picture's width. */
typedef struct legend_item {
	const colour *c; /* NULL: the makespan's dashed line */
	const char *label;
} legend_item;

enum { LEGEND_Y = 74, LEGEND_LINE = 18, LEGEND_MAX = 15 };

static int legend_items(unsigned m, legend_item *it)
{
	static const char *const op_name[4] = { "F forward", "B backward", "D input gradient",
		                                "W weight gradient" };
	static const char *const sent[4] = { "activation sent", "gradient sent (B)",
		                             "gradient sent (D)", "sent" };
	int n = 0;
	for (int k = 0; k < 4; k++)
		if (m & 1u << k)
			it[n++] = (legend_item){ &dark[k], op_name[k] };
	if (m & 1u << 12)
		it[n++] = (legend_item){ &dark[XP_OP_O], "F+B overlapped" };
	if (m & 1u << 10)
		it[n++] = (legend_item){ &light[0], "odd chunks lighter" };
	for (int k = 0; k < 4; k++)
		if (m & 1u << (4 + k))
			it[n++] = (legend_item){ &carried[k], sent[k] };
	if (m & 1u << 8)
		it[n++] = (legend_item){ &coll[0], "DP all-gather" };
	if (m & 1u << 9)
		it[n++] = (legend_item){ &coll[1], "DP reduce-scatter" };
	if (m & 1u << 11)
		it[n++] = (legend_item){ &coll[2], "DP all-reduce across DCs" };
	it[n++] = (legend_item){ NULL, "makespan" };
	return n;
}

/* Lay the legend out from baseline y, drawing it when `draw`; returns the number of lines. */
static int legend(const gantt *g, unsigned m, double y, int draw)
{
	legend_item it[LEGEND_MAX];
	int n = legend_items(m, it), lines = 1;
	double x = 10;
	for (int i = 0; i < n; i++) {
		double w = 16 + 6.6 * (double)strlen(it[i].label) + 14;
		if (x > 10 && x + w > WIDTH - RIGHT) {
			x = 10;
			y += LEGEND_LINE;
			lines++;
		}
		if (draw && it[i].c)
			fprintf(g->f,
			        "<rect x=\"%.2f\" y=\"%.2f\" width=\"12\" height=\"12\" "
			        "fill=\"%s\" stroke=\"%s\" stroke-width=\"0.8\"/>\n",
			        x, y - 10, it[i].c->fill, it[i].c->stroke);
		else if (draw)
			fprintf(g->f,
			        "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
			        "stroke=\"%s\" stroke-width=\"1.6\" stroke-dasharray=\"5,3\"/>\n",
			        x + 6, y - 11, x + 6, y + 2, makespan_colour);
		if (draw)
			text(g, x + 16, y, "start", "font-size=\"11\" fill=\"#333333\"",
			     it[i].label);
		x += w;
	}
	return lines;
}

static double header_height(unsigned kinds)
{
	return LEGEND_Y + LEGEND_LINE * legend(NULL, kinds, LEGEND_Y, 0);
}

static void header(const gantt *g, const xp_scenario *sc, unsigned kinds)
{
	const xp_params *pr = g->pr;
	char title[256], sub[320], lat[32], bw[32];
	snprintf(title, sizeof title, "crosspipe \xc2\xb7 %s", xp_scenario_name(sc));
	text(g, 10, 26, "start", "font-size=\"18\" font-weight=\"bold\" fill=\"#111111\"", title);
	snprintf(sub, sizeof sub,
	         "%d stages, %d microbatches, dp %d, %d datacenter%s; inter-DC latency "
	         "%s, bandwidth %s; one time scale for all panels",
	         pr->stages, pr->microbatches, pr->dp, pr->datacenters,
	         pr->datacenters == 1 ? "" : "s",
	         xp_format_time(lat, sizeof lat, pr->inter_dc.latency_ns),
	         xp_format_bandwidth(bw, sizeof bw, pr->inter_dc.bandwidth_bps));
	text(g, 10, 46, "start", "font-size=\"12\" fill=\"#444444\"", sub);
	legend(g, kinds, LEGEND_Y, 1);
}

/* The longest extent over results (ops, collectives, transfer windows), from each origin. */
static int64_t longest_span(xp_result *const *res, int n)
{
	int64_t span = 1;
	for (int i = 0; i < n; i++) {
		const xp_result *r = res[i];
		int64_t o = xp_out_origin(r), e = o + r->makespan_ns;
		for (size_t k = 0; k < r->n_transfers; k++)
			if (r->transfers[k].crosses_dc && r->transfers[k].end_ns > e)
				e = r->transfers[k].end_ns;
		if (e - o > span)
			span = e - o;
	}
	return span;
}

static xp_status draw(gantt *g, const xp_scenario *sc, xp_result *const *res, int n)
{
	xp_out_link **links = calloc((size_t)(n > 0 ? n : 1), sizeof *links);
	int *nl = calloc((size_t)(n > 0 ? n : 1), sizeof *nl);
	xp_status st = links && nl ? XP_OK : XP_ENOMEM;
	unsigned kinds = kinds_present(res, n);
	double top = header_height(kinds), height = top;
	for (int i = 0; i < n && !st; i++) {
		st = xp_out_links(res[i], &links[i], &nl[i]);
		height += TITLE + rows_height(res[i], nl[i]) + AXIS + PANEL_GAP;
	}
	if (!st) {
		fprintf(
		    g->f,
		    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" "
		    "viewBox=\"0 0 %d %.0f\" font-family=\"DejaVu Sans, Helvetica, Arial, "
		    "sans-serif\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n",
		    WIDTH, ceil(height), WIDTH, ceil(height));
		header(g, sc, kinds);
		double y = top;
		for (int i = 0; i < n; i++)
			y = panel(g, res[i], y, links[i], nl[i]);
		fputs("</svg>\n", g->f);
	}
	for (int i = 0; links && i < n; i++)
		free(links[i]);
	free(links);
	free(nl);
	return st;
}

xp_status xp_write_gantt(FILE *f, const xp_scenario *sc, xp_result *const *res, int n)
{
	if (!f || !sc || (n > 0 && !res) || n < 0)
		return XP_EINVAL;
	gantt g = { .f = f, .pr = xp_scenario_params(sc) };
	g.span_ns = longest_span(res, n);
	g.scale = (double)(WIDTH - LEFT - RIGHT) / (double)g.span_ns;
	xp_status st = draw(&g, sc, res, n);
	if (st)
		return st;
	return xp_out_status(f);
}
