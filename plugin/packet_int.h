/* packet_int.h: private to the packet engine (plugin/packet*.c): the network built from a
 * scenario. */
#ifndef XP_PACKET_INT_H
#define XP_PACKET_INT_H

#include "engine/packet.h"
#include "ns3c.h"
#include "output/result.h"
#include "scenario/scenario.h"

/* Stand-in for an infinite bandwidth: ns-3 links need a finite rate. */
#define XP_PACKET_FAST_BPS 1e12

/* The topology of docs/packet-engine.md ("Topology") for `hosts` hosts, host i in DC host_dc[i]:
 * one switch per DC, every host on its DC switch by an intra-DC link (half the intra-DC latency
 * each way, so host to host takes the intra-DC latency), and the switches joined by inter-DC links
 * (one per DC pair, or a chain), each taking the rest of the inter-DC latency. Hosts are nodes 0 ..
 * hosts-1. cfg's callbacks and ctx go to the network. */
xp_status xp_packet_build(const xp_params *pr, int hosts, const int *host_dc, int n_dc,
                          const xp_ns3_config *cfg, xp_ns3 **out, xp_error *err);

/* Streams, buffer and initial window for a connection between hosts in DCs a and b, `sharing`
 * connections crossing the same bottleneck at once (the DP replicas). */
void xp_packet_conn_config(const xp_params *pr, int dc_a, int dc_b, int sharing,
                           xp_ns3_conn_config *cc);

/* Inter-DC links between DCs a != b on the path (network.wan). */
int xp_packet_hops(const xp_params *pr, int dc_a, int dc_b);

/* One-way latency between hosts of DCs a and b in the built network. */
int64_t xp_packet_path_latency_ns(const xp_params *pr, int dc_a, int dc_b);

/* The network-wide configuration from the scenario (seed, transport, MTU). */
void xp_packet_config(const xp_params *pr, xp_ns3_config *cfg);

/* A link's simulated rate for a scenario bandwidth (inf: XP_PACKET_FAST_BPS; lowered with
 * network.fast: jumbo, docs/packet-engine.md "Fast mode"). */
double xp_packet_link_bps(const xp_params *pr, double bps);

/* The delay of one inter-DC link when the host-to-host inter-DC latency is latency_ns: what
 * the two access hops leave of it. */
int64_t xp_packet_wan_delay_ns(const xp_params *pr, int64_t latency_ns);

/* The built network's links come in this order: the hosts' access links (link i for host i),
 * then the inter-DC links (xp_packet_wan_links of them), then, with background traffic, one
 * access link per DC for its background host (node hosts + n_dc + dc). */
int xp_packet_wan_links(const xp_params *pr, int n_dc);
int xp_packet_has_background(const xp_params *pr, int n_dc);

/* ---- packet_wan.c: the time-varying WAN, stragglers over time, background traffic ---- */

typedef struct xp_packet_wan {
	const xp_params *pr;
	xp_ns3 *net;
	struct xp_timeline *link, *slow; /* engine/link_trace.h; NULL when constant */
	size_t link_hint, slow_hint;
	int first_link, n_links; /* the inter-DC links' ids */
	int64_t t0;              /* ns-3 time of the timeline's 0 (the first iteration's start) */
	int64_t delay_ns;        /* each inter-DC link's delay now */
	int64_t timer_tag;       /* the tag of the link-change timers */
} xp_packet_wan;

/* Refuse what the packet engine cannot simulate (a zero bandwidth), then make w's timelines. */
xp_status xp_packet_wan_init(xp_packet_wan *w, const xp_params *pr, xp_error *err);
void xp_packet_wan_free(xp_packet_wan *w);

/* After the network is built (hosts hosts, n_dc DCs): add the background flows. */
xp_status xp_packet_wan_attach(xp_packet_wan *w, xp_ns3 *net, int hosts, int n_dc,
                               int64_t timer_tag, xp_error *err);

/* The first iteration starts at ns-3 time now: the timeline's 0. Sets the links to its first
 * segment and arms the timer (timer_tag) of the next change. */
xp_status xp_packet_wan_start(xp_packet_wan *w, int64_t now, xp_error *err);

/* The change timer fired at now: set the links to the segment in force, arm the next one. */
xp_status xp_packet_wan_change(xp_packet_wan *w, int64_t now, xp_error *err);

/* A block of nominal duration dur_ns of device d starting at ns-3 time now: its duration under
 * the straggler trace (dur_ns without one). */
int64_t xp_packet_wan_block_ns(xp_packet_wan *w, int d, int64_t now, int64_t dur_ns);

/* The one-way latency now between hosts of DCs a and b. */
int64_t xp_packet_wan_latency_ns(const xp_packet_wan *w, int dc_a, int dc_b);

/* ---- packet_dp.c: datacenters.split: dp ---- */

/* Host index of replica r of stage k among p stages (nodes 0 .. hosts-1). */
static inline int xp_packet_host(int p, int replica, int stage)
{
	return replica * p + stage;
}

/* The DC of replica r's host of stage k: the stage's DC, or with datacenters.split: dp the
 * replica's (dp/D consecutive replicas per DC). */
int xp_packet_host_dc(const xp_params *pr, int replica, int stage);

/* The all-reduces across the D DCs, as rings of real transfers (packet_dp.c), 2(D-1) steps each;
 * a step starts when the previous one has fully arrived.
 * - datacenters.split: dp: once the schedule and its collectives are done, every stage's
 *   gradients: in each step the first replica of every DC sends 1/D of the stage's parameter
 *   bytes to the first replica of the next DC. The p stages' rings run at once and share the
 *   inter-DC links, as the analytic engine's one transfer of all the bytes does
 *   (xp_exec_wan_allreduce_ns).
 * - datacenters.split: hierarchical: when a chunk's reduce-scatter inside the DCs has ended, its
 *   shards: the n = dp/D rings of the replicas that hold shard i in every DC, in each step every
 *   replica sending 1/(nD) of the chunk's parameter bytes to its counterpart in the next DC.
 *   The chunks take the WAN in the order their reduce-scatters end, several at once while their
 *   messages fit in one ring's windows (each ring is sized to fill the path alone: two with
 *   full windows would overflow its queue; docs/packet-engine.md).
 * A group is one stage's ring (dp) or one chunk's n shard rings (hierarchical, group d*v + c);
 * its members are the replicas that send in each step (D, or dp). */
typedef struct xp_packet_allreduce {
	int p, D, steps;
	int per_chunk;     /* 1: hierarchical, a group per chunk, started by its reduce-scatter */
	int chunks;        /* groups per stage: 1, or the schedule's chunks (hierarchical) */
	int members, n;    /* senders per group; replicas per DC (dp/D) */
	int *conn;         /* p * members: stage d's member k's connection to the next DC */
	int *step, *left;  /* per group: its ring step, that step's messages still to arrive */
	int64_t *start_ns; /* per group: simulated time it started */
	int *queue, q_head, q_n; /* hierarchical: groups waiting for the WAN, in order */
	int64_t window,
	    load;          /* a shard connection's window; what the groups on the WAN use of it */
	int64_t tag0;      /* group g's messages carry tag0 + g */
	int started;       /* split dp: this iteration's all-reduce has started */
	int64_t origin_ns; /* the iteration's start */
} xp_packet_allreduce;

/* Set A up for a schedule of `chunks` chunks per device and open its connections (nothing
 * without split dp or hierarchical across 2 or more DCs). */
xp_status xp_packet_allreduce_connect(xp_packet_allreduce *A, xp_ns3 *net, const xp_params *pr,
                                      int chunks, xp_error *err);
void xp_packet_allreduce_free(xp_packet_allreduce *A);
/* split dp: send every stage's first step at now (origin: the iteration's time 0); stage d's
 * messages carry tag0 + d. */
xp_status xp_packet_allreduce_start(xp_packet_allreduce *A, xp_ns3 *net, const xp_params *pr,
                                    int64_t now, int64_t origin, int64_t tag0, xp_error *err);
/* hierarchical: chunk c of device d (group g = d * chunks + c) is reduce-scattered at now: its
 * shards take the WAN now, or after those before it; its messages carry tag0 + g. */
xp_status xp_packet_allreduce_queue(xp_packet_allreduce *A, xp_ns3 *net, const xp_params *pr, int g,
                                    int64_t now, int64_t origin, int64_t tag0, xp_error *err);
/* A message of group g (tag) arrived at now: send the next step when this one is complete;
 * returns 1 when g's rings have ended, its collective then recorded in res (times from the
 * origin; as the analytic engine's: the stage's or the chunk's parameter bytes). A failure goes
 * to *failed (when it holds none) and stops the network. */
int xp_packet_allreduce_arrived(xp_packet_allreduce *A, xp_ns3 *net, const xp_params *pr, int g,
                                int64_t tag, int64_t now, xp_result *res, xp_status *failed,
                                xp_error *err);

/* The network's figures as the packet engine reports them (the run's own fields zero). */
void xp_packet_stats_from(const xp_ns3_stats *ns, xp_packet_stats *stats);

/* The probe transfers (packet.h). */
xp_status xp_packet_run_probes(const xp_params *pr, xp_packet_probe *probes, int n, xp_error *err);

#endif
