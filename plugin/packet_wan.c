/* packet_wan.c: what the packet engine's network does besides carrying the schedule: the
 * inter-DC links follow the scenario's timeline (engine/link_trace.h, the one place that defines
 * it: trace, stochastic variation, degradation), a straggler trace stretches blocks as in the
 * analytic engine, and other tenants' background traffic runs on ns-3's OnOffApplication. */
#include "engine/link_trace.h"
#include "packet_int.h"

#define BG_MAX_FLOWS 256

/* The packet engine cannot simulate a link that carries nothing (ns-3 needs a rate > 0). */
static xp_status refuse_outage(const xp_params *pr, xp_error *err)
{
	const xp_link_variation *v = &pr->inter_var;
	if (v->degrade_ns > 0 && v->degrade_factor <= 0)
		return xp_fail(
		    err, XP_EINVAL,
		    "the packet engine cannot simulate an outage "
		    "(network.inter_dc.degradation.bandwidth 0%%): ns-3 links need a "
		    "rate above 0; use a small share such as 0.1%% or the analytic engine");
	for (size_t i = 0; i < v->n_rows; i++)
		if (v->row_bps[i] <= 0)
			return xp_fail(
			    err, XP_EINVAL,
			    "the packet engine cannot simulate an outage (row %zu of "
			    "network.inter_dc.trace has bandwidth 0): ns-3 links need a rate "
			    "above 0; use the analytic engine",
			    i + 1);
	return XP_OK;
}

xp_status xp_packet_wan_init(xp_packet_wan *w, const xp_params *pr, xp_error *err)
{
	*w = (xp_packet_wan){ .pr = pr, .t0 = -1 };
	w->delay_ns = xp_packet_wan_delay_ns(pr, pr->inter_dc.latency_ns);
	xp_status st = refuse_outage(pr, err);
	if (!st && pr->datacenters > 1 && xp_params_time_varying(pr))
		st = xp_timeline_link(pr, &w->link, err);
	if (!st)
		st = xp_timeline_straggler(pr, &w->slow, err);
	return st;
}

void xp_packet_wan_free(xp_packet_wan *w)
{
	xp_timeline_free(w->link);
	xp_timeline_free(w->slow);
	w->link = w->slow = NULL;
}

/* Flows in both directions on every inter-DC link, each offering `load` of its nominal capacity
 * (absolute: a degraded link leaves the tenants' rate as it is). */
static xp_status add_flows(xp_packet_wan *w, int bg0, int a, int b, xp_error *err)
{
	const xp_params *pr = w->pr;
	const xp_background *bg = &pr->background;
	double duty =
	    bg->pattern == XP_BG_ONOFF ? (double)bg->on_ns / (double)(bg->on_ns + bg->off_ns) : 1;
	xp_ns3_traffic_config tc = { .tcp = bg->transport == XP_BG_TCP, .flows = 1 };
	tc.rate_bps = bg->load / duty * xp_packet_link_bps(pr, pr->inter_dc.bandwidth_bps);
	tc.on_ns = bg->on_ns;
	tc.off_ns = bg->pattern == XP_BG_ONOFF ? bg->off_ns : 0;
	if (tc.tcp) { /* as many streams and as much buffer as a pipeline connection */
		xp_ns3_conn_config cc;
		xp_packet_conn_config(pr, a, b, 1, &cc);
		tc.flows = cc.streams < BG_MAX_FLOWS ? cc.streams : BG_MAX_FLOWS;
		tc.buffer_bytes = cc.buffer_bytes;
	}
	xp_status st = xp_ns3_traffic_add(w->net, bg0 + a, bg0 + b, &tc, err);
	return st ? st : xp_ns3_traffic_add(w->net, bg0 + b, bg0 + a, &tc, err);
}

xp_status xp_packet_wan_attach(xp_packet_wan *w, xp_ns3 *net, int hosts, int n_dc,
                               int64_t timer_tag, xp_error *err)
{
	const xp_params *pr = w->pr;
	w->net = net;
	w->timer_tag = timer_tag;
	w->first_link = hosts;
	w->n_links = xp_packet_wan_links(pr, n_dc);
	xp_status st = XP_OK;
	if (!xp_packet_has_background(pr, n_dc))
		return XP_OK;
	for (int a = 0; a < n_dc && !st; a++)
		for (int b = a + 1; b < n_dc && !st; b++)
			if (pr->packet.wan != XP_WAN_CHAIN || b == a + 1)
				st = add_flows(w, hosts + n_dc, a, b, err);
	return st;
}

/* Set every inter-DC link to the segment in force at timeline time t; arm the next change. */
static xp_status apply(xp_packet_wan *w, int64_t t, xp_error *err)
{
	double bps;
	int64_t lat, next;
	xp_status st = xp_timeline_segment(w->link, t, &bps, &lat, &next, &w->link_hint, err);
	if (st)
		return st;
	double rate = xp_packet_link_bps(w->pr, bps);
	rate = rate < 1e3 ? 1e3 : rate > 1e13 ? 1e13 : rate; /* ns-3's range (ns3c.h) */
	w->delay_ns = xp_packet_wan_delay_ns(w->pr, lat);
	for (int i = 0; i < w->n_links && !st; i++)
		st = xp_ns3_link_set(w->net, w->first_link + i, rate, w->delay_ns, err);
	if (!st && next != INT64_MAX)
		st = xp_ns3_timer(w->net, w->t0 + next, w->timer_tag, err);
	return st;
}

xp_status xp_packet_wan_start(xp_packet_wan *w, int64_t now, xp_error *err)
{
	if (w->t0 >= 0)
		return XP_OK;
	w->t0 = now;
	return w->link ? apply(w, 0, err) : XP_OK;
}

xp_status xp_packet_wan_change(xp_packet_wan *w, int64_t now, xp_error *err)
{
	return apply(w, now - w->t0, err);
}

int64_t xp_packet_wan_block_ns(xp_packet_wan *w, int d, int64_t now, int64_t dur_ns)
{
	const xp_params *pr = w->pr;
	if (!w->slow || !pr->straggler.slow || !pr->straggler.slow[d])
		return dur_ns;
	int64_t at = now - w->t0, end;
	/* a straggler timeline has a fixed set of segments: it cannot run out of room */
	if (xp_timeline_finish(w->slow, at, (double)dur_ns, &end, NULL, &w->slow_hint, NULL))
		return dur_ns;
	return end - at;
}

int64_t xp_packet_wan_latency_ns(const xp_packet_wan *w, int dc_a, int dc_b)
{
	const xp_params *pr = w->pr;
	if (dc_a == dc_b)
		return pr->intra_dc.latency_ns;
	return pr->intra_dc.latency_ns + xp_packet_hops(pr, dc_a, dc_b) * w->delay_ns;
}
