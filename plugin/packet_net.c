/* packet_net.c: the packet engine's network from a scenario: DC switches, intra- and inter-DC
 * links, connection sizing from the bandwidth-delay product, and the probe transfers of
 * `calibrate`. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/link_trace.h"
#include "packet_int.h"

#define MIB           ((int64_t)1 << 20)
#define STREAM_TARGET (8 * MIB) /* auto: about this much window per TCP stream */
#define MAX_AUTO      256       /* auto: at most this many streams per connection */
#define MIN_SEGS      16        /* a stream's buffer holds at least this many segments */
#define INTRA_QUEUE   1000      /* intra-DC queues, packets (at least) */
#define MIN_WAN_QUEUE 16

static double finite_bps(double bps)
{
	return isfinite(bps) ? bps : XP_PACKET_FAST_BPS;
}

#define JUMBO_MTU   64000 /* network.fast: jumbo, the packet size simulated */
#define HEADER_SIZE 40    /* IP + TCP headers, timestamps off */

/* The scenario's MTU, the one an exact run simulates. */
static int scenario_mtu(const xp_params *pr)
{
	return pr->packet.mtu ? pr->packet.mtu : 9000;
}

/* The MTU simulated. */
static int mtu_of(const xp_params *pr)
{
	return pr->packet.fast == XP_FAST_JUMBO ? JUMBO_MTU : scenario_mtu(pr);
}

static int64_t segment_of(const xp_params *pr)
{
	return mtu_of(pr) - HEADER_SIZE;
}

/* A link's simulated rate. With jumbo packets it is lowered so that the payload rate (rate x
 * segment / MTU) is the scenario MTU's: a bulk transfer then takes as long as in an exact run, and
 * only the per-packet effects (store-and-forward, ACK clocking) change. */
double xp_packet_link_bps(const xp_params *pr, double bps)
{
	double f = finite_bps(bps);
	if (pr->packet.fast != XP_FAST_JUMBO)
		return f;
	double exact = scenario_mtu(pr);
	return f * (exact - HEADER_SIZE) / exact * JUMBO_MTU / (JUMBO_MTU - HEADER_SIZE);
}

int64_t xp_packet_wan_delay_ns(const xp_params *pr, int64_t latency_ns)
{
	int64_t d = latency_ns - pr->intra_dc.latency_ns;
	return d > 0 ? d : 0;
}

int xp_packet_hops(const xp_params *pr, int dc_a, int dc_b)
{
	return pr->packet.wan == XP_WAN_CHAIN ? abs(dc_a - dc_b) : 1;
}

int64_t xp_packet_path_latency_ns(const xp_params *pr, int dc_a, int dc_b)
{
	if (dc_a == dc_b)
		return pr->intra_dc.latency_ns;
	return pr->intra_dc.latency_ns +
	       xp_packet_hops(pr, dc_a, dc_b) * xp_packet_wan_delay_ns(pr, pr->inter_dc.latency_ns);
}

void xp_packet_config(const xp_params *pr, xp_ns3_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->seed = pr->seed;
	cfg->transport = pr->packet.transport;
	cfg->mtu = mtu_of(pr);
	cfg->timestamps = 0;
	cfg->flow_monitor = 1;
}

/* auto: the window of one stream. ns-3's cost per segment sent grows with the segments in
 * flight on its stream (TcpTxBuffer walks them), so the target is a count of segments: the
 * scenario MTU's in STREAM_TARGET bytes. With jumbo packets a stream then carries as many (larger)
 * segments as in an exact run, and a connection needs about seven times fewer streams, which
 * shortens ns-3's linear search of a host's sockets for every packet it receives. */
static double stream_target(const xp_params *pr)
{
	return (double)STREAM_TARGET * (double)segment_of(pr) / (scenario_mtu(pr) - HEADER_SIZE);
}

void xp_packet_conn_config(const xp_params *pr, int dc_a, int dc_b, int sharing,
                           xp_ns3_conn_config *cc)
{
	const xp_packet_net *pn = &pr->packet;
	int64_t seg = segment_of(pr), lat = pr->intra_dc.latency_ns, peak_lat;
	double bps = finite_bps(pr->intra_dc.bandwidth_bps), peak_bps;
	xp_timeline_link_peak(pr, &peak_bps, &peak_lat); /* the nominal values when constant */
	if (dc_a != dc_b) {
		bps = finite_bps(peak_bps) < bps ? finite_bps(peak_bps) : bps;
		lat += xp_packet_hops(pr, dc_a, dc_b) * xp_packet_wan_delay_ns(pr, peak_lat);
	}
	double bdp = bps / 8 * 2e-9 * (double)lat;
	double total = pn->buffer_bytes > 0 ? (double)pn->buffer_bytes
	                                    : (pn->buffer_bdp > 0 ? pn->buffer_bdp : 1.5) * bdp /
	                                          (sharing > 0 ? sharing : 1);
	int k = pn->connections;
	if (k <= 0) {
		k = (int)ceil(total / stream_target(pr));
		k = k < 1 ? 1 : k > MAX_AUTO ? MAX_AUTO : k;
	}
	double each = total / k;
	if (each < (double)(MIN_SEGS * seg))
		each = (double)(MIN_SEGS * seg);
	if (each > 2147483647.0)
		each = 2147483647.0;
	cc->streams = k;
	cc->buffer_bytes = (int64_t)each;
	cc->initial_window = pn->initial_window == XP_WINDOW_STANDARD ? 0 : cc->buffer_bytes;
}

/* Intra-DC links. A host's own queue must take whole windows at once: ns-3's TCP gets no
 * back-pressure from it (Linux has TCP small queues), so a burst it cannot hold would be dropped
 * at the sender. Room for four connections' full buffers, at least INTRA_QUEUE packets. */
static xp_ns3_link_config intra_link(const xp_params *pr)
{
	xp_ns3_link_config lc = { 0 };
	xp_ns3_conn_config cc;
	lc.rate_bps = xp_packet_link_bps(pr, pr->intra_dc.bandwidth_bps);
	lc.delay_ns = pr->intra_dc.latency_ns / 2;
	lc.qdisc = XP_NS3_FIFO;
	lc.acks_first = 1;
	xp_packet_conn_config(pr, 0, pr->datacenters > 1 ? 1 : 0, 1, &cc);
	double burst = 4.0 * (double)cc.buffer_bytes * cc.streams / segment_of(pr);
	lc.queue_packets = INTRA_QUEUE + (burst < 1e7 - INTRA_QUEUE ? (int64_t)burst : 9000000);
	return lc;
}

static xp_ns3_link_config wan_link(const xp_params *pr)
{
	const xp_packet_net *pn = &pr->packet;
	xp_ns3_link_config lc = { 0 };
	double peak_bps;
	int64_t peak_lat;
	xp_timeline_link_peak(pr, &peak_bps, &peak_lat); /* the queue holds the peak's BDP */
	lc.rate_bps = xp_packet_link_bps(pr, pr->inter_dc.bandwidth_bps);
	lc.delay_ns = xp_packet_wan_delay_ns(pr, pr->inter_dc.latency_ns);
	lc.qdisc = pn->qdisc;
	lc.loss_rate = pn->loss;
	lc.ecn = pn->transport == XP_TCP_DCTCP;
	double bdp_pkts =
	    xp_packet_link_bps(pr, peak_bps) / 8 * 2e-9 * (double)peak_lat / mtu_of(pr);
	double q = pn->queue_packets > 0 ? (double)pn->queue_packets
	                                 : (pn->queue_bdp > 0 ? pn->queue_bdp : 2.0) * bdp_pkts;
	lc.queue_packets = q < MIN_WAN_QUEUE ? MIN_WAN_QUEUE : q > 1e7 ? 10000000 : (int64_t)q;
	return lc;
}

static xp_status add_wan(const xp_params *pr, xp_ns3 *net, int first_switch, int n_dc,
                         xp_error *err)
{
	xp_ns3_link_config lc = wan_link(pr);
	xp_status st = XP_OK;
	for (int a = 0; a < n_dc && !st; a++)
		for (int b = a + 1; b < n_dc && !st; b++)
			if (pr->packet.wan != XP_WAN_CHAIN || b == a + 1)
				st = xp_ns3_link_add(net, first_switch + a, first_switch + b, &lc,
				                     NULL, err);
	return st;
}

int xp_packet_wan_links(const xp_params *pr, int n_dc)
{
	return n_dc < 2 ? 0 : pr->packet.wan == XP_WAN_CHAIN ? n_dc - 1 : n_dc * (n_dc - 1) / 2;
}

int xp_packet_has_background(const xp_params *pr, int n_dc)
{
	return pr->background.load > 0 && n_dc > 1;
}

/* A background host per DC, on its DC switch by a link as fast as the WAN's peak at least. */
static xp_status add_background_hosts(const xp_params *pr, xp_ns3 *net, int hosts, int n_dc,
                                      xp_error *err)
{
	xp_ns3_link_config lc = intra_link(pr);
	double peak_bps;
	int64_t peak_lat;
	xp_timeline_link_peak(pr, &peak_bps, &peak_lat);
	if (xp_packet_link_bps(pr, peak_bps) > lc.rate_bps)
		lc.rate_bps = xp_packet_link_bps(pr, peak_bps);
	xp_status st = XP_OK;
	for (int dc = 0; dc < n_dc && !st; dc++) {
		int id;
		st = xp_ns3_node_add(net, &id, err);
		if (!st)
			st = xp_ns3_link_add(net, id, hosts + dc, &lc, NULL, err);
	}
	return st;
}

xp_status xp_packet_build(const xp_params *pr, int hosts, const int *host_dc, int n_dc,
                          const xp_ns3_config *cfg, xp_ns3 **out, xp_error *err)
{
	xp_ns3 *net = NULL;
	xp_status st = xp_ns3_new(cfg, &net, err);
	int id;
	for (int i = 0; !st && i < hosts + n_dc; i++)
		st = xp_ns3_node_add(net, &id, err);
	xp_ns3_link_config lc = intra_link(pr);
	for (int i = 0; !st && i < hosts; i++)
		st = xp_ns3_link_add(net, i, hosts + host_dc[i], &lc, NULL, err);
	if (!st)
		st = add_wan(pr, net, hosts, n_dc, err);
	if (!st && xp_packet_has_background(pr, n_dc))
		st = add_background_hosts(pr, net, hosts, n_dc, err);
	if (st) {
		xp_ns3_free(net);
		return st;
	}
	*out = net;
	return XP_OK;
}

void xp_packet_stats_from(const xp_ns3_stats *ns, xp_packet_stats *stats)
{
	*stats = (xp_packet_stats){ .events = ns->events };
	stats->bytes_sent = ns->bytes_sent;
	stats->bytes_delivered = ns->bytes_delivered;
	stats->messages_sent = ns->messages_sent;
	stats->messages_delivered = ns->messages_delivered;
	stats->streams = ns->streams;
	stats->retransmissions = ns->retransmissions;
	stats->drops = ns->queue_drops + ns->loss_drops;
	stats->loss_drops = ns->loss_drops;
	stats->flows = ns->flows;
	stats->flow_tx_packets = ns->flow_tx_packets;
	stats->flow_rx_packets = ns->flow_rx_packets;
	stats->flow_lost_packets = ns->flow_lost_packets;
	stats->flow_rx_payload_bytes = ns->flow_rx_payload_bytes;
}

/* ---- probe transfers ---- */

typedef struct probe_run {
	xp_ns3 *net;
	xp_packet_probe *pb;
	int sent;
	int64_t t0;
	xp_status st;
	xp_error *err;
} probe_run;

static void probe_send(probe_run *R, int64_t now)
{
	R->t0 = now;
	R->sent++;
	R->st = xp_ns3_send(R->net, 0, R->pb->bytes, R->sent, R->err);
	if (R->st)
		xp_ns3_stop(R->net);
}

static void probe_ready(void *ctx, int64_t now)
{
	probe_send(ctx, now);
}

static void probe_delivered(void *ctx, int64_t tag, int64_t now)
{
	probe_run *R = ctx;
	(void)tag;
	if (R->sent <= R->pb->warm) {
		probe_send(R, now);
		return;
	}
	R->pb->time_ns = now - R->t0;
	xp_ns3_stop(R->net);
}

static xp_status probe_one(const xp_params *pr, xp_packet_probe *pb, xp_error *err)
{
	int dcs[2] = { 0, pb->inter_dc ? 1 : 0 }, conn;
	probe_run R = { .pb = pb, .err = err };
	xp_ns3_config cfg;
	xp_ns3_conn_config cc;
	xp_packet_config(pr, &cfg);
	cfg.flow_monitor = 0;
	cfg.ctx = &R;
	cfg.ready = probe_ready;
	cfg.delivered = probe_delivered;
	xp_status st = xp_packet_build(pr, 2, dcs, pb->inter_dc ? 2 : 1, &cfg, &R.net, err);
	if (st)
		return st;
	xp_packet_conn_config(pr, dcs[0], dcs[1], pr->dp, &cc);
	pb->time_ns = -1;
	st = xp_ns3_connect(R.net, 0, 1, &cc, &conn, err);
	if (!st)
		st = xp_ns3_run(R.net, 0, err);
	if (!st)
		st = R.st;
	if (!st && pb->time_ns < 0)
		st =
		    xp_fail(err, XP_EIO, "probe of %lld bytes never arrived", (long long)pb->bytes);
	xp_ns3_free(R.net);
	return st;
}

xp_status xp_packet_run_probes(const xp_params *pr, xp_packet_probe *probes, int n, xp_error *err)
{
	for (int i = 0; i < n; i++) {
		if (probes[i].bytes < 1 || probes[i].warm < 0)
			return xp_fail(err, XP_EINVAL, "probe %d: bad size or warm-up count", i);
		xp_status st = probe_one(pr, &probes[i], err);
		if (st)
			return st;
	}
	return XP_OK;
}
