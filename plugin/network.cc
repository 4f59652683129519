/* network.cc: the network handle: ns-3 defaults and seeding, nodes, point-to-point links with
 * their queue disciplines and loss models, and freezing the topology (addresses, routes, flow
 * monitor). */
#include <cmath>
#include <cstdio>
#include <exception>
#include <new>

#include "ns3c_int.h"

using namespace ns3;

namespace xpns3
{

/* ns-3's simulator and node list are process globals: one network at a time. */
static bool g_live = false;

xp_status fail_exception(xp_error *err, const char *where)
{
	try {
		throw;
	} catch (const std::bad_alloc &) {
		return xp_fail(err, XP_ENOMEM, "%s: out of memory", where);
	} catch (const std::exception &e) {
		return xp_fail(err, XP_EIO, "%s: ns-3 error: %s", where, e.what());
	} catch (...) {
		return xp_fail(err, XP_EIO, "%s: unknown ns-3 error", where);
	}
}

static const char *transport_type(int t)
{
	switch (t) {
	case XP_NS3_CUBIC: return "ns3::TcpCubic";
	case XP_NS3_BBR: return "ns3::TcpBbr";
	case XP_NS3_DCTCP: return "ns3::TcpDctcp";
	default: return "ns3::TcpNewReno";
	}
}

/* Every attribute default the packet engine depends on, set before any node exists. */
static void set_defaults(const xp_ns3_config *cfg, int64_t seg)
{
	uint64_t seed = cfg->seed;
	RngSeedManager::SetSeed((uint32_t)(1 + seed % 4294967294u));
	RngSeedManager::SetRun(1 + seed / 4294967294u);
	Config::SetDefault("ns3::TcpL4Protocol::SocketType",
	                   TypeIdValue(TypeId::LookupByName(transport_type(cfg->transport))));
	Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue((uint32_t)seg));
	Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(2));
	/* ns-3's own defaults: a previous network's background traffic may have changed them */
	Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(131072));
	Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(131072));
	Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(cfg->timestamps != 0));
	Config::SetDefault("ns3::TcpSocketBase::WindowScaling", BooleanValue(true));
	Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(true));
	Config::SetDefault("ns3::TcpSocketState::EnablePacing",
	                   BooleanValue(cfg->transport == XP_NS3_BBR));
	Config::SetDefault(
	    "ns3::TcpSocketBase::UseEcn",
	    EnumValue(cfg->transport == XP_NS3_DCTCP ? TcpSocketState::On : TcpSocketState::Off));
}

static xp_status check_config(const xp_ns3_config *cfg, xp_error *err)
{
	if (!cfg)
		return xp_fail(err, XP_EINVAL, "xp_ns3_new: no configuration");
	if (cfg->transport < XP_NS3_NEWRENO || cfg->transport > XP_NS3_DCTCP)
		return xp_fail(err, XP_EINVAL, "xp_ns3_new: unknown transport %d", cfg->transport);
	if (cfg->mtu < 576 || cfg->mtu > 65000)
		return xp_fail(err, XP_EINVAL, "xp_ns3_new: MTU %d outside 576 .. 65000", cfg->mtu);
	if (g_live)
		return xp_fail(err, XP_EINVAL,
		               "xp_ns3_new: another network exists (ns-3 allows one per process)");
	return XP_OK;
}

} // namespace xpns3

using namespace xpns3;

extern "C" xp_status xp_ns3_new(const xp_ns3_config *cfg, xp_ns3 **out, xp_error *err)
{
	if (!out)
		return xp_fail(err, XP_EINVAL, "xp_ns3_new: no output");
	*out = nullptr;
	xp_status st = check_config(cfg, err);
	if (st)
		return st;
	try {
		std::unique_ptr<xp_ns3> h(new xp_ns3);
		h->net.cfg = *cfg;
		h->net.seg = cfg->mtu - 40 - (cfg->timestamps ? 12 : 0);
		Ipv4AddressGenerator::Reset(); /* a previous network's addresses are gone */
		set_defaults(cfg, h->net.seg);
		/* a binary heap (std::priority_queue) instead of ns-3's default std::map: the same
		 * order (time, then scheduling order), measured 5-8% less CPU on the 64 MiB
		 * benchmark (docs/benchmarks.md, "Packet engine speed, fifth session") */
		ObjectFactory sched;
		sched.SetTypeId("ns3::PriorityQueueScheduler");
		Simulator::SetScheduler(sched);
		h->net.events_at_start = Simulator::GetEventCount();
		g_live = true;
		*out = h.release();
		return XP_OK;
	} catch (...) {
		return fail_exception(err, "xp_ns3_new");
	}
}

extern "C" void xp_ns3_free(xp_ns3 *h)
{
	if (!h)
		return;
	try {
		Net &n = h->net;
		for (auto &c : n.conns)
			for (auto &s : c->streams) {
				if (s->tx)
					s->tx->SetSendCallback(
					    MakeNullCallback<void, Ptr<Socket>, uint32_t>());
				s->tx = nullptr;
				s->rx = nullptr;
			}
		n.conns.clear();
		n.links.clear();
		n.monitor = nullptr;
		n.fm_helper.reset();
		n.nodes = NodeContainer();
		Simulator::Destroy();
	} catch (...) {
		/* nothing sensible to report from a destructor */
	}
	delete h;
	g_live = false;
}

extern "C" xp_status xp_ns3_node_add(xp_ns3 *h, int *id, xp_error *err)
{
	if (!h || !id)
		return xp_fail(err, XP_EINVAL, "xp_ns3_node_add: invalid arguments");
	if (h->net.frozen)
		return xp_fail(err, XP_EINVAL, "xp_ns3_node_add: the topology is frozen");
	try {
		Ptr<Node> node = CreateObject<Node>();
		InternetStackHelper stack;
		stack.Install(node);
		h->net.nodes.Add(node);
		h->net.next_port.push_back(1000);
		*id = (int)h->net.nodes.GetN() - 1;
		return XP_OK;
	} catch (...) {
		return fail_exception(err, "xp_ns3_node_add");
	}
}

static xp_status check_link(const Net &n, int a, int b, const xp_ns3_link_config *lc, xp_error *err)
{
	int nn = (int)n.nodes.GetN();
	if (!lc || a < 0 || b < 0 || a >= nn || b >= nn || a == b)
		return xp_fail(err, XP_EINVAL, "xp_ns3_link_add: bad nodes %d, %d (of %d)", a, b,
		               nn);
	if (n.frozen)
		return xp_fail(err, XP_EINVAL, "xp_ns3_link_add: the topology is frozen");
	if (!(lc->rate_bps >= 1e3 && lc->rate_bps <= 1e13))
		return xp_fail(err, XP_EINVAL, "xp_ns3_link_add: rate %g bps outside 1e3 .. 1e13",
		               lc->rate_bps);
	if (lc->delay_ns < 0)
		return xp_fail(err, XP_EINVAL, "xp_ns3_link_add: negative delay");
	if (lc->qdisc < XP_NS3_FIFO || lc->qdisc > XP_NS3_FQCODEL || lc->queue_packets < 4 ||
	    lc->queue_packets > 10000000)
		return xp_fail(err, XP_EINVAL, "xp_ns3_link_add: bad queue (%d, %lld packets)",
		               lc->qdisc, (long long)lc->queue_packets);
	if (!(lc->loss_rate >= 0 && lc->loss_rate <= 0.5))
		return xp_fail(err, XP_EINVAL, "xp_ns3_link_add: loss rate %g outside 0 .. 0.5",
		               lc->loss_rate);
	if (n.links.size() >= 65535)
		return xp_fail(err, XP_EINVAL, "xp_ns3_link_add: more than 65535 links");
	return XP_OK;
}

static TrafficControlHelper queue_disc(const xp_ns3_link_config *lc, int mtu)
{
	TrafficControlHelper tch;
	QueueSizeValue size(QueueSize(QueueSizeUnit::PACKETS, (uint32_t)lc->queue_packets));
	double q = (double)lc->queue_packets;
	switch (lc->qdisc) {
	case XP_NS3_RED:
		tch.SetRootQueueDisc(
		    "ns3::RedQueueDisc", "MaxSize", size, "MinTh", DoubleValue(0.2 * q), "MaxTh",
		    DoubleValue(0.6 * q), "MeanPktSize", UintegerValue((uint32_t)mtu),
		    "LinkBandwidth", DataRateValue(DataRate((uint64_t)lc->rate_bps)), "LinkDelay",
		    TimeValue(NanoSeconds(lc->delay_ns)), "UseEcn", BooleanValue(lc->ecn != 0),
		    "UseHardDrop", BooleanValue(lc->ecn == 0));
		break;
	case XP_NS3_CODEL:
		tch.SetRootQueueDisc("ns3::CoDelQueueDisc", "MaxSize", size, "UseEcn",
		                     BooleanValue(lc->ecn != 0));
		break;
	case XP_NS3_FQCODEL:
		tch.SetRootQueueDisc("ns3::FqCoDelQueueDisc", "MaxSize", size, "UseEcn",
		                     BooleanValue(lc->ecn != 0));
		break;
	default:
		if (lc->acks_first) /* band 0 carries the ACK-only sockets' priority (connection.cc)
		                     */
			tch.SetRootQueueDisc("ns3::PfifoFastQueueDisc", "MaxSize", size);
		else
			tch.SetRootQueueDisc("ns3::FifoQueueDisc", "MaxSize", size);
		break;
	}
	return tch;
}

static void count_loss(Net *n, Ptr<const Packet>)
{
	n->loss_drops++;
}

/* Random streams are numbered explicitly: ns-3's automatic numbering goes on counting across
 * networks of one process, which would make a second run differ from the first. */
static void add_loss(Net &n, NetDeviceContainer &devs, double rate)
{
	for (uint32_t i = 0; i < devs.GetN(); i++) {
		Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
		em->AssignStreams((int64_t)(2 * n.links.size() + i));
		em->SetRate(rate);
		em->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
		devs.Get(i)->SetAttribute("ReceiveErrorModel", PointerValue(em));
		devs.Get(i)->TraceConnectWithoutContext("PhyRxDrop",
		                                        MakeBoundCallback(&count_loss, &n));
	}
}

extern "C" xp_status xp_ns3_link_add(xp_ns3 *h, int a, int b, const xp_ns3_link_config *lc, int *id,
                                     xp_error *err)
{
	if (!h)
		return xp_fail(err, XP_EINVAL, "xp_ns3_link_add: no network");
	Net &n = h->net;
	xp_status st = check_link(n, a, b, lc, err);
	if (st)
		return st;
	try {
		PointToPointHelper p2p;
		p2p.SetDeviceAttribute("DataRate", DataRateValue(DataRate((uint64_t)lc->rate_bps)));
		p2p.SetDeviceAttribute("Mtu", UintegerValue((uint16_t)n.cfg.mtu));
		p2p.SetChannelAttribute("Delay", TimeValue(NanoSeconds(lc->delay_ns)));
		/* a short device queue: the backlog waits in the queue discipline */
		p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize",
		             QueueSizeValue(QueueSize("8p")));
		Link l;
		l.a = a;
		l.b = b;
		l.devs = p2p.Install(n.nodes.Get(a), n.nodes.Get(b));
		l.qdiscs = queue_disc(lc, n.cfg.mtu).Install(l.devs);
		if (lc->loss_rate > 0)
			add_loss(n, l.devs, lc->loss_rate);
		/* a /30 of its own per link: 10.x.y.z/30 */
		size_t i = n.links.size();
		char base[32];
		snprintf(base, sizeof base, "10.%u.%u.%u", (unsigned)(i / 16384),
		         (unsigned)(i / 64 % 256), (unsigned)(i % 64) * 4);
		Ipv4AddressHelper addr;
		addr.SetBase(base, "255.255.255.252");
		addr.Assign(l.devs);
		n.links.push_back(l);
		if (id)
			*id = (int)i;
		return XP_OK;
	} catch (...) {
		return fail_exception(err, "xp_ns3_link_add");
	}
}

namespace xpns3
{

/* The topology is complete: compute routes and install the flow monitor. */
xp_status freeze(Net *n, xp_error *err)
{
	if (n->frozen)
		return XP_OK;
	try {
		Ipv4GlobalRoutingHelper::PopulateRoutingTables();
		InternetStackHelper stack;
		stack.AssignStreams(n->nodes, 1 << 20);
		if (n->cfg.flow_monitor) {
			n->fm_helper.reset(new FlowMonitorHelper);
			n->monitor = n->fm_helper->InstallAll();
		}
		n->frozen = true;
		return XP_OK;
	} catch (...) {
		return fail_exception(err, "freezing the topology (routes, flow monitor)");
	}
}

} // namespace xpns3
