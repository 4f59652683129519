/* schedule_lex.c: the schedule file reader's lexing (schedule_lex.h). */
#include "schedule/schedule_lex.h"

#include <stdarg.h>
#include <stdio.h>

int xp_lex_col_of(const parser *ps, size_t at)
{
	return (int)(at - ps->line_start) + 1;
}

xp_status xp_lex_vfail(parser *ps, int line, int col, const char *what, const char *fmt, va_list ap)
{
	char msg[768];
	vsnprintf(msg, sizeof msg, fmt, ap);
	return xp_fail(ps->err, XP_EINVAL, "%s:%d:%d: %s%s", ps->name, line, col, what, msg);
}

xp_status xp_lex_syntax(parser *ps, size_t at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	xp_status st = xp_lex_vfail(ps, ps->line, xp_lex_col_of(ps, at), "", fmt, ap);
	va_end(ap);
	return st;
}

int xp_lex_peek(const parser *ps)
{
	return ps->pos < ps->len ? (unsigned char)ps->text[ps->pos] : -1;
}

int xp_lex_is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

void xp_lex_skip_blanks(parser *ps)
{
	while (xp_lex_is_blank(xp_lex_peek(ps)))
		ps->pos++;
}

/* at the end of the line's content: end of text, newline or comment */
int xp_lex_at_eol(const parser *ps)
{
	int c = xp_lex_peek(ps);
	return c < 0 || c == '\n' || c == '#';
}

int xp_lex_at_field_end(const parser *ps)
{
	return xp_lex_at_eol(ps) || xp_lex_is_blank(xp_lex_peek(ps));
}

/* printable form of the character at pos, for messages */
const char *xp_lex_shown(const parser *ps, char *buf, size_t len)
{
	int c = xp_lex_peek(ps);
	if (c < 0)
		snprintf(buf, len, "end of file");
	else if (c == '\n')
		snprintf(buf, len, "end of line");
	else if (c == ' ' || c == '\t')
		snprintf(buf, len, "a blank");
	else if (c > ' ' && c < 127)
		snprintf(buf, len, "'%c'", c);
	else
		snprintf(buf, len, "byte 0x%02x", c);
	return buf;
}

void xp_lex_next_line(parser *ps)
{
	while (ps->pos < ps->len && ps->text[ps->pos] != '\n')
		ps->pos++;
	if (ps->pos < ps->len)
		ps->pos++;
	ps->line++;
	ps->line_start = ps->pos;
}

xp_status xp_lex_expect_eol(parser *ps)
{
	char b[32];
	xp_lex_skip_blanks(ps);
	if (!xp_lex_at_eol(ps))
		return xp_lex_syntax(ps, ps->pos, "expected the end of the line, got %s",
		                     xp_lex_shown(ps, b, sizeof b));
	return XP_OK;
}

/* a word of letters and '-' */
size_t xp_lex_read_word(parser *ps, char *buf, size_t cap)
{
	size_t n = 0;
	int c;
	while ((c = xp_lex_peek(ps)) >= 0 &&
	       ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-')) {
		if (n + 1 < cap)
			buf[n] = (char)c;
		n++;
		ps->pos++;
	}
	buf[n < cap ? n : cap - 1] = '\0';
	return n;
}

/* a decimal number 0 .. max; what names it in messages */
xp_status xp_lex_read_uint(parser *ps, long max, long *out, const char *what)
{
	char b[32];
	size_t at = ps->pos;
	long v = 0;
	int c = xp_lex_peek(ps);
	if (c < '0' || c > '9')
		return xp_lex_syntax(ps, at, "expected %s, got %s", what,
		                     xp_lex_shown(ps, b, sizeof b));
	while ((c = xp_lex_peek(ps)) >= '0' && c <= '9') {
		v = v * 10 + (c - '0');
		if (v > max)
			return xp_lex_syntax(ps, at, "%s is too large (at most %ld)", what, max);
		ps->pos++;
	}
	*out = v;
	return XP_OK;
}
