/* stats.cc: what happened in the network: message bytes, retransmissions, drops, and the flow
 * monitor's view of every data flow. */
#include <ns3/ipv4-flow-classifier.h>

#include "ns3c_int.h"

using namespace ns3;
using namespace xpns3;

static void queue_drops(const Net &n, xp_ns3_stats *st)
{
	for (const Link &l : n.links) {
		for (uint32_t i = 0; i < l.qdiscs.GetN(); i++)
			st->queue_drops += l.qdiscs.Get(i)->GetStats().nTotalDroppedPackets;
		for (uint32_t i = 0; i < l.devs.GetN(); i++) {
			Ptr<PointToPointNetDevice> d =
			    DynamicCast<PointToPointNetDevice>(l.devs.Get(i));
			if (d && d->GetQueue())
				st->queue_drops += d->GetQueue()->GetTotalDroppedPackets();
		}
	}
}

/* The data direction of our connections: destination ports 1000 and up on the receivers. */
static void flow_stats(const Net &n, xp_ns3_stats *st)
{
	if (!n.monitor)
		return;
	n.monitor->CheckForLostPackets();
	Ptr<Ipv4FlowClassifier> cls = DynamicCast<Ipv4FlowClassifier>(n.fm_helper->GetClassifier());
	for (const auto &kv : n.monitor->GetFlowStats()) {
		Ipv4FlowClassifier::FiveTuple t = cls->FindFlow(kv.first);
		if (t.destinationPort < 1000 || t.destinationPort >= 49152)
			continue;
		const FlowMonitor::FlowStats &f = kv.second;
		st->flows++;
		st->flow_tx_packets += f.txPackets;
		st->flow_rx_packets += f.rxPackets;
		st->flow_lost_packets += f.lostPackets;
		st->flow_tx_bytes += (int64_t)f.txBytes;
		st->flow_rx_bytes += (int64_t)f.rxBytes;
		st->flow_rx_payload_bytes += (int64_t)f.rxBytes - 40 * (int64_t)f.rxPackets;
	}
	for (const auto &c : n.conns) /* the primers are not message bytes */
		st->flow_rx_payload_bytes -= 2 * n.seg * (int64_t)c->streams.size();
}

extern "C" xp_status xp_ns3_stats_get(xp_ns3 *h, xp_ns3_stats *st, xp_error *err)
{
	if (!h || !st)
		return xp_fail(err, XP_EINVAL, "xp_ns3_stats_get: invalid arguments");
	*st = xp_ns3_stats();
	try {
		const Net &n = h->net;
		st->events = (int64_t)(Simulator::GetEventCount() - n.events_at_start);
		st->bytes_sent = n.bytes_sent;
		st->bytes_delivered = n.bytes_delivered;
		st->messages_sent = n.msgs_sent;
		st->messages_delivered = n.msgs_delivered;
		for (const auto &c : n.conns)
			st->streams += (int64_t)c->streams.size();
		st->retransmissions = n.retransmissions;
		st->loss_drops = n.loss_drops;
		queue_drops(n, st);
		flow_stats(n, st);
		return XP_OK;
	} catch (...) {
		return fail_exception(err, "xp_ns3_stats_get");
	}
}
