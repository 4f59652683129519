/* torch_roundtrip_test.c: TAP tests of the torch CSV export: every generator's schedule written
 * (compute_only and compute_comms) and read back gives the same per-device orders and the same
 * makespan over a grid of (p, m, chunks); the SEND/RECV placement against rows worked out by hand
 * from torch's _add_send_recv (tests/data/torch/README); the refusal of split pieces; and the
 * compute_comms checks of the reader, each error with its row and column. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "schedule/schedule_torch.h"
#include "schedules/schedules.h"
#include "tap.h"

/* s written in form, into a string the caller frees. */
static char *export(const xp_schedule *s, xp_torch_form form, xp_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		bail("open_memstream");
	xp_status st = xp_torch_write(s, form, f, err);
	fclose(f);
	if (st) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Export s in form, read it back, compare orders and analytic makespans. */
static void round_trip(const xp_params *pr, const xp_schedule *s, xp_torch_form form,
                       const char *what)
{
	xp_error err;
	xp_error_clear(&err);
	xp_schedule *back = NULL;
	char *csv = export(s, form, &err);
	if (csv)
		xp_torch_read(csv, strlen(csv), "rt.csv", XP_TORCH_DIALECT_CURRENT, &back, NULL,
		              &err);
	int64_t want = -1, got = -2;
	if (back) {
		xp_result *r1 = fx_run("analytic", pr, s), *r2 = fx_run("analytic", pr, back);
		want = r1->makespan_ns, got = r2->makespan_ns;
		xp_result_free(r1);
		xp_result_free(r2);
	}
	ok(back && fx_same_orders(s, back) && want == got,
	   "%s %s: export and import give the same orders and makespan (%lld, %lld) %s", what,
	   form ? "compute_comms" : "compute_only", (long long)want, (long long)got, err.msg);
	xp_schedule_free(back);
	free(csv);
}

/* Generators left out: the solvers (their run time at these sizes is the solver's, and
 * their orders are crosspipe orders like the others'); dualpipev, which needs m >= 2p and has
 * its own round trips in tests/overlap_test.c. */
static int skipped(const char *name)
{
	return !strcmp(name, "optimal") || !strcmp(name, "optimal-v") || !strcmp(name, "dualpipev");
}

static const int grid[][3] = { { 2, 2, 2 }, { 4, 8, 2 }, { 3, 6, 3 }, { 4, 4, 2 } };
#define N_GRID (int)(sizeof grid / sizeof grid[0])

static int count_generators(void)
{
	size_t n;
	const xp_schedule_kind *k = xp_schedule_kinds(&n);
	int c = 0;
	for (size_t i = 0; i < n; i++)
		c += !skipped(k[i].name);
	return c;
}

static void test_round_trips(void)
{
	size_t n;
	const xp_schedule_kind *k = xp_schedule_kinds(&n);
	for (int g = 0; g < N_GRID; g++) {
		xp_params *pr = fx_new(grid[g][0], grid[g][1], 1000, 1200, 800);
		fx_datacenters(pr, 2, 2000, 8e9);
		pr->chunks = grid[g][2];
		pr->n_sub = 1; /* torch has no sub-blocks */
		for (size_t i = 0; i < n; i++) {
			if (skipped(k[i].name))
				continue;
			char what[64];
			snprintf(what, sizeof what, "%s p=%d m=%d v=%d", k[i].name, grid[g][0],
			         grid[g][1], grid[g][2]);
			xp_schedule *s = fx_build(k[i].name, pr);
			round_trip(pr, s, XP_TORCH_COMPUTE_ONLY, what);
			round_trip(pr, s, XP_TORCH_COMPUTE_COMMS, what);
			xp_schedule_free(s);
		}
		fx_free(pr);
	}
}

/* The schedule of rows (compute_only text) written as compute_comms equals want. */
static void comms_are(const char *rows, const char *want, const char *what)
{
	xp_error err;
	xp_error_clear(&err);
	xp_schedule *s = NULL;
	xp_torch_read(rows, strlen(rows), what, XP_TORCH_DIALECT_CURRENT, &s, NULL, &err);
	char *got = s ? export(s, XP_TORCH_COMPUTE_COMMS, &err) : NULL;
	is_str(got ? got : err.msg, want, "%s: SEND/RECV placed as torch's _add_send_recv", what);
	free(got);
	xp_schedule_free(s);
}

static void test_send_recv_placement(void)
{
	/* one stage per rank, one microbatch */
	comms_are("0F0,0B0\n1F0,1B0\n",
	          "0F0,0SEND_F0,0RECV_B0,0B0\r\n1RECV_F0,1F0,1B0,1SEND_B0\r\n", "plain");
	/* V: rank 0 holds stages 0 and 3, rank 1 stages 1 and 2; no transfer 1->2 (one rank) */
	comms_are("0F0,3F0,3B0,0B0\n1F0,2F0,2B0,1B0\n",
	          "0F0,0SEND_F0,3RECV_F0,3F0,3B0,3SEND_B0,0RECV_B0,0B0\r\n"
	          "1RECV_F0,1F0,2F0,2SEND_F0,2RECV_B0,2B0,1B0,1SEND_B0\r\n",
	          "V");
}

static void test_refuses_pieces(void)
{
	xp_params *pr = fx_new(4, 8, 1000, 1200, 800);
	fx_datacenters(pr, 2, 2000, 8e9);
	pr->n_sub = 4;
	xp_schedule *s = fx_build("greedy", pr);
	xp_error err;
	xp_error_clear(&err);
	char *csv = export(s, XP_TORCH_COMPUTE_ONLY, &err);
	ok(!csv && err.code == XP_EINVAL && strstr(err.msg, "split into pieces") &&
	       strstr(err.msg, "--n-sub 1") && strstr(err.msg, "on device"),
	   "split pieces are refused, named, with the way out: %s", err.msg);
	free(csv);
	xp_schedule_free(s);
	fx_free(pr);
}

/* text (compute_comms) fails to read with a message containing want */
static void fails(const char *text, const char *want)
{
	xp_error err;
	xp_error_clear(&err);
	xp_schedule *s = NULL;
	xp_torch_read(text, strlen(text), "c.csv", XP_TORCH_DIALECT_CURRENT, &s, NULL, &err);
	ok(!s && strstr(err.msg, want), "refused with '%s': %s", want, err.msg);
	xp_schedule_free(s);
}

static void test_comms_errors(void)
{
	fails("0F0,0SEND_F0,0RECV_B0,0B0\n1F0,1B0,1SEND_B0\n",
	      "c.csv:1:5: cell '0SEND_F0': no RECV_F on the next stage's rank");
	fails("0F0,0RECV_B0,0B0\n1RECV_F0,1F0,1B0,1SEND_B0\n",
	      "c.csv:1:1: cell '0F0': no SEND_F after it");
	fails("0SEND_F0,0F0,0RECV_B0,0B0\n1RECV_F0,1F0,1B0,1SEND_B0\n",
	      "c.csv:1:1: cell '0SEND_F0': a send before the compute");
	fails("0F0,0SEND_F0,0B0,0RECV_B0\n1RECV_F0,1F0,1B0,1SEND_B0\n",
	      "c.csv:1:18: cell '0RECV_B0': a receive after the compute that needs it");
	fails("0F0,0SEND_F0,0RECV_B0,0B0\n1RECV_F0,1RECV_F0,1F0,1B0,1SEND_B0\n",
	      "c.csv:2:10: cell '1RECV_F0': the same send or receive appears twice");
	fails("0F0,0SEND_F0,0RECV_B0,0B0\n1RECV_F0,1F0,1B0\n",
	      "c.csv:2:14: cell '1B0': no SEND_B after it");
	fails("0F0,0SEND_F0,0RECV_B0,0B0\n1RECV_F0,1F0,1SEND_F0,1B0,1SEND_B0\n",
	      "c.csv:2:14: cell '1SEND_F0': a send with no receiver");
	fails("0RECV_F0,0F0,0B0\n", "c.csv:1:1: cell '0RECV_F0': a receive with no sender");
	fails("0F0,0SEND_F,0B0\n",
	      "c.csv:1:5: cell '0SEND_F': a send or receive needs a microbatch");
	fails("(0F0;1I0)OVERLAP_F_B\n",
	      "c.csv:1:1: cell '(0F0;1I0)OVERLAP_F_B': an OVERLAP_F_B is a forward and a whole "
	      "backward");
	fails("0F1,(0F0;0B1)OVERLAP_F_B\n",
	      "c.csv:1:5: cell '(0F0;0B1)OVERLAP_F_B': an OVERLAP_F_B joins two different "
	      "stages");
	/* REDUCE_GRAD: right after the compute that ends its stage's last B or W, once */
	fails("0F0,0F1,0B0,0REDUCE_GRAD,0B1\n",
	      "c.csv:1:13: cell '0REDUCE_GRAD': REDUCE_GRAD before its stage's last backward");
	fails("0F0,3F0,3B0,0B0,3REDUCE_GRAD\n1F0,2F0,2B0,1B0\n",
	      "c.csv:1:17: cell '3REDUCE_GRAD': REDUCE_GRAD later than right after its stage's "
	      "last backward");
	fails("0F0,0B0,0REDUCE_GRAD,0REDUCE_GRAD\n",
	      "c.csv:1:22: cell '0REDUCE_GRAD': a stage's REDUCE_GRAD appears twice");
}

static void test_comms_and_fsdp_read(void)
{
	const char *t = "0UNSHARD,0F0,0SEND_F0,0RECV_B0,0B0,0RESHARD,0REDUCE_GRAD\n"
	                "1RECV_F0,1F0,1B0,1SEND_B0\n";
	xp_torch_info in = { -7, -7, -7, -7 };
	xp_error err;
	xp_error_clear(&err);
	xp_schedule *s = NULL;
	xp_torch_read(t, strlen(t), "c.csv", XP_TORCH_DIALECT_AUTO, &s, &in, &err);
	ok(s && xp_schedule_len(s, 0) == 2 && xp_schedule_len(s, 1) == 2,
	   "compute_comms with FSDP cells reads to 2 ops per device (%s)", err.msg);
	ok(in.comm_cells == 4 && in.fsdp_cells == 3 && in.dialect == XP_TORCH_DIALECT_CURRENT,
	   "info: 4 SEND/RECV, 3 FSDP cells, current dialect (got %d, %d, %d)", in.comm_cells,
	   in.fsdp_cells, in.dialect);
	xp_schedule_free(s);
	s = NULL;
	/* one rank, two stages, each REDUCE_GRAD where _add_reduce_grad would put it */
	t = "0F0,1F0,0F1,1B0,1F1,1B1,1REDUCE_GRAD,0B0,0B1,0REDUCE_GRAD\n";
	xp_torch_read(t, strlen(t), "r.csv", XP_TORCH_DIALECT_CURRENT, &s, &in, &err);
	ok(s && in.fsdp_cells == 2 && xp_schedule_len(s, 0) == 8,
	   "REDUCE_GRAD where _add_reduce_grad puts it is read (%s)", err.msg);
	xp_schedule_free(s);
	s = NULL;
	xp_torch_read("0F0,0B0,0W0\n", 12, "l.csv", XP_TORCH_DIALECT_AUTO, &s, &in, &err);
	ok(s && in.dialect == XP_TORCH_DIALECT_LEGACY && xp_schedule_split_backward(s),
	   "auto: a file only the legacy dialect reads is read in it (%s)", err.msg);
	xp_schedule_free(s);
	s = NULL;
	xp_error_clear(&err);
	xp_torch_read("0F0,0B0,0W0\n", 12, "l.csv", XP_TORCH_DIALECT_CURRENT, &s, &in, &err);
	ok(!s && strstr(err.msg, "l.csv:1:9: cell '0W0': W before its I"),
	   "current, asked for: the same file is refused: %s", err.msg);
	xp_schedule_free(s);
}

int main(void)
{
	plan(2 * N_GRID * count_generators() + 2 + 1 + 14 + 5);
	test_round_trips();
	test_send_recv_placement();
	test_refuses_pieces();
	test_comms_errors();
	test_comms_and_fsdp_read();
	return done_testing();
}
