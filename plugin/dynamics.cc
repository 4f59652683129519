/* dynamics.cc: what changes while a network runs: link rates and delays set from the caller's
 * timeline, and other tenants' traffic on ns-3's OnOffApplication and PacketSink. */
#include <ns3/applications-module.h>

#include "ns3c_int.h"

using namespace ns3;
using namespace xpns3;

#define TRAFFIC_STREAMS (1 << 24) /* random streams of the traffic: above the stack's */

extern "C" xp_status xp_ns3_link_set(xp_ns3 *h, int link, double rate_bps, int64_t delay_ns,
                                     xp_error *err)
{
	if (!h || link < 0 || link >= (int)h->net.links.size())
		return xp_fail(err, XP_EINVAL, "xp_ns3_link_set: no link %d", link);
	if (!(rate_bps >= 1e3 && rate_bps <= 1e13) || delay_ns < 0)
		return xp_fail(err, XP_EINVAL, "xp_ns3_link_set: rate %g bps or delay %lld ns",
		               rate_bps, (long long)delay_ns);
	try {
		Link &l = h->net.links[link];
		for (uint32_t i = 0; i < l.devs.GetN(); i++)
			DynamicCast<PointToPointNetDevice>(l.devs.Get(i))
			    ->SetDataRate(DataRate((uint64_t)rate_bps));
		l.devs.Get(0)->GetChannel()->SetAttribute("Delay",
		                                          TimeValue(NanoSeconds(delay_ns)));
		return XP_OK;
	} catch (...) {
		return fail_exception(err, "xp_ns3_link_set");
	}
}

static xp_status check_traffic(const Net &n, int src, int dst, const xp_ns3_traffic_config *tc,
                               xp_error *err)
{
	int nn = (int)n.nodes.GetN();
	if (!tc || src < 0 || dst < 0 || src >= nn || dst >= nn || src == dst)
		return xp_fail(err, XP_EINVAL, "xp_ns3_traffic_add: bad nodes %d -> %d", src, dst);
	if (!(tc->rate_bps >= 1e3 && tc->rate_bps <= 1e13) || tc->on_ns < 1 || tc->off_ns < 0 ||
	    tc->flows < 1 || tc->flows > 256)
		return xp_fail(err, XP_EINVAL, "xp_ns3_traffic_add: bad rate, periods or flows");
	if (tc->tcp && (tc->buffer_bytes < 4096 || tc->buffer_bytes > 2147483647))
		return xp_fail(err, XP_EINVAL, "xp_ns3_traffic_add: bad TCP buffer");
	if (n.traffic_port + tc->flows > 65535)
		return xp_fail(err, XP_EINVAL, "xp_ns3_traffic_add: no ports left");
	return XP_OK;
}

static Ptr<RandomVariableStream> period(int64_t mean_ns, bool always)
{
	if (always) { /* on for ever (a constant off time of 0 would end it once a second) */
		Ptr<ConstantRandomVariable> c = CreateObject<ConstantRandomVariable>();
		c->SetAttribute("Constant", DoubleValue(1e9));
		return c;
	}
	Ptr<ExponentialRandomVariable> e = CreateObject<ExponentialRandomVariable>();
	e->SetAttribute("Mean", DoubleValue((double)mean_ns * 1e-9));
	return e;
}

/* One flow: a sink on dst and an on/off sender on src. */
static void add_flow(Net &n, int src, int dst, const xp_ns3_traffic_config *tc, uint32_t payload,
                     double app_bps)
{
	const char *factory = tc->tcp ? "ns3::TcpSocketFactory" : "ns3::UdpSocketFactory";
	uint16_t port = n.traffic_port++;
	PacketSinkHelper sink(factory, InetSocketAddress(Ipv4Address::GetAny(), port));
	ApplicationContainer rx = sink.Install(n.nodes.Get(dst));
	n.sinks.push_back(rx.Get(0));
	Ipv4Address to = n.nodes.Get(dst)->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal();
	OnOffHelper onoff(factory, InetSocketAddress(to, port));
	onoff.SetAttribute("DataRate", DataRateValue(DataRate((uint64_t)app_bps)));
	onoff.SetAttribute("PacketSize", UintegerValue(payload));
	onoff.SetAttribute("OnTime", PointerValue(period(tc->on_ns, tc->off_ns == 0)));
	Ptr<ConstantRandomVariable> never = CreateObject<ConstantRandomVariable>();
	never->SetAttribute("Constant", DoubleValue(0));
	onoff.SetAttribute("OffTime", tc->off_ns == 0 ? PointerValue(never)
	                                              : PointerValue(period(tc->off_ns, false)));
	ApplicationContainer tx = onoff.Install(n.nodes.Get(src));
	DynamicCast<OnOffApplication>(tx.Get(0))->AssignStreams(TRAFFIC_STREAMS +
	                                                        4 * (int64_t)(port - 50000));
}

extern "C" xp_status xp_ns3_traffic_add(xp_ns3 *h, int src, int dst,
                                        const xp_ns3_traffic_config *tc, xp_error *err)
{
	if (!h)
		return xp_fail(err, XP_EINVAL, "xp_ns3_traffic_add: no network");
	Net &n = h->net;
	xp_status st = check_traffic(n, src, dst, tc, err);
	if (st || (st = freeze(&n, err)))
		return st;
	try {
		if (tc->tcp) { /* the senders' and sinks' sockets are made when the run starts */
			UintegerValue buf((uint32_t)tc->buffer_bytes);
			Config::SetDefault("ns3::TcpSocket::SndBufSize", buf);
			Config::SetDefault("ns3::TcpSocket::RcvBufSize", buf);
		}
		/* full-size packets; the rate counts their IP and UDP or TCP headers */
		int64_t header = tc->tcp ? 40 : 28;
		uint32_t payload = (uint32_t)(tc->tcp ? n.seg : n.cfg.mtu - header);
		double app_bps =
		    tc->rate_bps / tc->flows * (double)payload / (double)(payload + header);
		for (int i = 0; i < tc->flows; i++)
			add_flow(n, src, dst, tc, payload, app_bps);
		return XP_OK;
	} catch (...) {
		return fail_exception(err, "xp_ns3_traffic_add");
	}
}

extern "C" int64_t xp_ns3_traffic_rx_bytes(const xp_ns3 *h)
{
	int64_t total = 0;
	if (!h)
		return 0;
	for (const Ptr<Application> &a : h->net.sinks)
		total += (int64_t)DynamicCast<PacketSink>(a)->GetTotalRx();
	return total;
}
