/*
 * A small HTTP/1.0 server on lwIP's raw TCP API (NO_SYS: it runs inside the
 * network context's net_loop_poll, from lwIP's callbacks).
 *
 *   GET /  (or /index.html)  the static page
 *   GET /status              JSON from the status callback (counters)
 *   GET /end                 "ending": the run's end, when httpd_on_end
 *                            gave a callback (else 404)
 *   anything else            404; a method other than GET: 405; a request
 *                            head over HTTPD_REQ_MAX bytes or without a
 *                            request line: 400
 *
 * One response per connection, then the server closes (Connection: close):
 * httperf's default one-call-per-connection load, and no idle keep-alive
 * connections to hold pool entries. Connections come from a fixed pool of
 * HTTPD_MAX_CONNS, sized so that 100 concurrent clients are all served;
 * when it is empty a new connection gets "503 Service Unavailable" at once
 * and is closed (counted refused_busy): overload is refused, never left
 * hanging.
 * A connection idle for HTTPD_IDLE_POLLS lwIP poll intervals (500 ms each)
 * is aborted, so a stalled client cannot hold an entry forever.
 */
#ifndef QUESTV_NET_HTTPD_H
#define QUESTV_NET_HTTPD_H
#include <stddef.h>
#include <stdint.h>

#define HTTPD_MAX_CONNS  128
#define HTTPD_REQ_MAX    1024
#define HTTPD_BODY_MAX   4096    /* largest /status body */
#define HTTPD_IDLE_POLLS 20      /* 10 s */

/* Write the /status body (JSON) into buf, at most cap bytes; return its
 * length. */
typedef size_t (*httpd_status_fn)(char *buf, size_t cap, void *ctx);

struct httpd_stats {
	uint64_t accepted, refused_busy;
	uint64_t requests;
	uint64_t status_200, status_400, status_404, status_405;
	uint64_t send_failed;     /* lwIP had no room for a response: aborted */
	uint64_t idle_aborted;
	uint64_t peer_errors;     /* connection reset or lost under us */
	uint64_t bytes_out;
};

/* Listen on port (80). index_html: the page for "/" (NUL-terminated, at
 * most HTTPD_BODY_MAX bytes; NULL: a built-in one). Returns 0, -1 if lwIP refused (port in use, no PCB). */
int httpd_start(uint16_t port, const char *index_html, httpd_status_fn status, void *status_ctx);

/* GET /end answers 200 and calls end(ctx), which should let the response
 * go out before the sandbox stops (the kernel drains for a moment). */
void httpd_on_end(void (*end)(void *ctx), void *ctx);

/* Stop listening and abort every open connection (recovery, tests). */
void httpd_stop(void);

const struct httpd_stats *httpd_get_stats(void);

#endif
