/* JSON-lines record writer (see record.h). */
#include "lib/record.h"

static record_sink sink;

void record_set_sink(record_sink s) { sink = s; }
record_sink record_get_sink(void) { return sink; }

size_t fmt_u64(char *buf, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = 0;
	return n;
}

size_t fmt_hex(char *buf, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	size_t n = 0, i;
	do {
		tmp[n++] = digits[v & 15];
		v >>= 4;
	} while (v);
	buf[0] = '0';
	buf[1] = 'x';
	for (i = 0; i < n; i++)
		buf[2 + i] = tmp[n - 1 - i];
	buf[2 + n] = 0;
	return n + 2;
}

static void put(struct record *r, const char *s, size_t n)
{
	while (n--) {
		if (r->len >= r->cap) {
			r->overflow = true;
			return;
		}
		r->out[r->len++] = *s++;
	}
}

static void puts_(struct record *r, const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	put(r, s, n);
}

/* A JSON string body: quotes, backslashes and control bytes escaped. */
static void put_escaped(struct record *r, const char *s)
{
	static const char digits[] = "0123456789abcdef";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			put(r, e, 2);
		} else if (c < 0x20 || c >= 0x7f) {
			char e[6] = { '\\', 'u', '0', '0', digits[c >> 4], digits[c & 15] };
			put(r, e, 6);
		} else {
			put(r, (const char *)&c, 1);
		}
	}
}

/* Start a field; remember where so an overflowing field can be undone. */
static size_t field(struct record *r, const char *key)
{
	size_t mark = r->len;
	if (r->need_comma)
		puts_(r, ",");
	puts_(r, "\"");
	put_escaped(r, key);
	puts_(r, "\":");
	r->need_comma = true;
	return mark;
}

static void commit(struct record *r, size_t mark)
{
	if (r->len + 2 * (r->depth + 1) > r->limit) {
		r->len = mark;
		r->truncated = true;
	}
}

static void start(struct record *r, char *out, size_t cap, size_t limit)
{
	r->out = out;
	r->cap = cap;
	r->limit = limit;
	r->len = 0;
	r->need_comma = false;
	r->truncated = false;
	r->overflow = false;
	r->depth = 0;
	puts_(r, "{");
}

void rec_begin(struct record *r, const char *ev)
{
	start(r, r->buf, sizeof r->buf, RECORD_MAX);
	rec_str(r, "ev", ev);
}

void rec_doc_begin(struct record *r, char *buf, size_t cap)
{
	start(r, buf, cap, cap);
}

size_t rec_doc_end(struct record *r)
{
	puts_(r, "}");
	return r->truncated || r->overflow ? 0 : r->len;
}

void rec_u64(struct record *r, const char *key, uint64_t v)
{
	char num[24];
	size_t mark = field(r, key);
	put(r, num, fmt_u64(num, v));
	commit(r, mark);
}

void rec_i64(struct record *r, const char *key, int64_t v)
{
	char num[24];
	size_t mark = field(r, key);
	if (v < 0) {
		puts_(r, "-");
		put(r, num, fmt_u64(num, (uint64_t)0 - (uint64_t)v));
	} else {
		put(r, num, fmt_u64(num, (uint64_t)v));
	}
	commit(r, mark);
}

void rec_milli(struct record *r, const char *key, uint64_t thousandths)
{
	char num[24], frac[4];
	uint64_t f = thousandths % 1000;
	size_t mark = field(r, key);
	put(r, num, fmt_u64(num, thousandths / 1000));
	frac[0] = '.';
	frac[1] = (char)('0' + f / 100);
	frac[2] = (char)('0' + f / 10 % 10);
	frac[3] = (char)('0' + f % 10);
	put(r, frac, 4);
	commit(r, mark);
}

void rec_hex(struct record *r, const char *key, uint64_t v)
{
	char num[24];
	size_t mark = field(r, key);
	puts_(r, "\"");
	put(r, num, fmt_hex(num, v));
	puts_(r, "\"");
	commit(r, mark);
}

void rec_str(struct record *r, const char *key, const char *s)
{
	size_t mark = field(r, key);
	puts_(r, "\"");
	put_escaped(r, s);
	puts_(r, "\"");
	commit(r, mark);
}

void rec_bool(struct record *r, const char *key, bool v)
{
	size_t mark = field(r, key);
	puts_(r, v ? "true" : "false");
	commit(r, mark);
}

static void open_(struct record *r, const char *key, const char *bracket)
{
	if (key)
		field(r, key);
	else if (r->need_comma)
		puts_(r, ",");
	puts_(r, bracket);
	r->need_comma = false;
	r->depth++;
}

static void close_(struct record *r, const char *bracket)
{
	puts_(r, bracket);
	r->need_comma = true;
	r->depth--;
}

void rec_obj_begin(struct record *r, const char *key) { open_(r, key, "{"); }
void rec_obj_end(struct record *r) { close_(r, "}"); }
void rec_arr_begin(struct record *r, const char *key) { open_(r, key, "["); }
void rec_arr_end(struct record *r) { close_(r, "]"); }

void rec_end(struct record *r)
{
	if (r->truncated)
		puts_(r, ",\"truncated\":true");
	puts_(r, "}\n");
	if (sink)
		sink(r->out, r->len);
}
