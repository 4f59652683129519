/* connection.cc: persistent multi-stream TCP connections and the messages they carry: a message
 * is split over the streams in whole segments, written as the send buffers free up, and reported
 * delivered when its last byte has arrived on every stream it used. */
#include <algorithm>

#include "ns3c_int.h"

using namespace ns3;

namespace xpns3
{

void stream_pump(Stream *s)
{
	if (!s->established)
		return;
	int64_t seg = s->net->seg;
	while (!s->txq.empty()) {
		Piece &p = s->txq.front();
		int64_t avail = s->tx->GetTxAvailable();
		/* whole segments, so that ns-3 never has to merge writes into real buffers */
		int64_t n = p.left <= avail ? p.left : avail / seg * seg;
		if (n <= 0)
			break;
		if (s->tx->Send(Create<Packet>((uint32_t)n), 0) < 0) {
			s->net->async_error = "a socket refused a write";
			Simulator::Stop();
			return;
		}
		p.left -= n;
		if (p.left == 0)
			s->txq.pop_front();
	}
}

/* A stream is ready once its primer (two segments, sent first) is acknowledged: the window in a
 * SYN is never scaled, so until the first ACK of data the sender sees at most 64 KiB of the
 * receiver's window. Priming makes the first message of the iteration see the real one. */
static void on_send(Stream *s, Ptr<Socket>, uint32_t)
{
	Net *n = s->net;
	bool written = s->established && (s->txq.empty() || s->txq.front().msg >= 0);
	if (!s->primed && written && s->tx->GetTxAvailable() >= s->buffer) {
		s->primed = true;
		if (--n->connecting == 0 && !n->ready_sent) {
			n->ready_sent = true;
			if (n->cfg.ready)
				n->cfg.ready(n->cfg.ctx, Simulator::Now().GetNanoSeconds());
		}
	}
	stream_pump(s);
}

static void on_connected(Stream *s, Ptr<Socket>)
{
	s->established = true;
	stream_pump(s);
}

static void on_connect_failed(Stream *s, Ptr<Socket>)
{
	s->net->async_error = "a connection could not be established";
	Simulator::Stop();
}

/* Count a data segment whose bytes were sent before as a retransmission. */
static void on_tx(Stream *s, Ptr<const Packet> p, const TcpHeader &h, Ptr<const TcpSocketBase>)
{
	uint32_t len = p->GetSize();
	if (len == 0)
		return;
	uint32_t seq = h.GetSequenceNumber().GetValue();
	if (!s->have_first) {
		s->have_first = true;
		s->first_seq = seq;
	}
	uint32_t rel = seq - s->first_seq;
	if (rel < s->high_tx)
		s->net->retransmissions++;
	else
		s->high_tx = rel + len;
}

static void on_recv(Stream *s, Ptr<Socket> sock)
{
	Net *n = s->net;
	std::vector<int64_t> done;
	Ptr<Packet> p;
	while ((p = sock->Recv()) && p->GetSize() > 0) {
		int64_t size = p->GetSize();
		while (size > 0 && !s->rxq.empty()) {
			Piece &pc = s->rxq.front();
			int64_t take = std::min(size, pc.left);
			if (pc.msg >= 0)
				n->bytes_delivered += take;
			pc.left -= take;
			size -= take;
			if (pc.left > 0)
				continue;
			if (pc.msg < 0) { /* the primer */
				s->rxq.pop_front();
				continue;
			}
			Message &m = n->msgs[pc.msg];
			if (--m.pieces_left == 0) {
				done.push_back(m.tag);
				n->free_msgs.push_back(pc.msg);
				n->msgs_delivered++;
			}
			s->rxq.pop_front();
		}
		if (size > 0) {
			n->async_error = "a stream received more bytes than were sent";
			Simulator::Stop();
			return;
		}
	}
	/* every finished message is off the queues before C code may send again */
	int64_t now = Simulator::Now().GetNanoSeconds();
	for (int64_t tag : done)
		if (n->cfg.delivered)
			n->cfg.delivered(n->cfg.ctx, tag, now);
}

static bool on_request(Ptr<Socket>, const Address &)
{
	return true;
}

/* The receiving socket only sends ACKs. The TOS "low delay" maps to priority TC_PRIO_INTERACTIVE,
 * pfifo_fast's first band, on links with acks_first; a TOS (unlike a socket priority alone)
 * survives forwarding, where ns-3 derives the priority from the IP header again. */
#define ACK_TOS 0x10

static void on_accept(Stream *s, Ptr<Socket> sock, const Address &)
{
	s->rx = sock;
	sock->SetIpTos(ACK_TOS);
	sock->SetRecvCallback(MakeBoundCallback(&on_recv, s));
}

static void set_buffers(Ptr<Socket> sock, const xp_ns3_conn_config *cc, int64_t seg)
{
	sock->SetAttribute("SndBufSize", UintegerValue((uint32_t)cc->buffer_bytes));
	sock->SetAttribute("RcvBufSize", UintegerValue((uint32_t)cc->buffer_bytes));
	if (cc->initial_window > 0) {
		int64_t segs = (cc->initial_window + seg - 1) / seg;
		sock->SetAttribute("InitialCwnd",
		                   UintegerValue((uint32_t)std::max<int64_t>(segs, 1)));
	}
}

static void start_connect(Stream *s, Ipv4Address to)
{
	s->tx->Connect(InetSocketAddress(to, s->port));
}

static void open_stream(Net *n, Conn *c, Stream *s, const xp_ns3_conn_config *cc)
{
	Ptr<Node> src = n->nodes.Get(c->src), dst = n->nodes.Get(c->dst);
	s->net = n;
	s->port = n->next_port[c->dst]++;
	s->buffer = (uint32_t)cc->buffer_bytes;
	s->txq.push_back(Piece{ -1, 2 * n->seg }); /* the primer */
	s->rxq.push_back(Piece{ -1, 2 * n->seg });
	Ptr<Socket> listener = Socket::CreateSocket(dst, TcpSocketFactory::GetTypeId());
	set_buffers(listener, cc, n->seg);
	listener->SetIpTos(ACK_TOS);
	listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), s->port));
	listener->Listen();
	listener->SetAcceptCallback(MakeCallback(&on_request), MakeBoundCallback(&on_accept, s));
	s->rx = listener; /* replaced by the accepted socket */
	Ipv4Address to = dst->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal();
	s->tx = Socket::CreateSocket(src, TcpSocketFactory::GetTypeId());
	set_buffers(s->tx, cc, n->seg);
	s->tx->Bind();
	s->tx->TraceConnectWithoutContext("Tx", MakeBoundCallback(&on_tx, s));
	s->tx->SetConnectCallback(MakeBoundCallback(&on_connected, s),
	                          MakeBoundCallback(&on_connect_failed, s));
	s->tx->SetSendCallback(MakeBoundCallback(&on_send, s));
	/* at time 0 of the run: nodes and their queue disciplines initialise first */
	Simulator::ScheduleNow(&start_connect, s, to);
	n->connecting++;
}

static xp_status check_connect(const Net &n, int src, int dst, const xp_ns3_conn_config *cc,
                               xp_error *err)
{
	int nn = (int)n.nodes.GetN();
	if (!cc || src < 0 || dst < 0 || src >= nn || dst >= nn || src == dst)
		return xp_fail(err, XP_EINVAL, "xp_ns3_connect: bad nodes %d -> %d (of %d)", src,
		               dst, nn);
	if (cc->streams < 1 || cc->streams > 4096)
		return xp_fail(err, XP_EINVAL, "xp_ns3_connect: %d streams, expected 1 .. 4096",
		               cc->streams);
	if (cc->buffer_bytes < 4096 || cc->buffer_bytes > 2147483647)
		return xp_fail(err, XP_EINVAL,
		               "xp_ns3_connect: buffer %lld bytes, expected 4 KiB .. 2 GiB - 1",
		               (long long)cc->buffer_bytes);
	if (cc->initial_window < 0 || cc->initial_window > 2147483647)
		return xp_fail(err, XP_EINVAL, "xp_ns3_connect: bad initial window");
	if (n.next_port[dst] + cc->streams > 49151)
		return xp_fail(err, XP_EINVAL, "xp_ns3_connect: node %d has no ports left", dst);
	if (n.nodes.Get(src)->GetObject<Ipv4>()->GetNInterfaces() < 2 ||
	    n.nodes.Get(dst)->GetObject<Ipv4>()->GetNInterfaces() < 2)
		return xp_fail(err, XP_EINVAL, "xp_ns3_connect: node %d or %d has no link", src,
		               dst);
	return XP_OK;
}

} // namespace xpns3

using namespace xpns3;

extern "C" xp_status xp_ns3_connect(xp_ns3 *h, int src, int dst, const xp_ns3_conn_config *cc,
                                    int *id, xp_error *err)
{
	if (!h || !id)
		return xp_fail(err, XP_EINVAL, "xp_ns3_connect: invalid arguments");
	Net &n = h->net;
	xp_status st = check_connect(n, src, dst, cc, err);
	if (st || (st = freeze(&n, err)))
		return st;
	try {
		std::unique_ptr<Conn> c(new Conn);
		c->src = src;
		c->dst = dst;
		for (int i = 0; i < cc->streams; i++) {
			c->streams.emplace_back(new Stream);
			open_stream(&n, c.get(), c->streams.back().get(), cc);
		}
		n.conns.push_back(std::move(c));
		*id = (int)n.conns.size() - 1;
		return XP_OK;
	} catch (...) {
		return fail_exception(err, "xp_ns3_connect");
	}
}

static int64_t new_message(Net &n, int64_t tag, int pieces)
{
	int64_t i;
	if (!n.free_msgs.empty()) {
		i = n.free_msgs.back();
		n.free_msgs.pop_back();
	} else {
		i = (int64_t)n.msgs.size();
		n.msgs.push_back(Message());
	}
	n.msgs[i].tag = tag;
	n.msgs[i].pieces_left = pieces;
	return i;
}

extern "C" xp_status xp_ns3_send(xp_ns3 *h, int conn, int64_t bytes, int64_t tag, xp_error *err)
{
	if (!h || conn < 0 || conn >= (int)h->net.conns.size() || bytes < 1 ||
	    bytes > ((int64_t)1 << 50))
		return xp_fail(err, XP_EINVAL, "xp_ns3_send: bad connection %d or size %lld", conn,
		               (long long)bytes);
	try {
		Net &n = h->net;
		Conn &c = *n.conns[conn];
		int64_t k = (int64_t)c.streams.size(), seg = n.seg;
		int64_t segs = (bytes + seg - 1) / seg;
		int64_t used = std::min(k, segs), each = segs / used, extra = segs % used;
		int64_t msg = new_message(n, tag, (int)used), left = bytes;
		for (int64_t i = 0; i < used; i++) {
			Stream *s = c.streams[(c.next + i) % k].get();
			int64_t b = std::min(left, (each + (i < extra)) * seg);
			left -= b;
			s->txq.push_back(Piece{ msg, b });
			s->rxq.push_back(Piece{ msg, b });
			stream_pump(s);
		}
		c.next = (c.next + used) % k;
		n.bytes_sent += bytes;
		n.msgs_sent++;
		return XP_OK;
	} catch (...) {
		return fail_exception(err, "xp_ns3_send");
	}
}
