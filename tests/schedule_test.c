/* schedule_test.c: TAP tests of the schedule object's check, its file format and the generators. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario/scenario.h"
#include "schedule/block_cost.h"
#include "schedule/schedule.h"
#include "schedule/schedule_check.h"
#include "schedule/schedule_file.h"
#include "schedules/schedules.h"
#include "tap.h"

#define MAXP 64
#define MF   1000 /* activation bytes of one microbatch on a whole device */

static int64_t zeros[MAXP], acts[MAXP];

/* plain parameters: p stages, m microbatches, v chunks; only activations are non-zero */
static xp_params params(int p, int m, int v)
{
	for (int i = 0; i < MAXP; i++)
		acts[i] = MF;
	return (xp_params){ .stages = p,
		            .microbatches = m,
		            .chunks = v,
		            .forward_ns = zeros,
		            .backward_input_ns = zeros,
		            .backward_weight_ns = zeros,
		            .activation_bytes = acts,
		            .weight_release = 0.5 };
}

static xp_schedule *make(const char *kind, int p, int m, int v)
{
	xp_params pr = params(p, m, v);
	xp_schedule *s = NULL;
	xp_error err = { 0 };
	const xp_schedule_kind *k = xp_schedule_kind_find(kind);
	if (!k || k->build(&pr, &s, &err) != XP_OK)
		bail("cannot build %s p=%d m=%d v=%d: %s", kind, p, m, v, err.msg);
	return s;
}

/* ---- the generator table ---- */

static void test_registry(void)
{
	static const char *const names[] = {
		"gpipe", "1f1b", "interleaved", "zbh1", "zbh2", "zbv"
	};
	size_t n;
	const xp_schedule_kind *k = xp_schedule_kinds(&n);
	ok(n >= 6, "the six static schedules are registered (and %zu more)", n - 6);
	for (size_t i = 0; i < 6 && i < n; i++)
		ok(!strcmp(k[i].name, names[i]) && k[i].summary && strlen(k[i].summary) > 20 &&
		       k[i].build,
		   "kind %zu is %s, with a summary and a builder", i, names[i]);
	ok(xp_schedule_kind_find("zbv") == &k[5], "kind_find finds zbv");
	ok(xp_schedule_kind_find("zbh3") == NULL, "kind_find returns NULL for an unknown name");
}

/* ---- every generator's output passes the check ---- */

static int expected_ops(const char *kind, int p, int m, int v)
{
	if (!strcmp(kind, "zbv"))
		return 2 * p * m * 3;
	if (!strcmp(kind, "interleaved"))
		return p * v * m * 2;
	return p * m * (strncmp(kind, "zb", 2) ? 2 : 3);
}

/* one grid case; returns 1 when it is fine, else prints why */
static int grid_case(const char *kind, int p, int m, int v)
{
	xp_params pr = params(p, m, v);
	xp_schedule *s = NULL;
	xp_error err = { 0 };
	int good = xp_schedule_kind_find(kind)->build(&pr, &s, &err) == XP_OK &&
	           xp_schedule_check(s, &err) == XP_OK &&
	           (int)xp_schedule_total_ops(s) == expected_ops(kind, p, m, v) &&
	           !strcmp(xp_schedule_name(s), kind);
	if (!good)
		diag("%s p=%d m=%d v=%d: %s", kind, p, m, v,
		     err.msg[0] ? err.msg : "wrong ops/name");
	xp_schedule_free(s);
	return good;
}

static void test_grid(void)
{
	static const char *const kinds[] = { "gpipe", "1f1b", "zbh1", "zbh2", "zbv" };
	static const int ps[] = { 1, 2, 3, 4, 5, 8, 13 }, ms[] = { 1, 2, 3, 4, 7, 8, 16, 33 };
	for (int k = 0; k < 5; k++) {
		int good = 0, n = 0;
		for (int i = 0; i < 7; i++)
			for (int j = 0; j < 8; j++, n++)
				good += grid_case(kinds[k], ps[i], ms[j], 2);
		is_int(good, n, "%s: check accepts all %d schedules of the grid, named, all ops",
		       kinds[k], n);
	}
	int good = 0, n = 0;
	for (int i = 0; i < 7; i++)
		for (int mult = 1; mult <= 4; mult *= 2)
			for (int v = 1; v <= 4; v++, n++)
				good += grid_case("interleaved", ps[i], ps[i] * mult, v);
	is_int(good, n, "interleaved: check accepts all %d schedules of the grid", n);
	ok(grid_case("zbv", 32, 256, 2) && grid_case("1f1b", 64, 1024, 1) &&
	       grid_case("interleaved", 16, 64, 8),
	   "large schedules (zbv 32x256, 1f1b 64x1024, interleaved 16x64x8) pass the check");
}

static void test_generator_errors(void)
{
	xp_params pr = params(4, 6, 2);
	xp_schedule *s = (xp_schedule *)&pr;
	xp_error err = { 0 };
	xp_status st = xp_schedule_kind_find("interleaved")->build(&pr, &s, &err);
	ok(st == XP_EINVAL && s == NULL, "interleaved refuses m=6 with p=4 (XP_EINVAL, no output)");
	has_str(err.msg, "multiple of pipeline.stages", "... and says m must be a multiple of p");
	pr = params(0, 6, 2);
	st = xp_schedule_kind_find("zbv")->build(&pr, &s, &err);
	ok(st == XP_EINVAL && s == NULL, "zbv refuses p=0");
	has_str(err.msg, "zbv: pipeline.stages must be >= 1", "... naming the generator and key");
	pr = params(4, 0, 2);
	st = xp_schedule_kind_find("1f1b")->build(&pr, &s, &err);
	ok(st == XP_EINVAL && s == NULL, "1f1b refuses m=0");
	pr = params(4, 8, 0);
	st = xp_schedule_kind_find("interleaved")->build(&pr, &s, &err);
	ok(st == XP_EINVAL && s == NULL, "interleaved refuses v=0");
}

static void test_placement(void)
{
	xp_schedule *v = make("zbv", 4, 8, 2), *i = make("interleaved", 4, 8, 3);
	ok(xp_schedule_chunks(v) == 2 && xp_schedule_device_of(v, 0) == 0 &&
	       xp_schedule_device_of(v, 7) == 0 && xp_schedule_device_of(v, 4) == 3 &&
	       xp_schedule_chunk_of(v, 7) == 1,
	   "zbv uses the V placement: device k holds parts k (chunk 0) and 2p-1-k (chunk 1)");
	ok(xp_schedule_chunks(i) == 3 && xp_schedule_device_of(i, 9) == 1 &&
	       xp_schedule_chunk_of(i, 9) == 2,
	   "interleaved uses the loop placement: part c*p+k on device k as chunk c");
	ok(xp_schedule_split_backward(v) && !xp_schedule_split_backward(i),
	   "zbv splits the backward into D and W, interleaved does not");
	xp_schedule_free(v);
	xp_schedule_free(i);
}

/* ---- malformed schedules ---- */

enum edit { DROP, REPLACE, INSERT_AFTER, APPEND_TO };

/* a copy of src with one edit at (dev, idx); APPEND_TO appends op to device idx */
static xp_schedule *edited(const xp_schedule *src, int dev, size_t idx, enum edit e, xp_op op)
{
	int place[2 * MAXP * 4];
	for (int q = 0; q < xp_schedule_parts(src); q++)
		place[q] = xp_schedule_device_of(src, q);
	xp_schedule *s = xp_schedule_new(xp_schedule_devices(src), xp_schedule_chunks(src),
	                                 xp_schedule_microbatches(src), place);
	for (int d = 0; d < xp_schedule_devices(src); d++)
		for (size_t i = 0; i < xp_schedule_len(src, d); i++) {
			int here = d == dev && i == idx;
			if (!(here && (e == DROP || e == REPLACE)))
				xp_schedule_add(s, d, xp_schedule_ops(src, d)[i]);
			if (here && (e == REPLACE || e == INSERT_AFTER))
				xp_schedule_add(s, d, op);
		}
	if (e == APPEND_TO)
		xp_schedule_add(s, (int)idx, op);
	return s;
}

static size_t find_op(const xp_schedule *s, int dev, int kind, int mb, int chunk)
{
	for (size_t i = 0; i < xp_schedule_len(s, dev); i++) {
		xp_op o = xp_schedule_ops(s, dev)[i];
		if (o.kind == kind && o.mb == mb && o.chunk == chunk)
			return i;
	}
	bail("op not found");
}

static xp_op mk(int kind, int mb, int chunk, int lo, int hi, int nsub)
{
	return (xp_op){ .kind = (uint8_t)kind,
		        .chunk = (uint8_t)chunk,
		        .lo = (uint16_t)lo,
		        .hi = (uint16_t)hi,
		        .nsub = (uint16_t)nsub,
		        .mb = mb };
}

/* the check must fail with XP_EINVAL and a message containing want */
static void rejects(xp_schedule *s, const char *want, const char *what)
{
	xp_error err = { 0 };
	xp_status st = xp_schedule_check(s, &err);
	ok(st == XP_EINVAL, "check rejects %s", what);
	has_str(err.msg, want, "... saying '%s'", want);
	xp_schedule_free(s);
}

static void test_rejects_blocks(void)
{
	xp_schedule *h1 = make("zbh1", 4, 8, 1), *v = make("zbv", 4, 8, 2);
	xp_schedule *b = make("1f1b", 4, 8, 1);
	rejects(edited(h1, 3, find_op(h1, 3, XP_OP_W, 5, 0), DROP, mk(0, 0, 0, 0, 1, 1)),
	        "device 3: block W5 of part 3 is missing", "a missing block");
	rejects(
	    edited(v, 2, find_op(v, 2, XP_OP_D, 3, 1), INSERT_AFTER, mk(XP_OP_D, 3, 1, 0, 1, 1)),
	    "device 2: D3.c1 appears twice", "a duplicate block");
	/* B and D/W may mix across blocks (DualPipeV does), but a block's W goes with its D */
	rejects(edited(h1, 1, find_op(h1, 1, XP_OP_D, 2, 0), REPLACE, mk(XP_OP_B, 2, 0, 0, 1, 1)),
	        "device 1: W2: the backward of its block is a whole B, which holds its W already",
	        "a W after its block's whole B");
	xp_schedule *no_d =
	    edited(h1, 1, find_op(h1, 1, XP_OP_D, 2, 0), DROP, mk(0, 0, 0, 0, 1, 1));
	rejects(edited(no_d, 1, find_op(no_d, 1, XP_OP_W, 2, 0), INSERT_AFTER,
	               mk(XP_OP_B, 2, 0, 0, 1, 1)),
	        "device 1: W2: the backward of its block is a whole B, which holds its W already",
	        "a W before its block's whole B");
	xp_schedule *half =
	    edited(no_d, 1, find_op(no_d, 1, XP_OP_W, 2, 0), REPLACE, mk(XP_OP_W, 2, 0, 0, 1, 2));
	rejects(edited(half, 1, find_op(half, 1, XP_OP_W, 2, 0), INSERT_AFTER,
	               mk(XP_OP_B, 2, 0, 0, 1, 1)),
	        "device 1: W2: the backward of its block is a whole B",
	        "a W piece before its block's whole B");
	xp_schedule_free(half);
	xp_schedule_free(no_d);
	rejects(
	    edited(h1, 1, find_op(h1, 1, XP_OP_D, 2, 0), INSERT_AFTER, mk(XP_OP_B, 2, 0, 0, 1, 1)),
	    "device 1: B2: its block's backward is already a D", "a B after its block's D");
	rejects(edited(b, 1, find_op(b, 1, XP_OP_F, 0, 0), DROP, mk(0, 0, 0, 0, 1, 1)),
	        "device 1: block F0 of part 1 is missing", "a dropped forward");
	/* a forward moved to the wrong device lands on that device's own part: counted twice */
	xp_schedule *moved = edited(b, 1, find_op(b, 1, XP_OP_F, 7, 0), DROP, mk(0, 0, 0, 0, 1, 1));
	rejects(edited(moved, 0, 2, APPEND_TO, mk(XP_OP_F, 7, 0, 0, 1, 1)),
	        "device 2: F7 appears twice", "a block moved to the wrong device");
	xp_schedule_free(moved);
	rejects(edited(b, 0, 0, APPEND_TO, mk(XP_OP_F, 8, 0, 0, 1, 1)),
	        "device 0: F8: microbatch 8 is outside 0..7", "a microbatch out of range");
	rejects(edited(b, 0, 0, APPEND_TO, mk(XP_OP_B, 2, 0, 1, 1, 4)),
	        "device 0: B2[1:1/4] is not a valid piece", "an empty piece");
	xp_schedule_free(h1);
	xp_schedule_free(v);
	xp_schedule_free(b);
}

/* device 0 of a 1-device, 1-microbatch schedule: F0 cut into the given pieces, then B0 */
static xp_schedule *pieces(const xp_op *ops, int n)
{
	xp_schedule *s = xp_schedule_new(1, 1, 1, NULL);
	for (int i = 0; i < n; i++)
		xp_schedule_add(s, 0, ops[i]);
	xp_schedule_add_block(s, 0, XP_OP_B, 0, 0);
	return s;
}

static void test_rejects_pieces(void)
{
	xp_op good[] = { mk(0, 0, 0, 0, 1, 4), mk(0, 0, 0, 1, 3, 4), mk(0, 0, 0, 3, 4, 4) };
	xp_op gap[] = { mk(0, 0, 0, 0, 1, 4), mk(0, 0, 0, 2, 4, 4) };
	xp_op overlap[] = { mk(0, 0, 0, 0, 2, 4), mk(0, 0, 0, 1, 4, 4) };
	xp_op order[] = { mk(0, 0, 0, 2, 4, 4), mk(0, 0, 0, 0, 2, 4) };
	xp_op nsub[] = { mk(0, 0, 0, 0, 1, 2), mk(0, 0, 0, 2, 4, 4) };
	xp_op part[] = { mk(0, 0, 0, 0, 1, 4) };
	xp_error err = { 0 };
	xp_schedule *s = pieces(good, 3);
	ok(xp_schedule_check(s, &err) == XP_OK, "check accepts pieces that cover a block in order");
	xp_schedule_free(s);
	rejects(pieces(gap, 2), "device 0: F0[2:4/4] comes before sub-blocks [1:2) of its block",
	        "a gap between pieces");
	rejects(pieces(overlap, 2), "device 0: F0[1:4/4] overlaps an earlier piece",
	        "overlapping pieces");
	rejects(pieces(order, 2), "device 0: F0[2:4/4] comes before sub-blocks [0:2)",
	        "pieces in the wrong order");
	rejects(pieces(nsub, 2), "pieces of one block must share nsub",
	        "pieces with different nsub");
	rejects(pieces(part, 1), "block F0 of part 0 is incomplete: sub-blocks [1:4) of 4",
	        "a block only partly covered");
}

/* The check keeps a byte per block while every op is whole and full covers from the first piece
 * on: what the whole blocks before that piece covered must still count. One device, 2
 * microbatches; ops given as (kind, mb, lo, hi, nsub). */
static xp_schedule *mixed(const int (*ops)[5], int n)
{
	xp_schedule *s = xp_schedule_new(1, 1, 2, NULL);
	for (int i = 0; i < n; i++)
		xp_schedule_add(s, 0, mk(ops[i][0], ops[i][1], 0, ops[i][2], ops[i][3], ops[i][4]));
	return s;
}

static void test_pieces_after_whole_blocks(void)
{
	enum { F = XP_OP_F, B = XP_OP_B };
	const int good[][5] = { { F, 0, 0, 1, 1 },
		                { B, 0, 0, 1, 1 },
		                { F, 1, 0, 1, 2 },
		                { F, 1, 1, 2, 2 },
		                { B, 1, 0, 1, 1 } };
	const int again[][5] = { { F, 0, 0, 1, 1 }, { B, 0, 0, 1, 1 }, { F, 1, 0, 1, 2 },
		                 { F, 1, 1, 2, 2 }, { F, 0, 0, 1, 2 }, { B, 1, 0, 1, 1 } };
	const int twice[][5] = { { F, 0, 0, 1, 1 }, { F, 1, 0, 1, 2 }, { F, 1, 1, 2, 2 },
		                 { F, 0, 0, 1, 1 }, { B, 0, 0, 1, 1 }, { B, 1, 0, 1, 1 } };
	const int missing[][5] = {
		{ F, 0, 0, 1, 1 }, { F, 1, 0, 1, 2 }, { F, 1, 1, 2, 2 }, { B, 1, 0, 1, 1 }
	};
	xp_error err = { 0 };
	xp_schedule *s = mixed(good, 5);
	ok(xp_schedule_check(s, &err) == XP_OK, "check accepts whole blocks, then pieces");
	xp_schedule_free(s);
	rejects(mixed(again, 6), "F0[0:1/2]: the pieces of one block must share nsub",
	        "a piece of a block already whole, after the covers grew");
	rejects(mixed(twice, 6), "device 0: F0 appears twice",
	        "a whole block repeated after the covers grew");
	rejects(mixed(missing, 4), "device 0: block B0 of part 0 is missing",
	        "a missing block once the covers grew");
}

/* ---- the file format ---- */

static char *to_text(const xp_schedule *s, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f || xp_schedule_write(s, f) != XP_OK)
		bail("cannot write a schedule to memory");
	fclose(f);
	return buf;
}

static int same_schedule(const xp_schedule *a, const xp_schedule *b)
{
	if (xp_schedule_devices(a) != xp_schedule_devices(b) ||
	    xp_schedule_chunks(a) != xp_schedule_chunks(b) ||
	    xp_schedule_microbatches(a) != xp_schedule_microbatches(b) ||
	    strcmp(xp_schedule_name(a), xp_schedule_name(b)))
		return 0;
	for (int q = 0; q < xp_schedule_parts(a); q++)
		if (xp_schedule_device_of(a, q) != xp_schedule_device_of(b, q))
			return 0;
	for (int d = 0; d < xp_schedule_devices(a); d++) {
		if (xp_schedule_len(a, d) != xp_schedule_len(b, d))
			return 0;
		if (memcmp(xp_schedule_ops(a, d), xp_schedule_ops(b, d),
		           xp_schedule_len(a, d) * sizeof(xp_op)))
			return 0;
	}
	return 1;
}

static void round_trip(xp_schedule *s, const char *what)
{
	size_t len, len2;
	char *text = to_text(s, &len);
	xp_schedule *back = NULL;
	xp_error err = { 0 };
	xp_status st = xp_schedule_read(text, len, "mem", &back, &err);
	if (st)
		diag("%s", err.msg);
	ok(st == XP_OK && same_schedule(s, back), "%s: write then read gives the same schedule",
	   what);
	char *again = back ? to_text(back, &len2) : NULL;
	ok(again && len == len2 && !memcmp(text, again, len), "%s: and writes the same text", what);
	free(text);
	free(again);
	xp_schedule_free(back);
	xp_schedule_free(s);
}

static void test_round_trip(void)
{
	static const char *const kinds[] = {
		"gpipe", "1f1b", "interleaved", "zbh1", "zbh2", "zbv"
	};
	for (int k = 0; k < 6; k++)
		round_trip(make(kinds[k], 4, 8, 2), kinds[k]);
	xp_schedule *s = xp_schedule_new(1, 1, 2, NULL);
	xp_op ops[] = { mk(0, 0, 0, 0, 1, 4),       mk(0, 1, 0, 0, 1, 1),
		        mk(0, 0, 0, 1, 4, 4),       mk(XP_OP_D, 0, 0, 0, 3, 3),
		        mk(XP_OP_D, 1, 0, 0, 1, 1), mk(XP_OP_W, 0, 0, 0, 1, 2),
		        mk(XP_OP_W, 1, 0, 0, 1, 1), mk(XP_OP_W, 0, 0, 1, 2, 2) };
	for (int i = 0; i < 8; i++)
		xp_schedule_add(s, 0, ops[i]);
	xp_schedule_set_name(s, "pieces");
	round_trip(s, "a schedule with pieces");
}

static void test_load(void)
{
	char path[] = "/tmp/xp_schedule_test_XXXXXX";
	int fd = mkstemp(path);
	xp_schedule *s = make("zbv", 3, 5, 2), *back = NULL;
	xp_error err = { 0 };
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f)
		bail("cannot create a temporary file");
	xp_schedule_write(s, f);
	fclose(f);
	ok(xp_schedule_load(path, &back, &err) == XP_OK && same_schedule(s, back),
	   "load reads back a written file");
	xp_schedule_free(back);
	unlink(path);
	ok(xp_schedule_load(path, &back, &err) == XP_EIO && back == NULL,
	   "load of a missing file is XP_EIO");
	has_str(err.msg, "cannot read: No such file or directory",
	        "... saying it cannot read the file, and why");
	xp_schedule_free(s);
}

#define HEAD  "crosspipe-schedule 1\ndevices 2\nmicrobatches 2\n"
#define HEAD2 "crosspipe-schedule 1\ndevices 2\nchunks 2\nmicrobatches 1\n"

static const struct {
	const char *text, *want;
} bad_files[] = {
	{ "", "t:1:1: expected 'crosspipe-schedule 1'" },
	{ "# only a comment\n\ndevices 2\n", "t:3:1: expected 'crosspipe-schedule 1'" },
	{ "crosspipe-schedule 2\n", "t:1:20: unsupported format version 2, expected 1" },
	{ HEAD "device 0: F0 X1\n",
	  "t:4:14: expected an op like F3, B0.c1 or W2.c0[1:4/4], got 'X'" },
	{ HEAD "device 0: F0 F2\n", "t:4:15: microbatch 2 is outside 0..1" },
	{ HEAD "device 0: F0 F\n", "t:4:15: expected a microbatch number, got end of line" },
	{ HEAD "device 0: F0x\n", "t:4:13: unexpected 'x' in an op" },
	{ HEAD "device 0: F0.c1\n", "t:4:15: chunk 1 is outside 0..0" },
	{ HEAD "device 0: F0[1:1/2]\n", "t:4:13: expected a piece [lo:hi/nsub] with 0 <= lo < hi" },
	{ HEAD "device 0: F0[0:1 B0\n",
	  "t:4:17: expected '/' in a piece [lo:hi/nsub], got a blank" },
	{ HEAD "device 2: F0\n", "t:4:8: device 2 is outside 0..1" },
	{ HEAD "device 0 F0\n", "t:4:10: expected ':' after the device index, got 'F'" },
	{ HEAD "stages 4\n", "t:4:1: expected name, devices, chunks, microbatches, placement or "
	                     "device, got 'stages'" },
	{ HEAD "device 0: F0\nname late\n",
	  "t:5:1: 'name' must come before the first device line" },
	{ HEAD "devices 3\n", "t:4:1: devices is given twice" },
	{ HEAD "microbatches 0x\n", "t:4:1: microbatches is given twice" },
	{ "crosspipe-schedule 1\ndevices 0\n", "t:2:9: devices must be 1..65536" },
	{ "crosspipe-schedule 1\nmicrobatches 2\ndevice 0: F0\n",
	  "t:3:1: expected 'devices N' before the device orders" },
	{ HEAD2 "device 0: F0\n", "t:5:13: expected '.c<chunk>': this schedule has 2 chunks" },
	{ HEAD2 "placement 0 1 1\n", "t:5:1: placement: expected 4 device indices" },
	{ HEAD2 "placement 0 1 1 1\n",
	  "t:5:17: placement: part 3: device 1 would hold more than 2" },
	{ HEAD2 "placement 0 1 2 1\n", "t:5:15: placement: part 2: device 2 is outside 0..1" },
	{ HEAD "name\n", "t:4:5: expected a name" },
	/* check errors, at the op (by hand: "device 1: " is 10 columns, ops 3 apart) */
	{ HEAD "device 0: F0 B0 F1 B1\n", "t:5:1: device 1: block F0 of part 1 is missing" },
	{ HEAD "device 0: F0 B0 F1 B1\ndevice 1: F0 B0 F1 D1 B1\n",
	  "t:5:23: device 1: B1: its block's backward is already a D" },
	{ HEAD "device 0: F0 B0 F1 B1 F1\ndevice 1: F0 B0 F1 B1\n",
	  "t:4:23: device 0: F1 appears twice" },
	{ HEAD "device 0: F0 B0 F1\ndevice 1: F0 B0 F1 B1\n",
	  "t:4:17: device 0: block B1 of part 0 is missing" },
};

static void test_read_errors(void)
{
	size_t n = sizeof bad_files / sizeof bad_files[0];
	for (size_t i = 0; i < n; i++) {
		xp_schedule *s = (xp_schedule *)bad_files;
		xp_error err = { 0 };
		xp_status st =
		    xp_schedule_read(bad_files[i].text, strlen(bad_files[i].text), "t", &s, &err);
		ok(st == XP_EINVAL && s == NULL, "bad file %zu is refused (XP_EINVAL, no schedule)",
		   i);
		has_str(err.msg, bad_files[i].want, "... with '%s'", bad_files[i].want);
	}
}

static void test_read_good(void)
{
	const char *text = "# a hand-written order\n"
	                   "crosspipe-schedule 1   # version\n"
	                   "microbatches 2\r\n"
	                   "devices 2\n"
	                   "name  my order \n"
	                   "\n"
	                   "device 1: F0 B0\n"
	                   "device 0:\tF0 F1[0:1/2]\n"
	                   "device 0: F1[1:2/2] B0 B1 # appended\n"
	                   "device 1: F1 B1\n";
	xp_schedule *s = NULL;
	xp_error err = { 0 };
	xp_status st = xp_schedule_read(text, strlen(text), "good", &s, &err);
	if (st)
		diag("%s", err.msg);
	ok(st == XP_OK && s, "a file with comments, CRLF, any header order and split device lines "
	                     "is read");
	is_str(s ? xp_schedule_name(s) : NULL, "my order", "the name is the rest of its line");
	is_int(s ? (int64_t)xp_schedule_len(s, 0) : -1, 5, "device 0 gets both of its lines");
	is_int(s ? xp_schedule_ops(s, 0)[2].nsub : -1, 2, "a piece keeps its nsub");
	xp_schedule_free(s);
	const char *unnamed = HEAD "device 0: F0 B0 F1 B1\ndevice 1: F0 B0 F1 B1\n";
	st = xp_schedule_read(unnamed, strlen(unnamed), "runs/v2.edited.sched", &s, &err);
	is_str(
	    st ? NULL : xp_schedule_name(s), "v2.edited",
	    "without a name line, the schedule is named after its file (no folder, no extension)");
	xp_schedule_free(s);
}

/* ---- peak memory ---- */

static void test_peaks(void)
{
	int64_t peak[MAXP];
	int p = 4, m = 8;
	xp_params pr = params(p, m, 2);
	xp_schedule *s = make("1f1b", p, m, 1);
	xp_schedule_peak_memory(&pr, s, peak);
	is_int(peak[0], (int64_t)p * MF, "1f1b p=4 m=8 peaks at p*M_F on device 0");
	is_int(peak[3], MF, "... and at M_F on the last device");
	xp_schedule_free(s);
	s = make("1f1b", 4, 2, 1);
	xp_schedule_peak_memory(&pr, s, peak);
	is_int(peak[0], 2 * MF, "1f1b with m < p peaks at m*M_F");
	xp_schedule_free(s);
	s = make("zbh1", p, m, 1);
	xp_schedule_peak_memory(&pr, s, peak);
	is_int(peak[0], (int64_t)p * MF, "zbh1 peaks at p*M_F on device 0, as 1F1B");
	xp_schedule_free(s);
	s = make("zbh2", p, m, 1);
	xp_schedule_peak_memory(&pr, s, peak);
	is_int(peak[0], (2 * p - 1) * MF + MF / 2, "zbh2 peaks at (2p - 1/2) M_F on device 0");
	xp_schedule_free(s);
	s = make("gpipe", p, m, 1);
	xp_schedule_peak_memory(&pr, s, peak);
	is_int(peak[2], (int64_t)m * MF, "gpipe holds all m activations");
	xp_schedule_free(s);
	int fits = 1;
	for (int pp = 1; pp <= 16; pp++)
		for (int mm = 1; mm <= 40; mm += 3) {
			s = make("zbv", pp, mm, 2);
			pr = params(pp, mm, 2);
			xp_schedule_peak_memory(&pr, s, peak);
			for (int d = 0; d < pp; d++)
				fits &= peak[d] <= (int64_t)pp * MF;
			xp_schedule_free(s);
		}
	ok(fits, "zbv never exceeds p*M_F (1F1B's budget) on any device, p 1..16, m 1..40");
}

int main(void)
{
	plan(9 + 7 + 6 + 3 + 14 + 11 + 7 + 16 + 3 + 54 + 5 + 7 + 4);
	test_registry();
	test_grid();
	test_generator_errors();
	test_placement();
	test_rejects_blocks();
	test_rejects_pieces();
	test_pieces_after_whole_blocks();
	test_round_trip();
	test_load();
	test_read_errors();
	test_read_good();
	test_peaks();
	return done_testing();
}
