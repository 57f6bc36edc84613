/* Host tests of the web server (kernel/net/httpd.c) over lwIP on the fake
 * NIC, driven by the scripted TCP peer: both pages, errors, split and
 * oversized requests, resets, a full connection pool, idle timeouts, and
 * many connections in a row (no leak of pool entries or PCBs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "tests/unit/test_net_peer.h"
#include "kernel/net/httpd.h"
#include "kernel/net/net_status.h"

static struct tcp_peer peer;
static uint16_t next_port = 40000;
static struct net_status_src status_src;

static int group_setup(void **s)
{
	(void)s;
	world_init();
	status_src = (struct net_status_src){ .sandbox = 3, .nif = &W.nif };
	assert_int_equal(httpd_start(80, NULL, net_status_json, &status_src), 0);
	return 0;
}

static const char *body_of(const struct tcp_peer *p)
{
	const char *b = strstr((const char *)p->rx, "\r\n\r\n");
	return b ? b + 4 : "";
}

static void get(const char *req)
{
	memset(&peer, 0, sizeof(peer));
	http_get(&peer, next_port++, req);
	peer.rx[peer.rx_len < sizeof(peer.rx) ? peer.rx_len : sizeof(peer.rx) - 1] = 0;
}

static void index_page(void **s)
{
	(void)s;
	get("GET / HTTP/1.0\r\nHost: x\r\n\r\n");
	assert_true(peer.fin_seen);
	assert_false(peer.rst_seen);
	assert_memory_equal(peer.rx, "HTTP/1.0 200 OK\r\n", 17);
	assert_non_null(strstr((char *)peer.rx, "Content-Type: text/html\r\n"));
	assert_non_null(strstr(body_of(&peer), "Quest-V sandbox web server"));
	char cl[64];
	snprintf(cl, sizeof(cl), "Content-Length: %zu\r\n", strlen(body_of(&peer)));
	assert_non_null(strstr((char *)peer.rx, cl));
	get("GET /index.html HTTP/1.1\r\n\r\n");
	assert_memory_equal(peer.rx, "HTTP/1.0 200 OK\r\n", 17);
}

static void status_page_is_json_counters(void **s)
{
	(void)s;
	uint64_t before = httpd_get_stats()->requests;
	get("GET /status?x=1 HTTP/1.0\r\n\r\n");
	assert_memory_equal(peer.rx, "HTTP/1.0 200 OK\r\n", 17);
	assert_non_null(strstr((char *)peer.rx, "Content-Type: application/json\r\n"));
	const char *b = body_of(&peer);
	assert_true(b[0] == '{' && b[strlen(b) - 1] == '}');
	assert_non_null(strstr(b, "\"sandbox\":3,"));
	assert_non_null(strstr(b, "\"netif\":{\"rx_frames\":"));
	char want[64];
	snprintf(want, sizeof(want), "\"requests\":%llu,", (unsigned long long)before + 1);
	assert_non_null(strstr(b, want));  /* this request counted before the page was made */
	/* Balanced braces, no trailing comma: good enough JSON for a check. */
	int depth = 0;
	for (const char *c = b; *c; c++) {
		depth += *c == '{' ? 1 : *c == '}' ? -1 : 0;
		assert_false(*c == ',' && (c[1] == '}' || c[1] == ']'));
	}
	assert_int_equal(depth, 0);
}

static void status_json_truncates_to_valid_json(void **s)
{
	(void)s;
	char buf[64];
	size_t n = net_status_json(buf, sizeof(buf), &status_src);
	assert_int_equal(n, strlen("{\"truncated\":true}"));
	assert_memory_equal(buf, "{\"truncated\":true}", n);
	assert_int_equal(net_status_json(buf, 4, &status_src), 0);
}

static unsigned ends;
static void count_end(void *ctx) { (*(unsigned *)ctx)++; }

/* /end is 404 until the kernel asks for it, then answers and calls back once. */
static void end_page_calls_back_once(void **s)
{
	(void)s;
	get("GET /end HTTP/1.0\r\n\r\n");
	assert_memory_equal(peer.rx, "HTTP/1.0 404 Not Found\r\n", 24);
	httpd_on_end(count_end, &ends);
	get("GET /end HTTP/1.0\r\n\r\n");
	assert_memory_equal(peer.rx, "HTTP/1.0 200 OK\r\n", 17);
	assert_string_equal(body_of(&peer), "ending\n");
	assert_true(peer.fin_seen);
	assert_int_equal(ends, 1);
	httpd_on_end(NULL, NULL);
}

static void errors(void **s)
{
	(void)s;
	get("GET /nope HTTP/1.0\r\n\r\n");
	assert_memory_equal(peer.rx, "HTTP/1.0 404 Not Found\r\n", 24);
	get("POST / HTTP/1.0\r\n\r\n");
	assert_memory_equal(peer.rx, "HTTP/1.0 405 Method Not Allowed\r\n", 33);
	get("garbage\r\n\r\n");
	assert_memory_equal(peer.rx, "HTTP/1.0 400 Bad Request\r\n", 26);
	get("GET nothing HTTP/1.0\r\n\r\n");
	assert_memory_equal(peer.rx, "HTTP/1.0 400 Bad Request\r\n", 26);
	get("\n\n");
	assert_memory_equal(peer.rx, "HTTP/1.0 400 Bad Request\r\n", 26);
	assert_true(httpd_get_stats()->status_404 >= 1);
	assert_true(httpd_get_stats()->status_405 >= 1);
	assert_true(httpd_get_stats()->status_400 >= 3);
}

static void request_split_across_segments(void **s)
{
	(void)s;
	memset(&peer, 0, sizeof(peer));
	peer_connect(&peer, next_port++, 80);
	assert_true(peer.established);
	peer_send(&peer, "GET /sta", 8);
	assert_int_equal(peer.rx_len, 0);
	peer_send(&peer, "tus HTTP/1.0\r\n", 14);
	assert_int_equal(peer.rx_len, 0);
	peer_send(&peer, "\r\n", 2);
	world_advance(300);
	world_pump();
	assert_true(peer.fin_seen);
	assert_memory_equal(peer.rx, "HTTP/1.0 200 OK\r\n", 17);
}

static void oversized_request_head_is_refused(void **s)
{
	(void)s;
	memset(&peer, 0, sizeof(peer));
	peer_connect(&peer, next_port++, 80);
	char chunk[600];
	memset(chunk, 'a', sizeof(chunk));
	memcpy(chunk, "GET /", 5);
	peer_send(&peer, chunk, sizeof(chunk));
	assert_int_equal(peer.rx_len, 0);
	peer_send(&peer, chunk, sizeof(chunk));  /* 1200 > HTTPD_REQ_MAX, no end */
	world_advance(300);
	world_pump();
	assert_memory_equal(peer.rx, "HTTP/1.0 400 Bad Request\r\n", 26);
}

static void peer_reset_frees_the_connection(void **s)
{
	(void)s;
	uint64_t errs = httpd_get_stats()->peer_errors;
	memset(&peer, 0, sizeof(peer));
	peer_connect(&peer, next_port++, 80);
	peer_send(&peer, "GET / HT", 8);
	peer_rst(&peer);
	assert_int_equal(httpd_get_stats()->peer_errors, errs + 1);
	get("GET / HTTP/1.0\r\n\r\n");  /* still serving */
	assert_memory_equal(peer.rx, "HTTP/1.0 200 OK\r\n", 17);
}

static void full_pool_refuses_then_idle_timeout_frees_it(void **s)
{
	(void)s;
	static struct tcp_peer idle[HTTPD_MAX_CONNS + 1];
	const struct httpd_stats *st = httpd_get_stats();
	uint64_t busy = st->refused_busy, aborted = st->idle_aborted;
	for (int i = 0; i < HTTPD_MAX_CONNS; i++) {
		peer_connect(&idle[i], next_port++, 80);
		assert_true(idle[i].established);
	}
	/* lwIP completes the handshake, then our accept refuses: 503 and FIN at once. */
	struct tcp_peer *over = &idle[HTTPD_MAX_CONNS];
	peer_connect(over, next_port++, 80);
	world_pump();
	assert_true(over->rx_len > 12);
	assert_memory_equal(over->rx, "HTTP/1.0 503", 12);
	assert_true(over->fin_seen);
	assert_false(over->rst_seen);
	assert_int_equal(st->refused_busy, busy + 1);
	/* Its request is discarded, its FIN completes the close. */
	peer_send(over, "GET / HTTP/1.0\r\n\r\n", 18);
	peer_fin(over);
	assert_false(over->rst_seen);
	world_advance((HTTPD_IDLE_POLLS + 2) * 500);
	assert_int_equal(st->idle_aborted, aborted + HTTPD_MAX_CONNS);
	world_pump();  /* the resets, more than the fake wire holds at once */
	get("GET / HTTP/1.0\r\n\r\n");
	assert_memory_equal(peer.rx, "HTTP/1.0 200 OK\r\n", 17);
}

static void many_connections_in_a_row(void **s)
{
	(void)s;
	uint64_t ok = httpd_get_stats()->status_200;
	for (int i = 0; i < 1000; i++) {
		get(i % 2 ? "GET / HTTP/1.0\r\n\r\n" : "GET /status HTTP/1.0\r\n\r\n");
		assert_memory_equal(peer.rx, "HTTP/1.0 200 OK\r\n", 17);
		if (i % 50 == 0)
			world_advance(1000);  /* let TIME_WAITs age as they would */
	}
	assert_int_equal(httpd_get_stats()->status_200, ok + 1000);
	assert_int_equal(httpd_get_stats()->send_failed, 0);
}

static void stop_aborts_and_closes(void **s)
{
	(void)s;
	memset(&peer, 0, sizeof(peer));
	peer_connect(&peer, next_port++, 80);
	httpd_stop();
	net_if_flush(&W.nif);   /* called outside the loop: send what it queued */
	world_pump();
	assert_true(peer.rst_seen);
	struct tcp_peer late;
	peer_connect(&late, next_port++, 80);
	assert_true(late.rst_seen);  /* nobody listens */
	assert_false(late.established);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(index_page),
		cmocka_unit_test(status_page_is_json_counters),
		cmocka_unit_test(status_json_truncates_to_valid_json),
		cmocka_unit_test(errors),
		cmocka_unit_test(end_page_calls_back_once),
		cmocka_unit_test(request_split_across_segments),
		cmocka_unit_test(oversized_request_head_is_refused),
		cmocka_unit_test(peer_reset_frees_the_connection),
		cmocka_unit_test(full_pool_refuses_then_idle_timeout_frees_it),
		cmocka_unit_test(many_connections_in_a_row),
		cmocka_unit_test(stop_aborts_and_closes),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
