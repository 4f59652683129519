/* simulator.cc: timers, the run loop and the clock of a network. */
#include "ns3c_int.h"

using namespace ns3;
using namespace xpns3;

static void fire(Net *n, int64_t tag)
{
	if (n->cfg.timer)
		n->cfg.timer(n->cfg.ctx, tag, Simulator::Now().GetNanoSeconds());
}

extern "C" xp_status xp_ns3_timer(xp_ns3 *h, int64_t at_ns, int64_t tag, xp_error *err)
{
	if (!h)
		return xp_fail(err, XP_EINVAL, "xp_ns3_timer: no network");
	int64_t now = Simulator::Now().GetNanoSeconds();
	if (at_ns < now)
		return xp_fail(err, XP_EINVAL,
		               "xp_ns3_timer: time %lld ns is in the past (now %lld)",
		               (long long)at_ns, (long long)now);
	try {
		Simulator::Schedule(NanoSeconds(at_ns - now), &fire, &h->net, tag);
		return XP_OK;
	} catch (...) {
		return fail_exception(err, "xp_ns3_timer");
	}
}

extern "C" xp_status xp_ns3_run(xp_ns3 *h, int64_t limit_ns, xp_error *err)
{
	if (!h || limit_ns < 0)
		return xp_fail(err, XP_EINVAL, "xp_ns3_run: invalid arguments");
	Net &n = h->net;
	xp_status st = freeze(&n, err);
	if (st)
		return st;
	try {
		n.stopped = false;
		if (limit_ns > 0)
			Simulator::Stop(NanoSeconds(limit_ns));
		Simulator::Run();
		if (!n.async_error.empty())
			return xp_fail(err, XP_EIO, "ns-3 run: %s", n.async_error.c_str());
		return XP_OK;
	} catch (...) {
		return fail_exception(err, "xp_ns3_run");
	}
}

extern "C" void xp_ns3_stop(xp_ns3 *h)
{
	if (!h)
		return;
	try {
		h->net.stopped = true;
		Simulator::Stop();
	} catch (...) {
		/* Stop only sets a flag */
	}
}
