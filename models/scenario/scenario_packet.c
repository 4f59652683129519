/* scenario_packet.c: the network.* keys of the packet engine: transport, socket buffers, MTU,
 * queue discipline and size, random loss, connections per stage pair, WAN shape, initial window,
 * fast mode. */
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "scenario/scenario_int.h"

#define MAX_CONNECTIONS 1024
#define MAX_BDP         1000.0

/* "1.5bdp" -> 1.5; 0 when s does not end in "bdp"; -1 when the number before it is bad. */
static int parse_bdp(const char *s, double *out)
{
	char num[64];
	const char *why;
	size_t len = strlen(s);
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (len < 4 || len >= sizeof num || strncmp(s + len - 3, "bdp", 3) != 0)
		return 0;
	memcpy(num, s, len - 3);
	num[len - 3] = '\0';
	if (xp_parse_number(num, out, &why) < 0 || *out <= 0 || *out > MAX_BDP)
		return -1;
	return 1;
}

/* The scalar at key into *n (NULL when the key is absent); an error naming what was expected when
 * it is a list or mapping. */
static xp_status scalar_at(const xp_reader *rd, const char *key, const char *what,
                           const xp_node **n)
{
	*n = xp_reader_get(rd, key);
	if (*n && (*n)->kind != XP_NODE_SCALAR)
		return xp_reader_fail(rd, *n, key, "expected %s, got a list or mapping", what);
	return XP_OK;
}

/* network.buffer: bytes per stage pair, or a multiple of the path's BDP. */
static xp_status read_buffer(const xp_reader *rd, xp_packet_net *net)
{
	static const char key[] = "network.buffer";
	static const char what[] = "a size per stage pair (64MiB) or a multiple of the path's "
	                           "bandwidth-delay product (1.5bdp)";
	const xp_node *n;
	const char *why;
	int64_t bytes = 0;
	double bdp = 0;
	xp_status st = scalar_at(rd, key, what, &n);
	if (st || !n)
		return st;
	int b = parse_bdp(n->text, &bdp);
	if (b < 0 || (b == 0 && (xp_parse_bytes(n->text, &bytes, &why) < 0 || bytes < 1024 ||
	                         bytes > ((int64_t)1 << 40))))
		return xp_reader_fail(rd, n, key,
		                      "expected %s, from 1KiB to 1TiB or up to %gbdp, got '%s'",
		                      what, MAX_BDP, n->text);
	net->buffer_bytes = bytes;
	net->buffer_bdp = bdp;
	return XP_OK;
}

/* network.queue.size: packets ("1000", "1000p") or a multiple of the WAN link's BDP. */
static xp_status read_queue_size(const xp_reader *rd, xp_packet_net *net)
{
	static const char key[] = "network.queue.size";
	static const char what[] = "a number of packets from 4 to 10000000 (1000 or 1000p) or a "
	                           "multiple of the bandwidth-delay product (2bdp)";
	const xp_node *n;
	double bdp = 0;
	xp_status st = scalar_at(rd, key, what, &n);
	if (st || !n)
		return st;
	int b = parse_bdp(n->text, &bdp);
	if (b > 0) {
		net->queue_bdp = bdp;
		return XP_OK;
	}
	char *end;
	long long v = b == 0 ? strtoll(n->text, &end, 10) : -1;
	if (b == 0 && end != n->text && *end == 'p')
		end++;
	if (b < 0 || end == n->text || *end || v < 4 || v > 10000000)
		return xp_reader_fail(rd, n, key, "expected %s, got '%s'", what, n->text);
	net->queue_packets = v;
	net->queue_bdp = 0;
	return XP_OK;
}

/* network.connections: an integer, or "auto". */
static xp_status read_connections(const xp_reader *rd, xp_packet_net *net)
{
	static const char key[] = "network.connections";
	const xp_node *n = xp_reader_get(rd, key);
	int64_t k = 0;
	if (n && n->kind == XP_NODE_SCALAR && strcmp(n->text, "auto") == 0)
		return XP_OK;
	xp_status st = xp_reader_int(rd, key, 1, MAX_CONNECTIONS, 0, &k);
	if (st)
		return xp_reader_fail(
		    rd, n, key, "expected auto or an integer from 1 to %d, got '%s'",
		    MAX_CONNECTIONS, n->kind == XP_NODE_SCALAR ? n->text : "a list");
	net->connections = (int)k;
	return XP_OK;
}

static xp_status read_mtu(const xp_reader *rd, xp_packet_net *net)
{
	static const char key[] = "network.mtu";
	const xp_node *n = xp_reader_get(rd, key);
	int64_t mtu = 9000;
	xp_status st = xp_reader_int(rd, key, 0, 1 << 20, 0, &mtu);
	if (st || (mtu != 1500 && mtu != 9000))
		return xp_reader_fail(rd, n, key, "expected 1500 or 9000 (bytes), got '%s'",
		                      n->kind == XP_NODE_SCALAR ? n->text : "a list");
	net->mtu = (int)mtu;
	return XP_OK;
}

xp_status xp_read_packet_net(const xp_reader *rd, xp_packet_net *net)
{
	static const char *const transports[] = { "newreno", "cubic", "bbr", "dctcp", NULL };
	static const char *const qdiscs[] = { "fifo", "red", "codel", "fqcodel", "droptail", NULL };
	static const char *const wans[] = { "pairs", "chain", NULL };
	static const char *const windows[] = { "open", "standard", NULL };
	static const char *const fasts[] = { "off", "jumbo", NULL };
	xp_status st;
	memset(net, 0, sizeof *net);
	net->mtu = 9000;
	net->buffer_bdp = 1.5;
	net->queue_bdp = 2.0;
	if ((st = xp_reader_choice(rd, "network.transport", transports, &net->transport)) ||
	    (st = read_buffer(rd, net)) || (st = read_mtu(rd, net)) ||
	    (st = xp_reader_choice(rd, "network.queue.discipline", qdiscs, &net->qdisc)) ||
	    (st = read_queue_size(rd, net)) ||
	    (st = xp_reader_number(rd, "network.loss", 0, 0.5, 0, &net->loss)) ||
	    (st = read_connections(rd, net)) ||
	    (st = xp_reader_choice(rd, "network.wan", wans, &net->wan)) ||
	    (st = xp_reader_choice(rd, "network.initial_window", windows, &net->initial_window)) ||
	    (st = xp_reader_choice(rd, "network.fast", fasts, &net->fast)))
		return st;
	if (net->qdisc == 4) /* droptail is another name for fifo */
		net->qdisc = XP_QDISC_FIFO;
	return XP_OK;
}
