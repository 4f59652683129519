/* torch_test.c: TAP tests of the torch schedule CSV action grammar (both dialects, blanks,
 * whole-cell matching, bad cells). Expected values are written out by hand from the grammar. */
#include <string.h>

#include "schedule_torch.h"
#include "tap.h"

#define CUR XP_TORCH_DIALECT_CURRENT
#define LEG XP_TORCH_DIALECT_LEGACY

static int parse(const char *cell, xp_torch_dialect d, xp_torch_action *a)
{
	*a = (xp_torch_action){ -7, -7, -7 };
	return xp_torch_parse_cell(cell, strlen(cell), d, a);
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

int main(void)
{
	plan(34);
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
	is_str(xp_torch_type_name(XP_TORCH_I, CUR), "I", "current name of backward-input");
	is_str(xp_torch_type_name(XP_TORCH_I, LEG), "B", "legacy name of backward-input");
	return done_testing();
}
