/* packet.h: the packet engine's extras (run statistics, probe transfers), as seen from models/.
 *
 * The packet engine lives in plugin/ and is built, when ns-3 was found at configure time, into
 * the module crosspipe-ns3.so (module.h), which exports this table as xp_module_ns3's api.
 * models/ never calls plugin/ directly: xp_packet() opens the module on first use and returns
 * the table, or NULL, so that callers say "not built" instead of failing to link; engine.c lists
 * the "packet" engine the same way. */
#ifndef XP_PACKET_H
#define XP_PACKET_H

#include <stdint.h>

#include "base/status.h"
#include "engine/engine.h"
#include "output/result.h"
#include "scenario/scenario.h"
#include "schedule/schedule.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a packet run measured besides the timeline. */
typedef struct xp_packet_stats {
	int64_t origin_ns; /* simulated time at which the (first) iteration started (connections
	                      established); every time in the result counts from it */
	int64_t events;    /* ns-3 events executed */
	double wall_s;     /* wall time of the simulation (varies between runs) */
	int64_t nodes, links, connections, streams;
	int64_t bytes_sent, bytes_delivered; /* message bytes, all replicas and collectives */
	int64_t messages_sent, messages_delivered;
	int64_t retransmissions; /* TCP segments sent again */
	int64_t drops;           /* packets dropped in queues and by the loss model */
	int64_t loss_drops;      /* of which by the random loss model */
	int64_t flows, flow_tx_packets, flow_rx_packets, flow_lost_packets;
	int64_t flow_rx_payload_bytes; /* FlowMonitor: received bytes minus 40 header bytes per
	                                  packet (handshake options remain) */
	int64_t background_bytes;      /* payload the background traffic's sinks received
	                                  (network.background) */
} xp_packet_stats;

/* One probe: `bytes` sent from a host to a host of the same DC (inter_dc = 0) or of the next DC
 * (inter_dc = 1), after `warm` messages of the same size on the same connection; *time_ns is from
 * the send to the last byte's arrival. */
typedef struct xp_packet_probe {
	int inter_dc;
	int64_t bytes;
	int warm;
	int64_t time_ns; /* out */
} xp_packet_probe;

typedef struct xp_packet_plugin {
	const xp_engine *engine;
	/* The engine's run, also returning the statistics (stats may be NULL). */
	xp_status (*run)(const xp_params *pr, const xp_schedule *sched, xp_result *res,
	                 xp_packet_stats *stats, xp_error *err);
	/* Probe transfers over a two-DC network built like the scenario's; each probe runs alone
	 * on a fresh network. */
	xp_status (*probe)(const xp_params *pr, xp_packet_probe *probes, int n, xp_error *err);
} xp_packet_plugin;

/* The packet engine's table in *out. XP_ENOTBUILT (the message says how to build it) when there
 * is no module, XP_EIO when the module cannot be loaded (the message says why). */
xp_status xp_packet_load(const xp_packet_plugin **out, xp_error *err);

/* The same, or NULL when crosspipe was built without ns-3; a module that exists but cannot be
 * loaded is reported once on stderr. */
const xp_packet_plugin *xp_packet(void);

#ifdef __cplusplus
}
#endif
#endif
