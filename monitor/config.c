/*
 * System config parser: text -> struct system_config.
 *
 * Freestanding (no libc) so that the monitor and the host tests run the
 * same code. The input is untrusted bytes with a length, not a C string:
 * every scan below is bounded by a span's length, never by a NUL.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "monitor/config.h"
#include "monitor/port_hazards.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Error messages ---------------------------------------------------- */

static void put_chars(struct config_error *err, const char *s, size_t n)
{
	size_t len = 0;

	while (len < CFG_MSG_MAX - 1 && err->msg[len])
		len++;
	for (size_t i = 0; i < n && len < CFG_MSG_MAX - 1; i++)
		err->msg[len++] = s[i];
	err->msg[len] = '\0';
}

/* v in base 10 or 16, zero-padded to at least min_digits. */
static void put_digits(struct config_error *err, uint64_t v, unsigned base,
		       unsigned min_digits)
{
	char buf[24]; /* 2^64 has 20 decimal digits */
	size_t i = sizeof(buf);

	do {
		buf[--i] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v || sizeof(buf) - i < min_digits);
	put_chars(err, buf + i, sizeof(buf) - i);
}

/* Append the C string s (config.h: the config_error_* builders). */
void config_error_str(struct config_error *err, const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	put_chars(err, s, n);
}

/* Append v in decimal. */
void config_error_dec(struct config_error *err, uint64_t v)
{
	put_digits(err, v, 10, 1);
}

/* Append v in hex with a 0x prefix, lower case, no padding. */
void config_error_hex(struct config_error *err, uint64_t v)
{
	config_error_str(err, "0x");
	put_digits(err, v, 16, 1);
}

/* Reset the message to "line N: " (or "" for line 0) and set err->line. */
void config_error_begin(struct config_error *err, unsigned line)
{
	err->line = line;
	err->msg[0] = '\0';
	if (line) {
		config_error_str(err, "line ");
		config_error_dec(err, line);
		config_error_str(err, ": ");
	}
}

/* ---- Spans: (pointer, length) views into the text ---------------------- */

struct span {
	const char *s;
	size_t n;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static struct span sub(struct span t, size_t from, size_t to)
{
	return (struct span){ t.s + from, to - from };
}

static struct span trim(struct span t)
{
	while (t.n && is_blank(t.s[0]))
		t = sub(t, 1, t.n);
	while (t.n && is_blank(t.s[t.n - 1]))
		t.n--;
	return t;
}

static bool find(struct span t, char c, size_t *at)
{
	for (size_t i = 0; i < t.n; i++) {
		if (t.s[i] == c) {
			*at = i;
			return true;
		}
	}
	return false;
}

static bool equals(struct span t, const char *s)
{
	size_t i = 0;

	while (i < t.n && s[i] && t.s[i] == s[i])
		i++;
	return i == t.n && !s[i];
}

/* Split off the first blank-separated word of *rest (empty if none). */
static bool next_word(struct span *rest, struct span *word)
{
	size_t i = 0;

	*rest = trim(*rest);
	while (i < rest->n && !is_blank(rest->s[i]))
		i++;
	*word = sub(*rest, 0, i);
	*rest = sub(*rest, i, rest->n);
	return word->n != 0;
}

/* Comma-separated items, trimmed; "a,,b" and "a," yield empty items. */
struct list {
	struct span rest;
	bool done;
};

static bool next_item(struct list *l, struct span *item)
{
	size_t comma;

	if (l->done)
		return false;
	if (find(l->rest, ',', &comma)) {
		*item = trim(sub(l->rest, 0, comma));
		l->rest = sub(l->rest, comma + 1, l->rest.n);
	} else {
		*item = trim(l->rest);
		l->done = true;
	}
	return true;
}

/* Everything before a '#' that is not inside a "quoted string". */
static struct span strip_comment(struct span t)
{
	bool quoted = false;

	for (size_t i = 0; i < t.n; i++) {
		if (t.s[i] == '"')
			quoted = !quoted;
		else if (t.s[i] == '#' && !quoted)
			return sub(t, 0, i);
	}
	return t;
}

/* ---- Parser state and error helpers ------------------------------------ */

enum section { NONE, SANDBOX, SHARED, SYSTEM };

struct parser {
	struct system_config *cfg;
	struct config_error *err;
	unsigned line;          /* line being parsed, 1-based */
	enum section section;   /* the one being filled: the last one added */
	unsigned seen;          /* its keys given so far, bit i = key table[i] */
	/* Line of each region's `sandboxes` key: whether its members exist
	 * is only known at the end of the text. */
	unsigned members_line[CFG_MAX_SHARED];
};

static struct sandbox_config *cur_sandbox(struct parser *p)
{
	return &p->cfg->sandbox[p->cfg->nsandboxes - 1];
}

static struct shared_config *cur_shared(struct parser *p)
{
	return &p->cfg->shared[p->cfg->nshared - 1];
}

/* Start a message about the current line. */
static void error(struct parser *p, const char *s)
{
	config_error_begin(p->err, p->line);
	config_error_str(p->err, s);
}

/* Echo some input back, as 'text'. Safe: lines are checked printable. */
static void put_quoted(struct parser *p, struct span t)
{
	config_error_str(p->err, "'");
	put_chars(p->err, t.s, t.n);
	config_error_str(p->err, "'");
}

static void put_shared(struct parser *p, const struct shared_config *sh)
{
	config_error_str(p->err, "[shared ");
	config_error_str(p->err, sh->name);
	config_error_str(p->err, "]");
}

static void put_section(struct parser *p)
{
	if (p->section == SYSTEM) {
		config_error_str(p->err, "[system]");
		return;
	}
	if (p->section == SHARED) {
		put_shared(p, cur_shared(p));
		return;
	}
	config_error_str(p->err, "[sandbox ");
	config_error_dec(p->err, p->cfg->nsandboxes - 1);
	config_error_str(p->err, "]");
}

/* ---- Numbers ----------------------------------------------------------- */

enum num { NUM_OK, NUM_BAD, NUM_BIG };

static unsigned digit(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (unsigned)(c - 'A' + 10);
	return 16; /* not a digit in any base we take */
}

static bool is_hex(struct span t)
{
	return t.n > 2 && t.s[0] == '0' && (t.s[1] == 'x' || t.s[1] == 'X');
}

/* Decimal or 0x hex; if sized, an optional binary K, M or G suffix. */
static enum num parse_number(struct span t, bool sized, uint64_t *out)
{
	unsigned base = 10, shift = 0;
	size_t i = 0, start;
	uint64_t v = 0;
	bool big = false;

	if (is_hex(t)) {
		base = 16;
		i = 2;
	}
	for (start = i; i < t.n && digit(t.s[i]) < base; i++) {
		unsigned d = digit(t.s[i]);

		if (v > (UINT64_MAX - d) / base)
			big = true; /* keep scanning: bad syntax wins */
		else
			v = v * base + d;
	}
	if (i == start)
		return NUM_BAD;
	if (sized && i + 1 == t.n) {
		shift = t.s[i] == 'K' ? 10 : t.s[i] == 'M' ? 20 :
			t.s[i] == 'G' ? 30 : 0;
		i += shift != 0;
	}
	if (i != t.n)
		return NUM_BAD;
	if (big || v > UINT64_MAX >> shift)
		return NUM_BIG;
	*out = v << shift;
	return NUM_OK;
}

static int bad_number(struct parser *p, enum num r, const char *what,
		      struct span t)
{
	if (r == NUM_BAD) {
		error(p, "malformed number ");
		put_quoted(p, t);
		config_error_str(p->err, " for ");
		config_error_str(p->err, what);
	} else {
		error(p, what);
		config_error_str(p->err, " ");
		put_quoted(p, t);
		config_error_str(p->err, " does not fit in 64 bits");
	}
	return -1;
}

/* A plain number in [min, max]; the limits are echoed in the user's base. */
static int get_number(struct parser *p, struct span t, const char *what,
		      uint64_t min, uint64_t max, uint64_t *out)
{
	enum num r = parse_number(t, false, out);
	void (*put)(struct config_error *, uint64_t) =
		is_hex(t) ? config_error_hex : config_error_dec;

	if (r != NUM_OK)
		return bad_number(p, r, what, t);
	if (*out >= min && *out <= max)
		return 0;
	error(p, what);
	config_error_str(p->err, " ");
	put_quoted(p, t);
	config_error_str(p->err, " is out of range (");
	put(p->err, min);
	config_error_str(p->err, "-");
	put(p->err, max);
	config_error_str(p->err, ")");
	return -1;
}

static int get_size(struct parser *p, struct span t, const char *what,
		    uint64_t *out)
{
	enum num r = parse_number(t, true, out);

	return r == NUM_OK ? 0 : bad_number(p, r, what, t);
}

/* "what 'value' problem", e.g. "memory '3M' is not a multiple of 2 MiB". */
static int reject(struct parser *p, const char *what, struct span v,
		  const char *problem)
{
	error(p, what);
	config_error_str(p->err, " ");
	put_quoted(p, v);
	config_error_str(p->err, " ");
	config_error_str(p->err, problem);
	return -1;
}

/* ---- [sandbox N] keys -------------------------------------------------- */

static int set_core(struct parser *p, struct span v)
{
	unsigned self = p->cfg->nsandboxes - 1;
	uint64_t core;

	if (get_number(p, v, "core", 0, CFG_MAX_CORES - 1, &core))
		return -1;
	for (unsigned i = 0; i < self; i++) {
		if (p->cfg->sandbox[i].core == core) {
			error(p, "core ");
			config_error_dec(p->err, core);
			config_error_str(p->err, " of sandbox ");
			config_error_dec(p->err, self);
			config_error_str(p->err, " is already given to sandbox ");
			config_error_dec(p->err, i);
			return -1;
		}
	}
	cur_sandbox(p)->core = (unsigned)core;
	return 0;
}

static int set_memory(struct parser *p, struct span v)
{
	uint64_t mem;

	if (get_size(p, v, "memory", &mem))
		return -1;
	if (mem % CFG_MEM_ALIGN)
		return reject(p, "memory", v, "is not a multiple of 2 MiB");
	if (mem < CFG_MEM_MIN)
		return reject(p, "memory", v, "is below 4 MiB");
	cur_sandbox(p)->mem_bytes = mem;
	return 0;
}

static int set_base(struct parser *p, struct span v)
{
	uint64_t base;

	if (get_number(p, v, "base", 0, UINT64_MAX, &base))
		return -1;
	/* 0 is how struct sandbox_config says "not given". */
	if (!base) {
		error(p, "base must not be 0 (leave it out to have one chosen)");
		return -1;
	}
	if (base % CFG_MEM_ALIGN)
		return reject(p, "base", v, "is not aligned to 2 MiB");
	cur_sandbox(p)->base = base;
	return 0;
}

/* Ports the monitor drives itself; no sandbox may touch them. */
static const struct port_range monitor_ports[] = {
	{ 0x20, 0x21 },   /* master PIC */
	{ 0x40, 0x43 },   /* PIT */
	{ 0x70, 0x71 },   /* RTC / CMOS, which also holds the NMI mask */
	{ 0xa0, 0xa1 },   /* slave PIC */
	{ 0xe9, 0xe9 },   /* debug console */
	{ 0xf4, 0xf7 },   /* isa-debug-exit */
	{ 0xcf8, 0xcff }, /* PCI configuration mechanism #1 */
};

/* The first port of [first, last] that is also in r, if any. */
static bool common_port(unsigned first, unsigned last,
			const struct port_range *r, unsigned *port)
{
	if (first > r->last || last < r->first)
		return false;
	*port = first > r->first ? first : r->first;
	return true;
}

/* Give [first, last] to the current sandbox if nobody else has any of it. */
static int grant(struct parser *p, unsigned first, unsigned last)
{
	struct sandbox_config *sb = cur_sandbox(p);
	const char *why;
	unsigned port;

	for (size_t i = 0; i < COUNT(monitor_ports); i++) {
		if (common_port(first, last, &monitor_ports[i], &port)) {
			error(p, "port ");
			config_error_hex(p->err, port);
			config_error_str(p->err, " is reserved for the monitor");
			return -1;
		}
	}
	if (port_dangerous(first, last, &port, &why)) {
		error(p, "port ");
		config_error_hex(p->err, port);
		config_error_str(p->err, " is refused: ");
		config_error_str(p->err, why);
		return -1;
	}
	for (unsigned s = 0; s < p->cfg->nsandboxes; s++) {
		const struct sandbox_config *o = &p->cfg->sandbox[s];

		for (unsigned i = 0; i < o->nports; i++) {
			if (common_port(first, last, &o->ports[i], &port)) {
				error(p, "port ");
				config_error_hex(p->err, port);
				config_error_str(p->err,
						 " is already granted to sandbox ");
				config_error_dec(p->err, s);
				return -1;
			}
		}
	}
	if (sb->nports == CFG_MAX_PORT_RANGES) {
		error(p, "too many port ranges in ");
		put_section(p);
		config_error_str(p->err, " (max ");
		config_error_dec(p->err, CFG_MAX_PORT_RANGES);
		config_error_str(p->err, ")");
		return -1;
	}
	sb->ports[sb->nports++] = (struct port_range){ (uint16_t)first,
						       (uint16_t)last };
	return 0;
}

static int set_console(struct parser *p, struct span v)
{
	static const struct { const char *name; uint16_t port; } uarts[] = {
		{ "com1", 0x3f8 }, { "com2", 0x2f8 },
		{ "com3", 0x3e8 }, { "com4", 0x2e8 },
	};
	uint64_t port = 0;

	for (size_t i = 0; i < COUNT(uarts); i++)
		if (equals(v, uarts[i].name))
			port = uarts[i].port;
	if (!port && digit(v.s[0]) > 9)
		return reject(p, "console", v,
			      "is not com1-com4 or a port number");
	/* Port 0 would read as "no console"; a UART decodes 8 ports. */
	if (!port && get_number(p, v, "console port", 1, 0xffff - 7, &port))
		return -1;
	cur_sandbox(p)->console = (uint16_t)port;
	return grant(p, (unsigned)port, (unsigned)port + 7);
}

static int empty_item(struct parser *p, const char *key)
{
	error(p, "empty item in the list of ");
	config_error_str(p->err, key);
	return -1;
}

/* One item of a list of numbers and ranges ("N" or "A-B", each in
 * [0, max]) of key: *first, *last (first > last is the caller's to judge). */
static int get_range(struct parser *p, struct span item, const char *key, const char *what,
		     uint64_t max, uint64_t *first, uint64_t *last)
{
	struct span a = item, b = item;
	size_t dash;

	if (!item.n)
		return empty_item(p, key);
	if (find(item, '-', &dash)) {
		a = trim(sub(item, 0, dash));
		b = trim(sub(item, dash + 1, item.n));
	}
	return get_number(p, a, what, 0, max, first) || get_number(p, b, what, 0, max, last) ? -1 : 0;
}

static int set_ports(struct parser *p, struct span v)
{
	struct list l = { v, false };
	struct span item;

	while (next_item(&l, &item)) {
		uint64_t first, last;

		if (get_range(p, item, "ports", "port", 0xffff, &first, &last))
			return -1;
		if (first > last)
			return reject(p, "port range", item,
				      "has first > last");
		if (grant(p, (unsigned)first, (unsigned)last))
			return -1;
	}
	return 0;
}

static int set_args(struct parser *p, struct span v)
{
	char *args = cur_sandbox(p)->args;
	size_t close;

	if (v.s[0] != '"') {
		error(p, "args must be a \"quoted string\"");
		return -1;
	}
	v = sub(v, 1, v.n);
	if (!find(v, '"', &close)) {
		error(p, "unterminated string");
		return -1;
	}
	if (close != v.n - 1) {
		error(p, "unexpected text after the closing quote");
		return -1;
	}
	if (close > CFG_ARGS_MAX - 1) {
		error(p, "args are longer than ");
		config_error_dec(p->err, CFG_ARGS_MAX - 1);
		config_error_str(p->err, " characters");
		return -1;
	}
	for (size_t i = 0; i < close; i++)
		args[i] = v.s[i];
	args[close] = '\0';
	return 0;
}

/* "BB:DD.F" in hex (lspci's spelling): bus 0-ff, device 0-1f, function 0-7. */
static bool parse_bdf(struct span t, uint16_t *bdf)
{
	static const struct { char sep; unsigned max; } field[] = { { ':', 0xff }, { '.', 0x1f }, { 0, 7 } };
	unsigned v[3], f, at = 0;

	for (f = 0; f < COUNT(field); f++) {
		unsigned start = at;
		v[f] = 0;
		while (at < t.n && digit(t.s[at]) < 16 && at - start < 2)
			v[f] = v[f] * 16 + digit(t.s[at++]);
		if (at == start || v[f] > field[f].max)
			return false;
		if (field[f].sep && (at == t.n || t.s[at++] != field[f].sep))
			return false;
	}
	if (at != t.n)
		return false;
	*bdf = (uint16_t)(v[0] << 8 | v[1] << 3 | v[2]);
	return true;
}

/* `pci = 00:03.0, ...`: PCI functions this sandbox owns, one owner each. */
static int set_pci(struct parser *p, struct span v)
{
	struct sandbox_config *sb = cur_sandbox(p);
	struct list l = { v, false };
	struct span item;
	uint16_t bdf;

	while (next_item(&l, &item)) {
		if (!item.n)
			return empty_item(p, "pci");
		if (!parse_bdf(item, &bdf))
			return reject(p, "pci", item, "is not a PCI function like 00:03.0");
		for (unsigned s = 0; s < p->cfg->nsandboxes; s++) {
			const struct sandbox_config *o = &p->cfg->sandbox[s];
			for (unsigned i = 0; i < o->npci; i++)
				if (o->pci[i] == bdf)
					return reject(p, "pci", item, o == sb ?
						      "is listed twice" : "already belongs to another sandbox");
		}
		if (sb->npci == CFG_MAX_PCI) {
			error(p, "too many PCI functions (max ");
			config_error_dec(p->err, CFG_MAX_PCI);
			config_error_str(p->err, ")");
			return -1;
		}
		sb->pci[sb->npci++] = bdf;
	}
	return 0;
}

/* `vcpu = ...` and `thread = ...` lines build the sandbox's task set. */
static int add_task(struct parser *p, const char *kind, struct span v)
{
	char msg[CFG_MSG_MAX];
	if (config_taskset_append(cur_sandbox(p)->taskset, kind, v.s, v.n, msg, sizeof msg)) {
		error(p, msg);
		return -1;
	}
	return 0;
}

static int set_vcpu(struct parser *p, struct span v) { return add_task(p, "vcpu", v); }
static int set_thread(struct parser *p, struct span v) { return add_task(p, "thread", v); }
static int set_policy(struct parser *p, struct span v) { return add_task(p, "policy", v); }

/* `colours = 0-7, 12`: LLC page colours (monitor/colour.h); whether they
 * exist is only known once [system] llc is read, at the end. */
static int set_colours(struct parser *p, struct span v)
{
	struct sandbox_config *sb = cur_sandbox(p);
	uint8_t given[CFG_MAX_COLOURS / 8] = { 0 };
	struct list l = { v, false };
	struct span item;

	while (next_item(&l, &item)) {
		uint64_t first, last;

		if (get_range(p, item, "colours", "colour", CFG_MAX_COLOURS - 1, &first, &last))
			return -1;
		if (first > last)
			return reject(p, "colour range", item, "is empty (first > last)");
		for (uint64_t c = first; c <= last; c++) {
			if (given[c / 8] & 1u << c % 8) {
				error(p, "colour ");
				config_error_dec(p->err, c);
				config_error_str(p->err, " is listed twice");
				return -1;
			}
			given[c / 8] |= (uint8_t)(1u << c % 8);
		}
	}
	for (unsigned c = 0; c < CFG_MAX_COLOURS; c++)
		if (given[c / 8] & 1u << c % 8)
			sb->colour[sb->ncolours++] = (uint8_t)c;
	sb->colours_line = p->line;
	return 0;
}

static int set_share_colours(struct parser *p, struct span v)
{
	if (!equals(v, "yes") && !equals(v, "no"))
		return reject(p, "share_colours", v, "is not yes or no");
	cur_sandbox(p)->share_colours = equals(v, "yes");
	return 0;
}

/* ---- [system] keys ----------------------------------------------------- */

static bool power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* `llc = 8M:16:64`: size, ways and line size of the LLC to colour. */
static int set_llc(struct parser *p, struct span v)
{
	struct span f[3];
	uint64_t size, ways, line;
	size_t at;
	struct span rest = v;

	for (unsigned i = 0; i < 3; i++) {
		bool sep = find(rest, ':', &at);

		if (sep == (i == 2))
			return reject(p, "llc", v, "is not SIZE:WAYS:LINE (like 8M:16:64)");
		f[i] = trim(sep ? sub(rest, 0, at) : rest);
		rest = sep ? sub(rest, at + 1, rest.n) : rest;
	}
	if (get_size(p, f[0], "llc size", &size) ||
	    get_number(p, f[1], "llc ways", 1, 1024, &ways) ||
	    get_number(p, f[2], "llc line size", 16, 4096, &line))
		return -1;
	if (!power_of_two(size) || !power_of_two(ways) || !power_of_two(line))
		return reject(p, "llc", v, "must have power-of-two size, ways and line");
	if (size / ways < CFG_PAGE)
		return reject(p, "llc", v, "has ways smaller than a 4 KiB page: no colours");
	if (size / ways / CFG_PAGE > CFG_MAX_COLOURS)
		return reject(p, "llc", v, "makes more than 256 colours");
	p->cfg->llc = (struct llc_geometry){ size, (unsigned)ways, (unsigned)line };
	p->cfg->llc_line = p->line;
	return 0;
}

/* ---- [shared NAME] keys ------------------------------------------------ */

static int set_size(struct parser *p, struct span v)
{
	uint64_t size;

	if (get_size(p, v, "size", &size))
		return -1;
	if (!size)
		return reject(p, "size", v, "must be > 0");
	if (size % CFG_SHARED_ALIGN)
		return reject(p, "size", v, "is not a multiple of 4 KiB");
	if (size > CFG_SHARED_MAX)
		return reject(p, "size", v, "is larger than 1 GiB");
	cur_shared(p)->size = size;
	return 0;
}

/* Whether the sandboxes exist is only known at the end of the file. */
static int set_members(struct parser *p, struct span v)
{
	struct shared_config *sh = cur_shared(p);
	struct list l = { v, false };
	struct span item, word;

	while (next_item(&l, &item)) {
		if (!item.n)
			return empty_item(p, "sandboxes");
		while (next_word(&item, &word)) {
			uint64_t id;

			if (get_number(p, word, "sandbox", 0,
				       CFG_MAX_SANDBOXES - 1, &id))
				return -1;
			/* Distinct ids below the maximum also keep
			 * nmembers within members[]. */
			for (unsigned i = 0; i < sh->nmembers; i++) {
				if (sh->members[i] == id) {
					error(p, "sandbox ");
					config_error_dec(p->err, id);
					config_error_str(p->err,
							 " is listed twice");
					return -1;
				}
			}
			sh->members[sh->nmembers++] = (unsigned)id;
		}
	}
	if (sh->nmembers < 2) {
		error(p, "");
		put_section(p);
		config_error_str(p->err, " needs at least 2 sandboxes");
		return -1;
	}
	p->members_line[p->cfg->nshared - 1] = p->line;
	return 0;
}

/* ---- [system] keys ---------------------------------------------------- */

static int set_iommu(struct parser *p, struct span v)
{
	if (equals(v, "auto"))
		p->cfg->iommu = CFG_IOMMU_AUTO;
	else if (equals(v, "off"))
		p->cfg->iommu = CFG_IOMMU_OFF;
	else if (equals(v, "required"))
		p->cfg->iommu = CFG_IOMMU_REQUIRED;
	else
		return reject(p, "iommu", v, "is not off, auto or required");
	return 0;
}

/* ---- Sections ---------------------------------------------------------- */

struct key {
	const char *name;
	int (*set)(struct parser *p, struct span value);
	bool required;
	bool repeatable;
};

static const struct key sandbox_keys[] = {
	{ "core", set_core, true, false },
	{ "memory", set_memory, true, false },
	{ "base", set_base, false, false },
	{ "console", set_console, false, false },
	{ "ports", set_ports, false, true },
	{ "args", set_args, false, false },
	{ "pci", set_pci, false, true },
	{ "vcpu", set_vcpu, false, true },
	{ "thread", set_thread, false, true },
	{ "policy", set_policy, false, true },
	{ "colours", set_colours, false, false },
	{ "share_colours", set_share_colours, false, false },
};

static const struct key shared_keys[] = {
	{ "size", set_size, true, false },
	{ "sandboxes", set_members, true, false },
};

static const struct key system_keys[] = {
	{ "llc", set_llc, false, false },
	{ "iommu", set_iommu, false, false },
};

static const struct key *section_keys(enum section s, size_t *n)
{
	*n = s == SANDBOX ? COUNT(sandbox_keys) :
	     s == SHARED ? COUNT(shared_keys) :
	     s == SYSTEM ? COUNT(system_keys) : 0;
	return s == SANDBOX ? sandbox_keys : s == SHARED ? shared_keys : system_keys;
}

/* The current section is complete: its required keys must be there. */
static int end_section(struct parser *p)
{
	size_t n;
	const struct key *keys = section_keys(p->section, &n);

	for (size_t i = 0; i < n; i++) {
		if (keys[i].required && !(p->seen & 1u << i)) {
			config_error_begin(p->err, p->section == SANDBOX ?
					   cur_sandbox(p)->line :
					   cur_shared(p)->line);
			put_section(p);
			config_error_str(p->err, " has no '");
			config_error_str(p->err, keys[i].name);
			config_error_str(p->err, "'");
			return -1;
		}
	}
	return 0;
}

static int start_sandbox(struct parser *p, struct span id_text)
{
	struct system_config *cfg = p->cfg;
	uint64_t id;

	if (cfg->nsandboxes == CFG_MAX_SANDBOXES) {
		error(p, "too many sandboxes (max ");
		config_error_dec(p->err, CFG_MAX_SANDBOXES);
		config_error_str(p->err, ")");
		return -1;
	}
	if (parse_number(id_text, false, &id) != NUM_OK ||
	    id != cfg->nsandboxes) {
		error(p, "expected [sandbox ");
		config_error_dec(p->err, cfg->nsandboxes);
		config_error_str(p->err, "]");
		return -1;
	}
	cfg->sandbox[cfg->nsandboxes++].line = p->line;
	p->section = SANDBOX;
	return 0;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int start_shared(struct parser *p, struct span name)
{
	struct system_config *cfg = p->cfg;
	struct shared_config *sh;
	size_t i = 0;

	if (cfg->nshared == CFG_MAX_SHARED) {
		error(p, "too many shared regions (max ");
		config_error_dec(p->err, CFG_MAX_SHARED);
		config_error_str(p->err, ")");
		return -1;
	}
	while (i < name.n && name_char(name.s[i]))
		i++;
	if (!name.n || i < name.n || name.n > CFG_NAME_MAX - 1)
		return reject(p, "shared region name", name,
			      "is not 1-15 characters of [A-Za-z0-9_-]");
	for (i = 0; i < cfg->nshared; i++)
		if (equals(name, cfg->shared[i].name))
			return reject(p, "shared region", name,
				      "is defined twice");
	sh = &cfg->shared[cfg->nshared++];
	for (i = 0; i < name.n; i++)
		sh->name[i] = name.s[i];
	sh->line = p->line;
	p->section = SHARED;
	return 0;
}

/* "[system]": machine-wide keys, once. */
static int start_system(struct parser *p, struct span arg)
{
	if (arg.n)
		return reject(p, "[system]", arg, "takes no argument");
	if (p->cfg->system_line) {
		error(p, "[system] is given twice (first at line ");
		config_error_dec(p->err, p->cfg->system_line);
		config_error_str(p->err, ")");
		return -1;
	}
	p->cfg->system_line = p->line;
	p->section = SYSTEM;
	return 0;
}

/* "[kind arg]": ends the current section and starts another. */
static int header(struct parser *p, struct span t)
{
	struct span inner, kind;
	size_t close;

	if (end_section(p))
		return -1;
	p->section = NONE;
	p->seen = 0;
	if (!find(t, ']', &close)) {
		error(p, "missing ']' in section header");
		return -1;
	}
	if (close != t.n - 1) {
		error(p, "unexpected text after ']'");
		return -1;
	}
	inner = sub(t, 1, close);
	next_word(&inner, &kind);
	inner = trim(inner);
	if (equals(kind, "sandbox"))
		return start_sandbox(p, inner);
	if (equals(kind, "shared"))
		return start_shared(p, inner);
	if (equals(kind, "system"))
		return start_system(p, inner);
	error(p, "unknown section kind ");
	put_quoted(p, kind);
	return -1;
}

/* "key = value" inside a section. */
static int assignment(struct parser *p, struct span t)
{
	const struct key *keys;
	struct span key, value;
	size_t eq, n, i;

	if (!find(t, '=', &eq)) {
		error(p, "expected 'key = value' or '[section]'");
		return -1;
	}
	key = trim(sub(t, 0, eq));
	value = trim(sub(t, eq + 1, t.n));
	if (!key.n) {
		error(p, "missing key before '='");
		return -1;
	}
	if (p->section == NONE)
		return reject(p, "key", key, "is outside any section");
	keys = section_keys(p->section, &n);
	for (i = 0; i < n && !equals(key, keys[i].name); i++)
		;
	if (i == n || ((p->seen & 1u << i) && !keys[i].repeatable)) {
		error(p, i == n ? "unknown key " : "duplicate key ");
		put_quoted(p, key);
		config_error_str(p->err, " in ");
		put_section(p);
		return -1;
	}
	if (!value.n) {
		error(p, "empty value for ");
		put_quoted(p, key);
		return -1;
	}
	p->seen |= 1u << i;
	return keys[i].set(p, value);
}

/* ---- Lines and the whole text ------------------------------------------ */

/* Take the line at *pos (without its \n or \r\n) and vet its bytes. */
static int next_line(struct parser *p, const char *text, size_t len,
		     size_t *pos, struct span *line)
{
	size_t start = *pos, i, end;

	for (i = start; i < len && text[i] != '\n'; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\r' && i + 1 < len && text[i + 1] != '\n') {
			error(p, "carriage return not followed by newline");
			return -1;
		}
		if (c != '\t' && c != '\r' && (c < 0x20 || c > 0x7e)) {
			error(p, "invalid byte 0x");
			put_digits(p->err, c, 16, 2);
			return -1;
		}
	}
	end = i > start && text[i - 1] == '\r' ? i - 1 : i;
	if (end - start > CFG_LINE_MAX) {
		error(p, "line is longer than ");
		config_error_dec(p->err, CFG_LINE_MAX);
		config_error_str(p->err, " characters");
		return -1;
	}
	*pos = i < len ? i + 1 : len;
	*line = (struct span){ text + start, end - start };
	return 0;
}

/* "line N: colour C of sandbox I " */
static void colour_error(struct parser *p, unsigned i, unsigned c)
{
	config_error_begin(p->err, p->cfg->sandbox[i].colours_line);
	config_error_str(p->err, "colour ");
	config_error_dec(p->err, c);
	config_error_str(p->err, " of sandbox ");
	config_error_dec(p->err, i);
}

/* A colour of sandbox i that sandbox o has too, if any. */
static bool common_colour(const struct sandbox_config *a, const struct sandbox_config *b,
			  unsigned *c)
{
	for (unsigned x = 0; x < a->ncolours; x++)
		for (unsigned y = 0; y < b->ncolours; y++)
			if (a->colour[x] == b->colour[y]) {
				*c = a->colour[x];
				return true;
			}
	return false;
}

/* Colours need the whole file: [system] llc may come last. */
static int check_colours(struct parser *p)
{
	const struct system_config *cfg = p->cfg;
	unsigned count = colour_count(&cfg->llc), any = CFG_MAX_SANDBOXES, c;

	for (unsigned i = 0; i < cfg->nsandboxes; i++)
		if (cfg->sandbox[i].ncolours && any == CFG_MAX_SANDBOXES)
			any = i;
	for (unsigned i = 0; any < CFG_MAX_SANDBOXES && i < cfg->nsandboxes; i++) {
		const struct sandbox_config *sb = &cfg->sandbox[i];
		const char *why = !sb->ncolours ? 0 :
			sb->base ? " has a base: a coloured sandbox has no contiguous region" :
			sb->npci ? " owns PCI devices: their DMA needs contiguous memory (no IOMMU)" : 0;

		if (!sb->ncolours) {
			config_error_begin(p->err, sb->line);
			config_error_str(p->err, "sandbox ");
			config_error_dec(p->err, i);
			config_error_str(p->err, " has no colours but sandbox ");
			config_error_dec(p->err, any);
			config_error_str(p->err, " has: uncoloured memory would use every colour");
			return -1;
		}
		if (why) {
			config_error_begin(p->err, sb->colours_line);
			config_error_str(p->err, "sandbox ");
			config_error_dec(p->err, i);
			config_error_str(p->err, why);
			return -1;
		}
		if (sb->colour[sb->ncolours - 1] >= count) {
			colour_error(p, i, sb->colour[sb->ncolours - 1]);
			config_error_str(p->err, " is past the LLC's ");
			config_error_dec(p->err, count);
			config_error_str(p->err, " colours (0-");
			config_error_dec(p->err, count - 1);
			config_error_str(p->err, cfg->llc_line ? ", [system] llc)" :
					 ", default llc 8M:16:64)");
			return -1;
		}
		for (unsigned j = 0; j < i; j++) {
			const struct sandbox_config *o = &cfg->sandbox[j];

			if ((sb->share_colours && o->share_colours) || !common_colour(sb, o, &c))
				continue;
			colour_error(p, i, c);
			config_error_str(p->err, " is also sandbox ");
			config_error_dec(p->err, j);
			config_error_str(p->err, "'s (share_colours = yes in both allows it)");
			return -1;
		}
	}
	return 0;
}

/* Checks that need the whole file. */
static int finish(struct parser *p)
{
	const struct system_config *cfg = p->cfg;

	if (end_section(p))
		return -1;
	if (!cfg->nsandboxes) {
		config_error_begin(p->err, 0);
		config_error_str(p->err, "no sandbox defined");
		return -1;
	}
	for (unsigned j = 0; j < cfg->nshared; j++) {
		const struct shared_config *sh = &cfg->shared[j];

		for (unsigned k = 0; k < sh->nmembers; k++) {
			if (sh->members[k] < cfg->nsandboxes)
				continue;
			config_error_begin(p->err, p->members_line[j]);
			put_shared(p, sh);
			config_error_str(p->err, " names sandbox ");
			config_error_dec(p->err, sh->members[k]);
			config_error_str(p->err, ", which is not defined");
			return -1;
		}
	}
	return check_colours(p);
}

/*
 * Parse text[0..len) into *cfg, zeroed first. Returns 0, or -1 with the
 * first problem in *err ("line N: ..."; line 0 for "no sandbox defined").
 * Reads only text[0..len), writes only *cfg and *err; NULs and any other
 * bytes are rejected, never trusted.
 */
int config_parse(const char *text, size_t len, struct system_config *cfg,
		 struct config_error *err)
{
	struct parser p = { .cfg = cfg, .err = err };
	unsigned char *bytes = (unsigned char *)cfg;
	struct span line;
	size_t pos = 0;

	for (size_t i = 0; i < sizeof(*cfg); i++)
		bytes[i] = 0;
	cfg->llc = (struct llc_geometry)CFG_LLC_DEFAULT;
	config_error_begin(err, 0);
	while (pos < len) {
		p.line++;
		if (next_line(&p, text, len, &pos, &line))
			return -1;
		line = trim(strip_comment(line));
		if (!line.n)
			continue;
		if (line.s[0] == '[' ? header(&p, line) : assignment(&p, line))
			return -1;
	}
	return finish(&p);
}
