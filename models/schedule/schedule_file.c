/* schedule_file.c: the plain-text schedule file: write, read (errors with line:column), load. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/io.h"
#include "schedule/schedule.h"
#include "schedule/schedule_check.h"
#include "schedule/schedule_lex.h"
#include "schedule/schedule_torch.h"

/*
 * The format, version 1. Lines; a '#' starts a comment that runs to the end of its line; blank
 * lines are ignored; fields are separated by spaces or tabs.
 *
 *   crosspipe-schedule 1       first line that is not blank or a comment: magic word, version
 *   name my-order              optional, default the file's base name without extension:
 *                              up to 47 characters, rest of the line
 *   devices 4                  required: pipeline devices p
 *   chunks 2                   optional, default 1: model parts per device (at most 255)
 *   microbatches 8             required: m
 *   placement 0 1 2 3 3 2 1 0  optional, default the loop placement (part c*p+k on device k):
 *                              the device of every model part, in data-flow order; every device
 *                              holds exactly `chunks` parts, which are its chunks 0, 1, ... in
 *                              increasing part order
 *   device 0: F0.c0 F1.c0 ...  the order of a device: ops separated by blanks
 *
 * The header lines come before the first device line, each at most once, in any order. A device
 * may have several lines; their ops are appended in file order. A device without a line runs
 * nothing.
 *
 * An op is <kind><microbatch>[.c<chunk>][[<lo>:<hi>/<nsub>]] without blanks:
 *   kind       F (forward), B (combined backward), D (backward for the input), W (for the weights)
 *   microbatch 0 .. m-1
 *   .c<chunk>  the device's local chunk, 0 .. chunks-1; required when chunks > 1, else optional
 *   [lo:hi/n]  a piece: sub-blocks lo .. hi-1 of the block cut into n equal sub-blocks
 *              (0 <= lo < hi <= n <= 65535); without it the op is the whole block
 * An overlapped op (torch's OVERLAP_F_B: a whole F and a whole B of two parts of the device run
 * as one op, docs/model.md) is <F block>+<B block>, e.g. F5.c0+B2.c1.
 * Examples: F3, B0.c1, W2.c0[1:4/4], F5.c0+B2.c1.
 *
 * Columns count bytes from 1 (a tab is one column). After the syntax, the reader runs
 * xp_schedule_check: every block once, each backward a B or a D and a W; its errors are placed at
 * the op they are about (a missing block at the device's last op). The writer prints the placement
 * always, a name line when the name is not empty (control characters and '#' become '_'), and
 * one line per device, so that writing and reading back gives the same schedule.
 */

/* ---- header lines ---- */

static xp_status header_int(parser *ps, int *field, const char *key, long lo, long hi)
{
	long v;
	size_t at;
	if (*field)
		return xp_lex_syntax(ps, ps->line_start, "%s is given twice", key);
	xp_lex_skip_blanks(ps);
	at = ps->pos;
	xp_status st = xp_lex_read_uint(ps, hi, &v, "a whole number");
	if (st)
		return st;
	if (v < lo)
		return xp_lex_syntax(ps, at, "%s must be %ld..%ld", key, lo, hi);
	*field = (int)v;
	return xp_lex_expect_eol(ps);
}

static xp_status header_magic(parser *ps, const char *word, size_t at)
{
	long version;
	if (strcmp(word, "crosspipe-schedule") != 0)
		return xp_lex_syntax(ps, at,
		                     "expected 'crosspipe-schedule 1' (a crosspipe schedule file)");
	xp_lex_skip_blanks(ps);
	size_t vat = ps->pos;
	xp_status st = xp_lex_read_uint(ps, 1000000, &version, "the format version");
	if (st)
		return st;
	if (version != 1)
		return xp_lex_syntax(ps, vat, "unsupported format version %ld, expected 1",
		                     version);
	ps->magic = 1;
	return xp_lex_expect_eol(ps);
}

static xp_status header_name(parser *ps)
{
	if (ps->sname[0])
		return xp_lex_syntax(ps, ps->line_start, "name is given twice");
	xp_lex_skip_blanks(ps);
	size_t at = ps->pos, end;
	while (!xp_lex_at_eol(ps))
		ps->pos++;
	for (end = ps->pos; end > at && xp_lex_is_blank((unsigned char)ps->text[end - 1]); end--)
		;
	if (end == at)
		return xp_lex_syntax(ps, at, "expected a name");
	if (end - at > NAME_MAX_LEN)
		return xp_lex_syntax(ps, at, "the name is longer than %d characters", NAME_MAX_LEN);
	for (size_t k = at; k < end; k++) { /* a name is printed in every output: text only */
		unsigned char c = (unsigned char)ps->text[k];
		if (c < ' ' || c == 0x7f)
			return xp_lex_syntax(ps, k,
			                     "the name holds a control character (byte 0x%02x)", c);
	}
	memcpy(ps->sname, ps->text + at, end - at);
	ps->sname[end - at] = '\0';
	return XP_OK;
}

static xp_status placement_push(parser *ps, int v, int col)
{
	if (ps->n_placement == ps->cap_placement) {
		int cap = ps->cap_placement ? 2 * ps->cap_placement : 64;
		int *a = realloc(ps->placement, (size_t)cap * sizeof *a);
		if (!a)
			return xp_fail(ps->err, XP_ENOMEM, "%s: out of memory", ps->name);
		ps->placement = a;
		int *b = realloc(ps->placement_col, (size_t)cap * sizeof *b);
		if (!b)
			return xp_fail(ps->err, XP_ENOMEM, "%s: out of memory", ps->name);
		ps->placement_col = b;
		ps->cap_placement = cap;
	}
	ps->placement[ps->n_placement] = v;
	ps->placement_col[ps->n_placement++] = col;
	return XP_OK;
}

/* the values only; they are checked against devices and chunks when the schedule is made */
static xp_status header_placement(parser *ps, size_t at)
{
	if (ps->placement_line)
		return xp_lex_syntax(ps, at, "placement is given twice");
	ps->placement_line = ps->line;
	ps->placement_at = xp_lex_col_of(ps, at);
	for (;;) {
		long v;
		xp_lex_skip_blanks(ps);
		if (xp_lex_at_eol(ps))
			break;
		int col = xp_lex_col_of(ps, ps->pos);
		xp_status st = xp_lex_read_uint(ps, MAX_DEVICES, &v, "a device index");
		if (!st && !xp_lex_at_field_end(ps)) {
			char b[32];
			st = xp_lex_syntax(ps, ps->pos, "expected a device index, got %s",
			                   xp_lex_shown(ps, b, sizeof b));
		}
		if (!st)
			st = placement_push(ps, (int)v, col);
		if (st)
			return st;
	}
	if (!ps->n_placement)
		return xp_lex_syntax(ps, ps->pos,
		                     "expected the device of every part after 'placement'");
	return XP_OK;
}

/* ---- the schedule ---- */

static xp_status placement_fail(parser *ps, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static xp_status placement_fail(parser *ps, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	xp_status st = xp_lex_vfail(ps, ps->placement_line, col, "placement: ", fmt, ap);
	va_end(ap);
	return st;
}

static xp_status check_placement(parser *ps)
{
	int parts = ps->devices * ps->chunks;
	if (ps->n_placement != parts)
		return placement_fail(ps, ps->placement_at,
		                      "expected %d device indices (devices x chunks), got %d",
		                      parts, ps->n_placement);
	int *held = calloc((size_t)ps->devices, sizeof *held);
	if (!held)
		return xp_fail(ps->err, XP_ENOMEM, "%s: out of memory", ps->name);
	xp_status st = XP_OK;
	for (int q = 0; q < parts && !st; q++) {
		int d = ps->placement[q];
		if (d >= ps->devices)
			st = placement_fail(ps, ps->placement_col[q],
			                    "part %d: device %d is outside 0..%d", q, d,
			                    ps->devices - 1);
		else if (++held[d] > ps->chunks)
			st = placement_fail(ps, ps->placement_col[q],
			                    "part %d: device %d would hold more than %d parts", q,
			                    d, ps->chunks);
	}
	free(held);
	return st;
}

/* make the schedule once the headers are complete; at is where that became necessary */
static xp_status make_schedule(parser *ps, size_t at)
{
	if (!ps->devices)
		return xp_lex_syntax(ps, at, "expected 'devices N' before the device orders");
	if (!ps->microbatches)
		return xp_lex_syntax(ps, at, "expected 'microbatches N' before the device orders");
	if (!ps->chunks)
		ps->chunks = 1;
	if (ps->placement_line) {
		xp_status st = check_placement(ps);
		if (st)
			return st;
	}
	ps->s = xp_schedule_new(ps->devices, ps->chunks, ps->microbatches,
	                        ps->placement_line ? ps->placement : NULL);
	if (!ps->s)
		return xp_fail(ps->err, XP_ENOMEM, "%s: out of memory", ps->name);
	return XP_OK;
}

/* the character c, or an error saying what it belongs to */
static xp_status expect_char(parser *ps, int c, const char *what)
{
	char b[32];
	if (xp_lex_peek(ps) != c)
		return xp_lex_syntax(ps, ps->pos, "expected '%c' %s, got %s", c, what,
		                     xp_lex_shown(ps, b, sizeof b));
	ps->pos++;
	return XP_OK;
}

/* [lo:hi/nsub] */
static xp_status read_piece(parser *ps, xp_op *op)
{
	const char *in = "in a piece [lo:hi/nsub]";
	long lo = 0, hi = 0, n = 0;
	size_t at = ps->pos;
	xp_status st = expect_char(ps, '[', in);
	if (!st)
		st = xp_lex_read_uint(ps, 65535, &lo, "the first sub-block of the piece");
	if (!st)
		st = expect_char(ps, ':', in);
	if (!st)
		st = xp_lex_read_uint(ps, 65535, &hi, "the end of the piece");
	if (!st)
		st = expect_char(ps, '/', in);
	if (!st)
		st = xp_lex_read_uint(ps, 65535, &n, "the number of sub-blocks");
	if (!st)
		st = expect_char(ps, ']', in);
	if (st)
		return st;
	if (!(lo < hi && hi <= n))
		return xp_lex_syntax(ps, at,
		                     "expected a piece [lo:hi/nsub] with 0 <= lo < hi <= nsub");
	op->lo = (uint16_t)lo;
	op->hi = (uint16_t)hi;
	op->nsub = (uint16_t)n;
	return XP_OK;
}

static xp_status read_chunk(parser *ps, xp_op *op)
{
	long c;
	size_t at;
	if (xp_lex_peek(ps) != '.') {
		if (ps->chunks > 1)
			return xp_lex_syntax(ps, ps->pos,
			                     "expected '.c<chunk>': this schedule has %d chunks",
			                     ps->chunks);
		return XP_OK;
	}
	ps->pos++;
	if (xp_lex_peek(ps) != 'c')
		return xp_lex_syntax(ps, ps->pos, "expected 'c' and a chunk after '.'");
	ps->pos++;
	at = ps->pos;
	xp_status st = xp_lex_read_uint(ps, 255, &c, "a chunk number");
	if (st)
		return st;
	if (c >= ps->chunks)
		return xp_lex_syntax(ps, at, "chunk %ld is outside 0..%d", c, ps->chunks - 1);
	op->chunk = (uint8_t)c;
	return XP_OK;
}

/* One block or piece: <kind><microbatch>[.c<chunk>][[<lo>:<hi>/<nsub>]]. */
static xp_status read_block(parser *ps, xp_op *op)
{
	static const char kinds[] = "FBDW";
	char b[32];
	long mb;
	int c = xp_lex_peek(ps);
	const char *k = c > 0 ? strchr(kinds, c) : NULL;
	if (!k)
		return xp_lex_syntax(ps, ps->pos,
		                     "expected an op like F3, B0.c1 or W2.c0[1:4/4], got %s",
		                     xp_lex_shown(ps, b, sizeof b));
	*op = (xp_op){ .kind = (uint8_t)(k - kinds), .lo = 0, .hi = 1, .nsub = 1 };
	ps->pos++;
	size_t at = ps->pos;
	xp_status st = xp_lex_read_uint(ps, 0x7fffffff, &mb, "a microbatch number");
	if (st)
		return st;
	if (mb >= ps->microbatches)
		return xp_lex_syntax(ps, at, "microbatch %ld is outside 0..%d", mb,
		                     ps->microbatches - 1);
	op->mb = (int32_t)mb;
	st = read_chunk(ps, op);
	if (!st && xp_lex_peek(ps) == '[')
		st = read_piece(ps, op);
	return st;
}

/* An op: a block or piece, or an overlapped op <F block>+<B block> (two whole blocks). */
static xp_status read_op(parser *ps, xp_op *op)
{
	char b[32];
	size_t at = ps->pos;
	xp_status st = read_block(ps, op);
	if (!st && xp_lex_peek(ps) == '+') {
		xp_op back;
		ps->pos++;
		size_t at2 = ps->pos;
		st = read_block(ps, &back);
		if (!st && (op->kind != XP_OP_F || op->nsub != 1))
			st = xp_lex_syntax(ps, at, "an overlapped op starts with a whole F");
		if (!st && (back.kind != XP_OP_B || back.nsub != 1))
			st = xp_lex_syntax(ps, at2, "an overlapped op ends with a whole B");
		if (!st)
			*op = xp_op_overlap(op->mb, op->chunk, back.mb, back.chunk);
	}
	if (!st && !xp_lex_at_field_end(ps))
		st = xp_lex_syntax(ps, ps->pos, "unexpected %s in an op",
		                   xp_lex_shown(ps, b, sizeof b));
	return st;
}

static int place_push(parser *ps, op_place p)
{
	if (ps->n_places == ps->cap_places) {
		size_t cap = ps->cap_places ? 2 * ps->cap_places : 256;
		op_place *a = realloc(ps->places, cap * sizeof *a);
		if (!a)
			return -1;
		ps->places = a;
		ps->cap_places = cap;
	}
	ps->places[ps->n_places++] = p;
	return 0;
}

static xp_status device_line(parser *ps, size_t at)
{
	long d;
	char b[32];
	xp_status st = ps->s ? XP_OK : make_schedule(ps, at);
	if (st)
		return st;
	xp_lex_skip_blanks(ps);
	size_t dat = ps->pos;
	st = xp_lex_read_uint(ps, MAX_DEVICES, &d, "a device index");
	if (st)
		return st;
	if (d >= ps->devices)
		return xp_lex_syntax(ps, dat, "device %ld is outside 0..%d", d, ps->devices - 1);
	xp_lex_skip_blanks(ps);
	if (xp_lex_peek(ps) != ':')
		return xp_lex_syntax(ps, ps->pos, "expected ':' after the device index, got %s",
		                     xp_lex_shown(ps, b, sizeof b));
	ps->pos++;
	for (xp_lex_skip_blanks(ps); !xp_lex_at_eol(ps); xp_lex_skip_blanks(ps)) {
		xp_op op;
		op_place here = { (int)d, ps->line, xp_lex_col_of(ps, ps->pos) };
		st = read_op(ps, &op);
		if (!st && (xp_schedule_add(ps->s, (int)d, op) != XP_OK || place_push(ps, here)))
			st = xp_fail(ps->err, XP_ENOMEM, "%s: out of memory", ps->name);
		if (st)
			return st;
	}
	return XP_OK;
}

static xp_status header_line(parser *ps, const char *word, size_t at)
{
	if (ps->s)
		return xp_lex_syntax(ps, at, "'%s' must come before the first device line", word);
	if (!strcmp(word, "name"))
		return header_name(ps);
	if (!strcmp(word, "devices"))
		return header_int(ps, &ps->devices, "devices", 1, MAX_DEVICES);
	if (!strcmp(word, "chunks"))
		return header_int(ps, &ps->chunks, "chunks", 1, 255);
	if (!strcmp(word, "microbatches"))
		return header_int(ps, &ps->microbatches, "microbatches", 1, 0x7fffffff);
	if (!strcmp(word, "placement"))
		return header_placement(ps, at);
	return xp_lex_syntax(
	    ps, at, "expected name, devices, chunks, microbatches, placement or device, got '%s'",
	    word);
}

static xp_status parse_line(parser *ps)
{
	char word[32];
	size_t at = ps->pos;
	char b[32];
	if (!xp_lex_read_word(ps, word, sizeof word))
		return xp_lex_syntax(ps, at, "expected a keyword, got %s",
		                     xp_lex_shown(ps, b, sizeof b));
	if (!xp_lex_at_field_end(ps))
		return xp_lex_syntax(ps, ps->pos, "expected a blank after '%s', got %s", word,
		                     xp_lex_shown(ps, b, sizeof b));
	if (!ps->magic)
		return header_magic(ps, word, at);
	if (!strcmp(word, "device"))
		return device_line(ps, at);
	if (!strcmp(word, "crosspipe-schedule"))
		return xp_lex_syntax(ps, at, "crosspipe-schedule is given twice");
	return header_line(ps, word, at);
}

static xp_status parse(parser *ps)
{
	while (ps->pos < ps->len) {
		xp_lex_skip_blanks(ps);
		if (!xp_lex_at_eol(ps)) {
			xp_status st = parse_line(ps);
			if (st)
				return st;
		}
		xp_lex_next_line(ps);
	}
	if (!ps->magic)
		return xp_lex_syntax(ps, ps->pos,
		                     "expected 'crosspipe-schedule 1' (an empty file)");
	return ps->s ? XP_OK : make_schedule(ps, ps->pos);
}

/* The default name: the file's base name without its extension ("runs/dup.sched" -> "dup"),
 * with control characters and '#' made '_'; "custom" when that leaves nothing. */
static void name_after_file(const char *path, char *out)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	const char *dot = strrchr(base, '.');
	size_t n = dot && dot > base ? (size_t)(dot - base) : strlen(base);
	if (n > NAME_MAX_LEN)
		n = NAME_MAX_LEN;
	for (size_t i = 0; i < n; i++)
		out[i] = (unsigned char)base[i] < ' ' || base[i] == '#' ? '_' : base[i];
	out[n] = '\0';
	if (!n)
		strcpy(out, "custom");
}

/* The place of the op a check message ("device D: OP ...") is about: the second op of device D
 * that prints as OP if there is one (a repeated block), else the first. A message about a
 * block that is missing points at the device's last op, or at the end of the file when the
 * device has none. */
static op_place check_place(const parser *ps, const char *msg)
{
	op_place found = { -1, 1, 1 }, last = { -1, ps->line, 1 };
	int d = -1, used = 0, seen = 0;
	char want[64] = "", op[64];
	if (sscanf(msg, "device %d: %n", &d, &used) < 1 || !used)
		return found;
	size_t n = strcspn(msg + used, " :");
	if (n < sizeof want && strncmp(msg + used, "block ", 6) != 0) {
		memcpy(want, msg + used, n);
		want[n] = '\0';
	}
	const xp_op *ops = d < xp_schedule_devices(ps->s) ? xp_schedule_ops(ps->s, d) : NULL;
	for (size_t i = 0, k = 0; ops && i < ps->n_places && seen < 2; i++) {
		if (ps->places[i].device != d)
			continue;
		last = ps->places[i];
		xp_op_format(op, sizeof op, ps->s, ops[k++]);
		if (want[0] && !strcmp(op, want) && seen++ < 2)
			found = ps->places[i];
	}
	return found.device >= 0 ? found : last;
}

xp_status xp_schedule_read(const char *text, size_t len, const char *name, xp_schedule **out,
                           xp_error *err)
{
	parser ps = {
		.text = text, .len = len, .name = name ? name : "schedule", .line = 1, .err = err
	};
	*out = NULL;
	xp_status st = parse(&ps);
	free(ps.placement);
	free(ps.placement_col);
	if (!st) {
		if (!ps.sname[0])
			name_after_file(ps.name, ps.sname);
		xp_schedule_set_name(ps.s, ps.sname);
		st = xp_schedule_check(ps.s, err);
		if (st && err) {
			char msg[sizeof err->msg];
			memcpy(msg, err->msg, sizeof msg);
			op_place at = check_place(&ps, msg);
			xp_fail(err, st, "%s:%d:%d: %s", ps.name, at.line, at.col, msg);
		}
	}
	free(ps.places);
	if (st) {
		xp_schedule_free(ps.s);
		return st;
	}
	*out = ps.s;
	return XP_OK;
}

/* ---- files ---- */

static void write_name(const char *name, FILE *f)
{
	fputs("name ", f);
	for (const char *c = name; *c; c++)
		fputc((unsigned char)*c < ' ' || *c == 0x7f || *c == '#' ? '_' : *c, f);
	fputc('\n', f);
}

static void write_device(const xp_schedule *s, int d, FILE *f)
{
	char op[64];
	const xp_op *ops = xp_schedule_ops(s, d);
	fprintf(f, "device %d:", d);
	for (size_t i = 0; i < xp_schedule_len(s, d); i++) {
		xp_op_format(op, sizeof op, s, ops[i]);
		fprintf(f, " %s", op);
	}
	fputc('\n', f);
}

xp_status xp_schedule_write(const xp_schedule *s, FILE *f)
{
	fputs("# crosspipe schedule file (format: README, \"Schedule files\")\n", f);
	fputs("crosspipe-schedule 1\n", f);
	if (xp_schedule_name(s)[0])
		write_name(xp_schedule_name(s), f);
	fprintf(f, "devices %d\nchunks %d\nmicrobatches %d\nplacement", xp_schedule_devices(s),
	        xp_schedule_chunks(s), xp_schedule_microbatches(s));
	for (int q = 0; q < xp_schedule_parts(s); q++)
		fprintf(f, " %d", xp_schedule_device_of(s, q));
	fputc('\n', f);
	for (int d = 0; d < xp_schedule_devices(s); d++)
		write_device(s, d, f);
	return ferror(f) ? XP_EIO : XP_OK;
}

xp_status xp_schedule_load_as(const char *path, int torch_dialect, xp_schedule **out,
                              xp_torch_info *info, xp_error *err)
{
	char *text = NULL;
	size_t len = 0;
	*out = NULL;
	if (info)
		*info = (xp_torch_info){ -1, 0, 0, 0 };
	xp_status st = xp_io_read_file(path, &text, &len, err);
	if (st)
		return st;
	st = xp_torch_looks_like(text, len)
	         ? xp_torch_load_text(text, len, path, torch_dialect, out, info, err)
	         : xp_schedule_read(text, len, path, out, err);
	free(text);
	return st;
}

xp_status xp_schedule_load(const char *path, xp_schedule **out, xp_error *err)
{
	return xp_schedule_load_as(path, XP_TORCH_DIALECT_AUTO, out, NULL, err);
}
