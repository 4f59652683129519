/* fuzz.h: what every libFuzzer harness under tests/fuzz/ shares: the library's error contract
 * (a failed call returns no object and a non-empty message), checked with abort() so that the
 * fuzzer reports a breach as a crash, with its input. */
#ifndef XP_FUZZ_H
#define XP_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crosspipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* abort() with a message: the fuzzer saves the input as a crash artifact. */
#define FZ_REQUIRE(cond, ...)                                                                  \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			fprintf(stderr, "fuzz contract broken (%s:%d): ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                                          \
			fputc('\n', stderr);                                                   \
			abort();                                                               \
		}                                                                              \
	} while (0)

/* The contract of every fallible call: XP_OK with an object, or an error code, no object and
 * a message. */
static inline void fz_contract(const char *call, xp_status st, const void *obj, const xp_error *err)
{
	if (st == XP_OK) {
		FZ_REQUIRE(obj != NULL, "%s returned XP_OK without an object", call);
		return;
	}
	FZ_REQUIRE(st > XP_OK && st < XP_STATUS_COUNT, "%s returned the unknown status %d", call,
	           (int)st);
	FZ_REQUIRE(obj == NULL, "%s failed (%s) but returned an object", call, xp_status_name(st));
	FZ_REQUIRE(err->msg[0] != '\0', "%s failed (%s) with an empty message", call,
	           xp_status_name(st));
	FZ_REQUIRE(memchr(err->msg, '\0', sizeof err->msg) != NULL,
	           "%s failed with an unterminated message", call);
}

/* A NUL-terminated copy of data[0, size) (the library reads text with a length, but some
 * callers need a C string). Never NULL: aborts when out of memory. */
static inline char *fz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	FZ_REQUIRE(s != NULL, "out of memory");
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Split data at NUL bytes: the text before the first NUL, then up to max_parts-1 more pieces.
 * Returns the number of pieces written to parts (each a malloc'd string). */
static inline int fz_split_nul(const uint8_t *data, size_t size, char **parts, int max_parts,
                               size_t *first_len)
{
	int n = 0;
	size_t start = 0;
	for (size_t i = 0; i <= size && n < max_parts; i++) {
		if (i == size || data[i] == '\0') {
			if (n == 0)
				*first_len = i - start;
			parts[n++] = fz_strndup(data + start, i - start);
			start = i + 1;
		}
	}
	return n;
}

#endif
