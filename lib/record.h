/*
 * JSON-lines record writer: every structured record is one JSON object on
 * one line, `{"ev":"name",...}`, so analysis/ reads consoles with pandas.
 *
 *   struct record r;
 *   rec_begin(&r, "sandbox_ready");
 *   rec_u64(&r, "sandbox", 1);
 *   rec_end(&r);          -- hands the finished line to the sink
 *
 * Fields that do not fit in the line buffer are dropped whole and the
 * record gets "truncated":true, so a line is always valid JSON.
 *
 * The same writer fills a JSON document in a caller's buffer (the web
 * server's /status): rec_doc_begin() ... rec_doc_end(), without "ev",
 * newline or sink.
 */
#ifndef QUESTV_RECORD_H
#define QUESTV_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define RECORD_MAX 480

typedef void (*record_sink)(const char *line, size_t len);

struct record {
	char buf[RECORD_MAX + 32];
	char *out;          /* buf, or a document's buffer */
	size_t cap, limit;  /* out's size; where fields stop fitting */
	size_t len;
	bool need_comma;
	bool truncated;     /* a field was dropped */
	bool overflow;      /* a byte did not fit in out */
	unsigned depth;
};

/* Where rec_end sends lines (the monitor's log or the sandbox's UART). */
void record_set_sink(record_sink sink);
record_sink record_get_sink(void);

void rec_begin(struct record *r, const char *ev);
void rec_u64(struct record *r, const char *key, uint64_t v);
void rec_i64(struct record *r, const char *key, int64_t v);
void rec_hex(struct record *r, const char *key, uint64_t v); /* "0x..." string */
void rec_milli(struct record *r, const char *key, uint64_t thousandths); /* 12.345 */
void rec_str(struct record *r, const char *key, const char *s);
void rec_bool(struct record *r, const char *key, bool v);
/* A nested object under key (key 0: the next element of an array). */
void rec_obj_begin(struct record *r, const char *key);
void rec_obj_end(struct record *r);
void rec_arr_begin(struct record *r, const char *key);
void rec_arr_end(struct record *r);
void rec_end(struct record *r);

/* A JSON object in buf (cap bytes) instead of a line to the sink. */
void rec_doc_begin(struct record *r, char *buf, size_t cap);
/* Close it: its length, or 0 when something did not fit (dropped). */
size_t rec_doc_end(struct record *r);

/* Format v in decimal / hex into buf (>= 21 / 19 bytes); returns length. */
size_t fmt_u64(char *buf, uint64_t v);
size_t fmt_hex(char *buf, uint64_t v);

#endif
