/* packet_int.h: private to the packet engine (plugin/packet*.c): the network built from a
 * scenario. */
#ifndef XP_PACKET_INT_H
#define XP_PACKET_INT_H

#include "engine/packet.h"
#include "ns3c.h"
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

/* One-way latency between hosts of DCs a and b in the built network. */
int64_t xp_packet_path_latency_ns(const xp_params *pr, int dc_a, int dc_b);

/* The network-wide configuration from the scenario (seed, transport, MTU). */
void xp_packet_config(const xp_params *pr, xp_ns3_config *cfg);

/* The probe transfers (packet.h). */
xp_status xp_packet_run_probes(const xp_params *pr, xp_packet_probe *probes, int n, xp_error *err);

#endif
