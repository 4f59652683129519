/* scenario_fuzz.c: the scenario reader. The input up to its first NUL byte is the YAML text;
 * every NUL-separated piece after it is a --set override ("key=value"). */
#include "fuzz.h"

enum { MAX_PARTS = 17 };

static void check_params(const xp_params *pr)
{
	FZ_REQUIRE(pr->stages >= 1 && pr->microbatches >= 1 && pr->dp >= 1 && pr->chunks >= 1,
	           "a parsed scenario has p=%d m=%d dp=%d v=%d", pr->stages, pr->microbatches,
	           pr->dp, pr->chunks);
	FZ_REQUIRE(pr->datacenters >= 1, "a parsed scenario has %d datacenters", pr->datacenters);
	for (int k = 0; k < pr->stages; k++) {
		FZ_REQUIRE(pr->forward_ns[k] >= 0 && pr->backward_input_ns[k] >= 0 &&
		               pr->backward_weight_ns[k] >= 0 && pr->activation_bytes[k] >= 0,
		           "stage %d has a negative time or size", k);
		FZ_REQUIRE(
		    !pr->placement || (pr->placement[k] >= 0 && pr->placement[k] < pr->datacenters),
		    "stage %d is placed in DC %d of %d", k, pr->placement[k], pr->datacenters);
	}
	FZ_REQUIRE(pr->intra_dc.latency_ns >= 0 && pr->inter_dc.latency_ns >= 0,
	           "a negative link latency");
	FZ_REQUIRE(pr->intra_dc.bandwidth_bps > 0 && pr->inter_dc.bandwidth_bps > 0,
	           "a link bandwidth <= 0");
	(void)xp_params_tf_ns(pr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *parts[MAX_PARTS];
	size_t text_len = 0;
	int n = fz_split_nul(data, size, parts, MAX_PARTS, &text_len);
	xp_scenario *sc = (xp_scenario *)1;
	xp_error err = { 0 };
	xp_status st = xp_scenario_parse(parts[0], text_len, "fuzz.yaml",
	                                 (const char *const *)parts + 1, n - 1, &sc, &err);
	fz_contract("xp_scenario_parse", st, sc, &err);
	if (st == XP_OK) {
		check_params(xp_scenario_params(sc));
		FZ_REQUIRE(strcmp(xp_scenario_name(sc), "fuzz.yaml") == 0, "the name is lost");
	}
	xp_scenario_free(sc);
	for (int i = 0; i < n; i++)
		free(parts[i]);
	return 0;
}
