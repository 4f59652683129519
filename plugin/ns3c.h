/* ns3c.h: a thin C API over ns-3 (the only C++ in crosspipe): a network of nodes and
 * point-to-point links with queue disciplines and random loss, persistent multi-stream TCP
 * connections that carry messages with completion callbacks, timers, the run loop, and flow
 * statistics.
 *
 * Contract common to every function:
 *  - Every entry point catches all C++ exceptions and returns an xp_status (XP_EINVAL for bad
 *    arguments, XP_ENOMEM, XP_EIO for anything ns-3 threw); err (may be NULL) gets the message.
 *  - Arguments are checked here, in C terms, before ns-3 sees them: ns-3's own fatal errors
 *    (NS_FATAL_ERROR, address collisions) end the process and cannot be caught.
 *  - ns-3's simulator, node list and attribute defaults are process globals, so there is at most
 *    one xp_ns3 at a time in a process (a second xp_ns3_new fails with XP_EINVAL until the first
 *    is freed). That is the only state this module keeps outside the handle.
 *  - Times are int64_t nanoseconds of simulated time, sizes bytes, rates bits per second.
 *  - Callbacks run inside the simulator, at the simulated time they report; they may send
 *    messages, set timers and stop the run, but must not free the network.
 *
 * Life cycle: xp_ns3_new (seeds ns-3 and sets every attribute default) -> xp_ns3_node_add and
 * xp_ns3_link_add -> xp_ns3_connect (the first call freezes the topology: addresses, routes, flow
 * monitor) -> xp_ns3_run (connections open at time 0; `ready` fires once all are established)
 * -> sends, timers, xp_ns3_stop from the callbacks -> xp_ns3_stats -> xp_ns3_free. */
#ifndef XP_NS3C_H
#define XP_NS3C_H

#include <stdint.h>

#include "base/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct xp_ns3 xp_ns3; /* one network and its simulator */

typedef enum { XP_NS3_NEWRENO = 0, XP_NS3_CUBIC, XP_NS3_BBR, XP_NS3_DCTCP } xp_ns3_transport;
typedef enum { XP_NS3_FIFO = 0, XP_NS3_RED, XP_NS3_CODEL, XP_NS3_FQCODEL } xp_ns3_qdisc;

/* Callbacks. `ctx` is the pointer given to xp_ns3_new; `tag` the caller's tag. */
typedef void (*xp_ns3_ready_fn)(void *ctx, int64_t now_ns); /* every connection established */
typedef void (*xp_ns3_delivered_fn)(void *ctx, int64_t tag, int64_t now_ns); /* message fully
                                                                               received */
typedef void (*xp_ns3_timer_fn)(void *ctx, int64_t tag, int64_t now_ns);

typedef struct xp_ns3_config {
	uint64_t seed;                 /* RngSeedManager seed and run are derived from it */
	int transport;                 /* xp_ns3_transport */
	int mtu;                       /* bytes, 576 .. 65000; TCP segments are mtu - 40 (- 12 with
	                                  timestamps) */
	int timestamps;                /* TCP timestamp option (off is faster, same times) */
	int flow_monitor;              /* install FlowMonitor on every node (statistics) */
	void *ctx;                     /* handed to every callback */
	xp_ns3_ready_fn ready;         /* may be NULL */
	xp_ns3_delivered_fn delivered; /* may be NULL */
	xp_ns3_timer_fn timer;         /* may be NULL */
} xp_ns3_config;

typedef struct xp_ns3_link_config {
	double rate_bps;       /* 1e3 .. 1e13 */
	int64_t delay_ns;      /* one-way propagation, >= 0 */
	int qdisc;             /* xp_ns3_qdisc, the root queue discipline on both ends */
	int64_t queue_packets; /* its capacity, 4 .. 1e7 packets */
	double loss_rate;      /* random packet loss on receive, both directions, 0 .. 0.5 */
	int ecn;               /* AQM marks instead of dropping (for DCTCP) */
	int acks_first;        /* with XP_NS3_FIFO: pure ACKs go ahead of data (a strict-priority
	                          band, pfifo_fast), as a host's flow-queueing qdisc would let them;
	                          otherwise an ACK waits behind a whole window burst */
} xp_ns3_link_config;

/* Per-connection options. A connection is `streams` parallel TCP connections from src to dst; a
 * message is split over them in whole segments, so the cost stays linear in bytes
 * (docs/packet-engine.md, "ns-3 facts"). */
typedef struct xp_ns3_conn_config {
	int streams;            /* 1 .. 4096 */
	int64_t buffer_bytes;   /* send and receive buffer of each stream, 4 KiB .. 2 GiB - 1 */
	int64_t initial_window; /* initial congestion window in bytes (0: ns-3's 10 segments) */
} xp_ns3_conn_config;

/* Create the network (and seed ns-3). XP_EINVAL when another one exists or cfg is bad. */
xp_status xp_ns3_new(const xp_ns3_config *cfg, xp_ns3 **out, xp_error *err);
/* Destroy the network and ns-3's simulator; a new one may then be created. NULL is a no-op. */
void xp_ns3_free(xp_ns3 *net);

/* Add a node (with an IPv4/TCP stack); *id is 0, 1, 2, ... in order. Not after the first
 * connection. */
xp_status xp_ns3_node_add(xp_ns3 *net, int *id, xp_error *err);

/* Join nodes a and b (a != b) by a full-duplex point-to-point link; *id (may be NULL) is 0, 1, ...
 * in order. Not after the first connection. */
xp_status xp_ns3_link_add(xp_ns3 *net, int a, int b, const xp_ns3_link_config *lc, int *id,
                          xp_error *err);

/* Open a persistent connection from node src to node dst (routed over the links). It is
 * established when the run starts; messages sent earlier wait for it. *id is 0, 1, ... */
xp_status xp_ns3_connect(xp_ns3 *net, int src, int dst, const xp_ns3_conn_config *cc, int *id,
                         xp_error *err);

/* Queue `bytes` (>= 1) on connection conn; `delivered(tag)` fires when the last byte has been
 * received at dst. Messages on one connection are delivered in order. */
xp_status xp_ns3_send(xp_ns3 *net, int conn, int64_t bytes, int64_t tag, xp_error *err);

/* `timer(tag)` fires at simulated time at_ns (>= now). */
xp_status xp_ns3_timer(xp_ns3 *net, int64_t at_ns, int64_t tag, xp_error *err);

/* Run until xp_ns3_stop, until no event is left, or until limit_ns of simulated time (0: no
 * limit). */
xp_status xp_ns3_run(xp_ns3 *net, int64_t limit_ns, xp_error *err);
void xp_ns3_stop(xp_ns3 *net); /* end the run after the current event */

/* What happened in the network. Flow figures come from FlowMonitor (zero without it) and count
 * the data direction of every connection (receiver port), IP packets with headers. */
typedef struct xp_ns3_stats {
	int64_t events;          /* simulator events executed by this network */
	int64_t bytes_sent;      /* message bytes handed to xp_ns3_send */
	int64_t bytes_delivered; /* message bytes received by the destinations */
	int64_t messages_sent, messages_delivered;
	int64_t streams;         /* TCP streams of all connections (xp_ns3_conn_config.streams) */
	int64_t retransmissions; /* TCP data segments sent again */
	int64_t queue_drops;     /* packets dropped by queue disciplines and device queues */
	int64_t loss_drops;      /* packets dropped by the random loss model */
	int64_t flows;           /* data flows seen by FlowMonitor */
	int64_t flow_tx_packets, flow_rx_packets, flow_lost_packets;
	int64_t flow_tx_bytes, flow_rx_bytes;
	int64_t flow_rx_payload_bytes; /* flow_rx_bytes minus 40 header bytes per packet and the
	                                  streams' primers (two segments each): message bytes
	                                  plus the handshakes' TCP options */
} xp_ns3_stats;

xp_status xp_ns3_stats_get(xp_ns3 *net, xp_ns3_stats *st, xp_error *err);

/* ---- changes during the run, and other traffic (dynamics.cc) ---- */

/* Set link `link`'s rate (both directions; 1e3 .. 1e13 bps) and one-way delay (>= 0) from now
 * on: a packet already on the wire keeps its timing. Queue disciplines keep their sizes. */
xp_status xp_ns3_link_set(xp_ns3 *net, int link, double rate_bps, int64_t delay_ns, xp_error *err);

/* Traffic of other tenants from node src to node dst on ns-3's own applications: `flows`
 * OnOffApplications (UDP or TCP) to PacketSinks, each sending rate_bps / flows of IP packets
 * (headers counted, full-size packets) while on. On and off periods are exponential with the
 * given means; off_ns 0 means always on. They start at time 0 and never stop. TCP flows get
 * buffer_bytes of send and receive buffer (every TCP traffic flow of the network the same). Not
 * counted by the statistics above, except in queue drops. */
typedef struct xp_ns3_traffic_config {
	int tcp;              /* 0: UDP, 1: TCP (the network's transport) */
	double rate_bps;      /* while on, all flows together, 1e3 .. 1e13 */
	int64_t on_ns;        /* mean on time, >= 1 */
	int64_t off_ns;       /* mean off time, >= 0 (0: constant) */
	int flows;            /* 1 .. 256 */
	int64_t buffer_bytes; /* TCP: per flow, 4 KiB .. 2 GiB - 1 */
} xp_ns3_traffic_config;

xp_status xp_ns3_traffic_add(xp_ns3 *net, int src, int dst, const xp_ns3_traffic_config *tc,
                             xp_error *err);

/* Bytes the traffic's sinks have received so far (application payload). */
int64_t xp_ns3_traffic_rx_bytes(const xp_ns3 *net);

#ifdef __cplusplus
}
#endif
#endif
