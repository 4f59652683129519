/* torch_test.c: TAP tests of the torch schedule CSV action grammar (both dialects, blanks,
 * whole-cell matching, bad cells). Expected values are written out by hand from the grammar. */
#include <string.h>

#include "schedule/schedule.h"
#include "schedule/schedule_torch.h"
#include "tap.h"

#define CUR XP_TORCH_DIALECT_CURRENT
#define LEG XP_TORCH_DIALECT_LEGACY

static int parse(const char *cell, xp_torch_dialect d, xp_torch_action *a)
{
	xp_torch_action two[2] = { { -7, -7, -7 }, { -7, -7, -7 } };
	int r = xp_torch_parse_cell(cell, strlen(cell), d, two);
	*a = two[0];
	return r;
}

/* cell reads as (stage, type, mb) */
static void reads(const char *cell, xp_torch_dialect d, int stage, int type, int mb)
{
	xp_torch_action a;
	int r = parse(cell, d, &a);
	ok(r == 1 && a.stage == stage && a.type == type && a.mb == mb,
	   "'%s' (%s) reads as %d/%d/%d (got r=%d %d/%d/%d)", cell, d == LEG ? "legacy" : "current",
	   stage, type, mb, r, a.stage, a.type, a.mb);
}

static void rejects(const char *cell, xp_torch_dialect d)
{
	xp_torch_action a;
	is_int(parse(cell, d, &a), -1, "'%s' (%s) is not an action", cell,
	       d == LEG ? "legacy" : "current");
}

static xp_schedule *load(const char *text, xp_torch_dialect d, xp_error *err)
{
	xp_schedule *s = NULL;
	xp_error_clear(err);
	xp_torch_read(text, strlen(text), "t.csv", (int)d, &s, NULL, err);
	return s;
}

/* the op at index i of device dev is (kind, mb, chunk) */
static int op_is(const xp_schedule *s, int dev, size_t i, int kind, int mb, int chunk)
{
	const xp_op *o = xp_schedule_ops(s, dev) + i;
	return i < xp_schedule_len(s, dev) && o->kind == kind && o->mb == mb && o->chunk == chunk;
}

static void test_loop_fixture(void)
{
	/* 2 ranks, stages 0 and 2 on rank 0, 1 and 3 on rank 1 (loop), 2 microbatches; blanks idle
	 */
	xp_error err;
	xp_schedule *s = load("0F0,0F1,2F0,2F1,,,2B0,2B1,0B0,0B1\r\n"
	                      ",1F0,1F1,3F0,3F1,3B0,3B1,1B0,1B1\r\n",
	                      CUR, &err);
	ok(s != NULL, "loop fixture reads (%s)", err.msg);
	if (!s) {
		skip(7, "no schedule");
		return;
	}
	is_int(xp_schedule_devices(s), 2, "loop: 2 devices");
	is_int(xp_schedule_chunks(s), 2, "loop: 2 chunks");
	is_int(xp_schedule_microbatches(s), 2, "loop: 2 microbatches");
	ok(xp_schedule_device_of(s, 2) == 0 && xp_schedule_device_of(s, 3) == 1 &&
	       xp_schedule_chunk_of(s, 2) == 1 && xp_schedule_chunk_of(s, 1) == 0,
	   "loop: stage 2 on device 0 chunk 1, stage 1 on device 1 chunk 0");
	ok(op_is(s, 0, 0, XP_OP_F, 0, 0) && op_is(s, 0, 2, XP_OP_F, 0, 1) &&
	       op_is(s, 0, 4, XP_OP_B, 0, 1) && op_is(s, 0, 7, XP_OP_B, 1, 0),
	   "loop: device 0 order F0c0 . F0c1 . B0c1 . . B1c0 (blanks dropped)");
	is_int((int)xp_schedule_len(s, 1), 8, "loop: device 1 has 8 ops");
	is_str(xp_schedule_name(s), "t.csv", "named after the file");
	xp_schedule_free(s);
}

static void test_v_fixture(void)
{
	/* V: rank 0 holds stages 0 and 3, rank 1 holds 1 and 2; one microbatch */
	xp_error err;
	xp_schedule *s = load("0F0,,,3F0,3B0,,,0B0\n,1F0,2F0,,,2B0,1B0,\n", CUR, &err);
	ok(s != NULL, "V fixture reads (%s)", err.msg);
	if (!s) {
		skip(2, "no schedule");
		return;
	}
	ok(xp_schedule_device_of(s, 3) == 0 && xp_schedule_chunk_of(s, 3) == 1 &&
	       xp_schedule_device_of(s, 2) == 1 && xp_schedule_chunk_of(s, 2) == 1,
	   "V: stage 3 on device 0 chunk 1, stage 2 on device 1 chunk 1");
	ok(op_is(s, 1, 1, XP_OP_F, 0, 1) && op_is(s, 1, 3, XP_OP_B, 0, 0),
	   "V: device 1 order F0c0 F0c1 B0c1 B0c0");
	xp_schedule_free(s);
}

static void test_legacy_dialect(void)
{
	xp_error err;
	xp_schedule *s = load("0F0,0B0,0W0\n", LEG, &err);
	ok(s && xp_schedule_split_backward(s) && op_is(s, 0, 1, XP_OP_D, 0, 0),
	   "legacy: B is the backward for the input (%s)", err.msg);
	xp_schedule_free(s);
	s = load("0F0,0BW0\n", LEG, &err);
	ok(s && !xp_schedule_split_backward(s) && op_is(s, 0, 1, XP_OP_B, 0, 0),
	   "legacy: BW is the whole backward (%s)", err.msg);
	xp_schedule_free(s);
	s = load("0F0,0BW0\n", CUR, &err);
	ok(!s && strstr(err.msg, "t.csv:1:5: cell '0BW0'"), "current: BW is refused: %s", err.msg);
	xp_schedule_free(s);
}

/* text fails to read with a message containing want */
static void fails(const char *text, const char *want)
{
	xp_error err;
	xp_schedule *s = load(text, CUR, &err);
	ok(!s && strstr(err.msg, want), "refused with '%s': %s", want, err.msg);
	xp_schedule_free(s);
}

static void test_errors(void)
{
	fails("0F0,0B0\n1F0,1X0\n", "t.csv:2:5: cell '1X0': not an action");
	fails("0F0,0B0\n0F1,0B1\n", "t.csv:2:1: cell '0F1': stage 0 is already on row 1");
	fails("0B0,0F0\n", "t.csv:1:1: cell '0B0': a backward before its forward");
	fails("0F0,0W0,0I0\n", "t.csv:1:5: cell '0W0': W before its I");
	fails("0F0,0F0,0B0\n", "t.csv:1:5: cell '0F0': the same action appears twice");
	fails("0F0,0F1,0B0\n", "t.csv: stage 0 has no backward of microbatch 1");
	/* B and I/W mix across microbatches (DualPipeV does), but each needs its whole backward */
	fails("0F0,0F1,0I0,0B1\n", "t.csv: stage 0 has no W of microbatch 0");
	fails("0F0,0F1,0I0,0B1,0W0,0I1\n", "t.csv:1:21: cell '0I1': both B and I/W");
	fails("0F0,0I0\n", "t.csv: stage 0 has no W of microbatch 0");
	fails("0F0,2F0,2B0,0B0\n1F0,1B0\n", "t.csv:2: row 2 holds 1 stages but row 1 holds 2");
	fails("0F0,0SEND_F0,0B0\n", "t.csv:1:5: cell '0SEND_F0': a send with no receiver");
	fails("0F,0B0\n", "t.csv:1:1: cell '0F': a compute action needs a microbatch");
	fails("0F0,0B0\n2F0,2B0\n", "t.csv: stage 1 has no action on any row");
	fails("\n\n", "t.csv: no actions");
}

int main(void)
{
	plan(38 + 8 + 3 + 3 + 14);
	test_loop_fixture();
	test_v_fixture();
	test_legacy_dialect();
	test_errors();
	reads("0F0", CUR, 0, XP_TORCH_F, 0);
	reads("12I7", CUR, 12, XP_TORCH_I, 7);
	reads("3W1023", CUR, 3, XP_TORCH_W, 1023);
	reads("2B5", CUR, 2, XP_TORCH_B, 5);
	reads("1UNSHARD", CUR, 1, XP_TORCH_UNSHARD, -1);
	reads("1RESHARD", CUR, 1, XP_TORCH_RESHARD, -1);
	reads("4REDUCE_GRAD", CUR, 4, XP_TORCH_REDUCE_GRAD, -1);
	reads("3SEND_F1", CUR, 3, XP_TORCH_SEND_F, 1);
	reads("4RECV_F1", CUR, 4, XP_TORCH_RECV_F, 1);
	reads("4SEND_B2", CUR, 4, XP_TORCH_SEND_B, 2);
	reads("3RECV_B2", CUR, 3, XP_TORCH_RECV_B, 2);
	reads("  5F3\t", CUR, 5, XP_TORCH_F, 3);
	/* legacy: B is the backward for the input, BW the whole backward */
	reads("2B0", LEG, 2, XP_TORCH_I, 0);
	reads("2BW0", LEG, 2, XP_TORCH_B, 0);
	reads("0F4", LEG, 0, XP_TORCH_F, 4);
	reads("1W3", LEG, 1, XP_TORCH_W, 3);

	xp_torch_action a;
	is_int(parse("", CUR, &a), 0, "an empty cell is idle");
	is_int(parse("   ", CUR, &a), 0, "a cell of spaces is idle");
	is_int(parse("\r", LEG, &a), 0, "a lone CR (CRLF line end) is idle");
	/* whole-cell matching: torch's prefix match would read these as other actions */
	rejects("2BW0", CUR);
	rejects("2I0", LEG);
	rejects("1F10x", CUR);
	rejects("1F1 0", CUR);
	reads("0SEND_F", CUR, 0, XP_TORCH_SEND_F, -1); /* the microbatch is optional */
	rejects("F0", CUR);
	rejects("0f0", CUR);
	rejects("0X0", CUR);
	rejects("-1F0", CUR);
	rejects("0F-1", CUR);
	rejects("99999999999F0", CUR);
	rejects("0F99999999999", CUR);
	rejects("0SEND_X0", CUR);
	is_int(parse("(0F0;1B0)OVERLAP_F_B", CUR, &a), 2, "a composite reads as one");
	rejects("(0F0;1B0)OVERLAP_F", CUR);
	rejects("(0F0)OVERLAP_F_B", CUR);
	rejects("((0F0;1B0)OVERLAP_F_B;1B0)OVERLAP_F_B", CUR);
	is_str(xp_torch_type_name(XP_TORCH_I, CUR), "I", "current name of backward-input");
	is_str(xp_torch_type_name(XP_TORCH_I, LEG), "B", "legacy name of backward-input");
	return done_testing();
}
