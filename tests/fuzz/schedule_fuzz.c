/* schedule_fuzz.c: the schedule-file reader, and the write/read round trip: a schedule that
 * reads writes a file that reads back to the same schedule and writes the same bytes again. */
#include "fuzz.h"

/* The file form of s, malloc'd, with its length. */
static char *write_text(const xp_schedule *s, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	FZ_REQUIRE(f != NULL, "open_memstream failed");
	xp_status st = xp_schedule_write(s, f);
	FZ_REQUIRE(fclose(f) == 0 && st == XP_OK, "xp_schedule_write failed (%s)",
	           xp_status_name(st));
	return buf;
}

static void same_schedule(const xp_schedule *a, const xp_schedule *b)
{
	FZ_REQUIRE(xp_schedule_devices(a) == xp_schedule_devices(b) &&
	               xp_schedule_chunks(a) == xp_schedule_chunks(b) &&
	               xp_schedule_microbatches(a) == xp_schedule_microbatches(b),
	           "the round trip changes the shape");
	for (int p = 0; p < xp_schedule_parts(a); p++)
		FZ_REQUIRE(xp_schedule_device_of(a, p) == xp_schedule_device_of(b, p),
		           "the round trip moves part %d", p);
	for (int d = 0; d < xp_schedule_devices(a); d++) {
		size_t n = xp_schedule_len(a, d);
		FZ_REQUIRE(n == xp_schedule_len(b, d), "the round trip changes device %d's length",
		           d);
		const xp_op *x = xp_schedule_ops(a, d), *y = xp_schedule_ops(b, d);
		for (size_t i = 0; i < n; i++)
			FZ_REQUIRE(x[i].kind == y[i].kind && x[i].chunk == y[i].chunk &&
			               x[i].mb == y[i].mb && x[i].lo == y[i].lo &&
			               x[i].hi == y[i].hi && x[i].nsub == y[i].nsub,
			           "the round trip changes op %zu of device %d", i, d);
	}
}

static int plain_name(const char *name)
{
	for (const char *c = name; *c; c++)
		if ((unsigned char)*c < ' ' || *c == '#')
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	xp_schedule *s = (xp_schedule *)1;
	xp_error err = { 0 };
	xp_status st = xp_schedule_read((const char *)data, size, "fuzz.sched", &s, &err);
	fz_contract("xp_schedule_read", st, s, &err);
	if (st != XP_OK)
		return 0;
	size_t len1, len2;
	char *text1 = write_text(s, &len1);
	xp_schedule *back = NULL;
	st = xp_schedule_read(text1, len1, "written.sched", &back, &err);
	FZ_REQUIRE(st == XP_OK, "a written schedule does not read back: %s", err.msg);
	same_schedule(s, back);
	/* the writer turns control characters into '_', so only a plain name comes back as is */
	FZ_REQUIRE(strcmp(xp_schedule_name(s), xp_schedule_name(back)) == 0 ||
	               !plain_name(xp_schedule_name(s)),
	           "the round trip renames '%s' to '%s'", xp_schedule_name(s),
	           xp_schedule_name(back));
	char *text2 = write_text(back, &len2);
	FZ_REQUIRE(len1 == len2 && memcmp(text1, text2, len1) == 0,
	           "writing the read-back schedule gives other bytes");
	free(text1);
	free(text2);
	xp_schedule_free(back);
	xp_schedule_free(s);
	return 0;
}
