/* schedule_lex.h: the schedule file reader's state and its lexing, shared by schedule_file.c
 * (the format and its grammar) and schedule_lex.c (characters, words, numbers, messages with
 * name:line:column). Private to those two files. */
#ifndef XP_SCHEDULE_LEX_H
#define XP_SCHEDULE_LEX_H

#include <stdarg.h>
#include <stddef.h>

#include "schedule/schedule.h"

#define MAX_DEVICES  65536
#define NAME_MAX_LEN 47

/* Where one op of a device order was read. */
typedef struct op_place {
	int device, line, col;
} op_place;

typedef struct parser {
	const char *text, *name;
	size_t len, pos, line_start;
	int line;
	xp_error *err;
	int magic, devices, chunks, microbatches;
	char sname[NAME_MAX_LEN + 1];
	int *placement; /* values as read, with where each was */
	int *placement_col;
	int n_placement, cap_placement, placement_line, placement_at;
	xp_schedule *s;
	op_place *places; /* where every op was, in file order, for the check's messages */
	size_t n_places, cap_places;
} parser;

/* The column (from 1) of byte offset at on the current line. */
int xp_lex_col_of(const parser *ps, size_t at);
/* XP_EINVAL with "name:line:col: <what><message>" in ps->err. */
xp_status xp_lex_vfail(parser *ps, int line, int col, const char *what, const char *fmt,
                       va_list ap);
/* xp_lex_vfail at byte offset at of the current line. */
xp_status xp_lex_syntax(parser *ps, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The byte at the read position, or -1 at the end. */
int xp_lex_peek(const parser *ps);
int xp_lex_is_blank(int c);
void xp_lex_skip_blanks(parser *ps);
/* At the end of the line's content: end of text, newline or comment. */
int xp_lex_at_eol(const parser *ps);
int xp_lex_at_field_end(const parser *ps);
/* The printable form of the byte at the read position, for messages. */
const char *xp_lex_shown(const parser *ps, char *buf, size_t len);
void xp_lex_next_line(parser *ps);
xp_status xp_lex_expect_eol(parser *ps);
/* A word of letters and '-' into buf; its full length. */
size_t xp_lex_read_word(parser *ps, char *buf, size_t cap);
/* A decimal number 0 .. max; `what` names it in messages. */
xp_status xp_lex_read_uint(parser *ps, long max, long *out, const char *what);

#endif
