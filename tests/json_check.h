/* json_check.h: for the tests of the JSON writers, a JSON syntax checker (the RFC 8259 grammar,
 * no semantics) and the keys of a document as dotted paths ("results.solver.bound_ns"; arrays
 * are transparent), each listed once. */
#ifndef XP_JSON_CHECK_H
#define XP_JSON_CHECK_H

enum { MAX_KEYS = 256, KEY_LEN = 80 };
typedef struct keyset {
	char path[MAX_KEYS][KEY_LEN];
	int n;
} keyset;

/* 1 when s is one JSON value and nothing but white space after it. */
int json_valid(const char *s);
/* The keys of s (valid JSON) into ks; bails out beyond MAX_KEYS distinct keys. 1 on success. */
int json_keys(const char *s, keyset *ks);

#endif
