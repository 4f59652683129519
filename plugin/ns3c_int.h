/* ns3c_int.h: private to the .cc files of plugin/: the body of the xp_ns3 handle and the helpers
 * they share. C++ only. */
#ifndef XP_NS3C_INT_H
#define XP_NS3C_INT_H

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <ns3/core-module.h>
#include <ns3/flow-monitor-helper.h>
#include <ns3/internet-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>
#include <ns3/traffic-control-module.h>

#include "ns3c.h"

namespace xpns3
{

/* One piece of a message on one stream: bytes still to write (sender) or to receive. */
struct Piece {
	int64_t msg;
	int64_t left;
};

struct Net;

/* One TCP connection of a multi-stream connection. */
struct Stream {
	Net *net = nullptr;
	ns3::Ptr<ns3::Socket> tx, rx;
	std::deque<Piece> txq, rxq;
	bool established = false;
	bool primed = false; /* the primer is acknowledged: the peer's real window is known */
	uint32_t buffer = 0;
	uint32_t high_tx = 0; /* highest sequence number sent + 1 (relative to the first) */
	bool have_first = false;
	uint32_t first_seq = 0;
	uint16_t port = 0;
};

struct Conn {
	int src, dst;
	std::vector<std::unique_ptr<Stream>> streams;
	size_t next = 0; /* stream that takes the next message's first segments */
};

struct Message {
	int64_t tag;
	int pieces_left;
};

struct Link {
	int a, b;
	ns3::NetDeviceContainer devs;
	ns3::QueueDiscContainer qdiscs;
};

struct Net {
	xp_ns3_config cfg;
	int64_t seg = 0;
	ns3::NodeContainer nodes;
	std::vector<Link> links;
	std::vector<std::unique_ptr<Conn>> conns;
	std::vector<Message> msgs;       /* by message index */
	std::vector<int64_t> free_msgs;  /* reusable message indices */
	std::vector<uint16_t> next_port; /* per node: the next listening port */
	std::unique_ptr<ns3::FlowMonitorHelper> fm_helper;
	ns3::Ptr<ns3::FlowMonitor> monitor;
	bool frozen = false;
	bool stopped = false;
	int64_t connecting = 0; /* streams not yet primed */
	bool ready_sent = false;
	uint64_t events_at_start = 0;
	int64_t bytes_sent = 0, bytes_delivered = 0, msgs_sent = 0, msgs_delivered = 0;
	int64_t retransmissions = 0, loss_drops = 0;
	std::string async_error; /* an error inside a callback, reported by xp_ns3_run */
	std::vector<ns3::Ptr<ns3::Application>> sinks; /* other traffic's (dynamics.cc) */
	uint16_t traffic_port = 50000; /* their ports: above the connections' (stats.cc) */
};

/* network.cc */
xp_status freeze(Net *net, xp_error *err);

/* connection.cc */
void stream_pump(Stream *s);

/* Turn the exception being handled into a status (call from a catch block). */
xp_status fail_exception(xp_error *err, const char *where);

} // namespace xpns3

struct xp_ns3 {
	xpns3::Net net;
};

#endif
