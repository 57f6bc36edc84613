/* HTTP/1.0 server on lwIP's raw TCP API: see httpd.h. */
#include "kernel/net/httpd.h"
#include "lib/string.h"
#include "lib/record.h"
#include "lwip/tcp.h"

enum conn_state { CONN_FREE, CONN_READING };

struct conn {
	enum conn_state state;
	struct tcp_pcb *pcb;
	uint32_t idle;          /* poll intervals without progress */
	size_t len;
	char req[HTTPD_REQ_MAX];
};

static struct {
	struct tcp_pcb *listener;
	const char *index_html;
	httpd_status_fn status;
	void *status_ctx;
	void (*end)(void *ctx);
	void *end_ctx;
	struct conn conns[HTTPD_MAX_CONNS];
	struct httpd_stats st;
	char body[HTTPD_BODY_MAX];  /* /status scratch: tcp_write copies it */
} srv;

static const char default_index[] =
	"<!DOCTYPE html>\n<html><head><title>Quest-V sandbox</title></head>\n"
	"<body><h1>Quest-V sandbox web server</h1>\n"
	"<p>lwIP 2.1.3 in a sandbox kernel. Counters: <a href=\"/status\">/status</a>.</p>\n"
	"</body></html>\n";

static void conn_free(struct conn *c)
{
	c->state = CONN_FREE;
	c->pcb = NULL;
}

/* Detach our callbacks; afterwards lwIP owns the pcb alone. */
static void detach(struct tcp_pcb *pcb)
{
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_err(pcb, NULL);
	tcp_poll(pcb, NULL, 0);
}

/* Close gracefully (queued data is still sent, then FIN); if lwIP has no
 * memory even for that, reset. Either way the entry is free again. */
static void conn_close(struct conn *c)
{
	struct tcp_pcb *pcb = c->pcb;
	conn_free(c);
	detach(pcb);
	if (tcp_close(pcb) != ERR_OK)
		tcp_abort(pcb);
}

/* Abort (RST); the pcb is gone on return. Returns ERR_ABRT for callbacks. */
static err_t conn_abort(struct conn *c)
{
	struct tcp_pcb *pcb = c->pcb;
	conn_free(c);
	detach(pcb);
	tcp_abort(pcb);
	return ERR_ABRT;
}

static size_t append(char *dst, size_t at, const char *s)
{
	size_t n = strlen(s);
	memcpy(dst + at, s, n);
	return at + n;
}

/* Header + body; header fields are short, so 160 bytes always fit. */
static err_t respond(struct conn *c, const char *status, const char *type, const char *body,
		     size_t body_len)
{
	char head[160], num[24];
	size_t h = append(head, 0, "HTTP/1.0 ");
	h = append(head, h, status);
	h = append(head, h, "\r\nContent-Type: ");
	h = append(head, h, type);
	h = append(head, h, "\r\nContent-Length: ");
	num[fmt_u64(num, body_len)] = 0;
	h = append(head, h, num);
	h = append(head, h, "\r\nConnection: close\r\n\r\n");
	if (tcp_sndbuf(c->pcb) < h + body_len ||
	    tcp_write(c->pcb, head, (u16_t)h, TCP_WRITE_FLAG_COPY | TCP_WRITE_FLAG_MORE) != ERR_OK ||
	    (body_len && tcp_write(c->pcb, body, (u16_t)body_len, TCP_WRITE_FLAG_COPY) != ERR_OK)) {
		srv.st.send_failed++;
		return conn_abort(c);
	}
	srv.st.bytes_out += h + body_len;
	tcp_output(c->pcb);
	conn_close(c);
	return ERR_OK;
}

static err_t error_page(struct conn *c, unsigned code)
{
	static const char *const text[] = { "400 Bad Request", "404 Not Found", "405 Method Not Allowed" };
	const char *s = code == 400 ? text[0] : code == 404 ? text[1] : text[2];
	if (code == 400)
		srv.st.status_400++;
	else if (code == 404)
		srv.st.status_404++;
	else
		srv.st.status_405++;
	/* The status line doubles as the body. */
	return respond(c, s, "text/plain", s, strlen(s));
}

/* Is there a whole request head (ended by an empty line) in the buffer? */
static bool head_complete(const struct conn *c)
{
	for (size_t i = 0; i + 1 < c->len; i++) {
		if (c->req[i] == '\n' && c->req[i + 1] == '\n')
			return true;
		if (i + 3 < c->len && !memcmp(c->req + i, "\r\n\r\n", 4))
			return true;
	}
	return false;
}

static bool path_is(const char *p, size_t n, const char *want)
{
	return n == strlen(want) && !memcmp(p, want, n);
}

static err_t serve(struct conn *c)
{
	srv.st.requests++;
	/* Request line: METHOD SP PATH [SP VERSION] EOL. */
	size_t i = 0, end = 0;
	while (end < c->len && c->req[end] != '\r' && c->req[end] != '\n')
		end++;
	while (i < end && c->req[i] != ' ')
		i++;
	if (i == 0 || i == end)
		return error_page(c, 400);
	size_t method_len = i, p0 = i + 1, p1 = p0;
	while (p1 < end && c->req[p1] != ' ' && c->req[p1] != '?')
		p1++;
	if (p1 == p0 || c->req[p0] != '/')
		return error_page(c, 400);
	if (!(method_len == 3 && !memcmp(c->req, "GET", 3)))
		return error_page(c, 405);
	const char *path = c->req + p0;
	size_t plen = p1 - p0;
	if (path_is(path, plen, "/") || path_is(path, plen, "/index.html")) {
		srv.st.status_200++;
		return respond(c, "200 OK", "text/html", srv.index_html, strlen(srv.index_html));
	}
	if (srv.end && path_is(path, plen, "/end")) {
		srv.st.status_200++;
		srv.end(srv.end_ctx);
		return respond(c, "200 OK", "text/plain", "ending\n", 7);
	}
	if (path_is(path, plen, "/status")) {
		srv.st.status_200++;
		size_t n = srv.status ? srv.status(srv.body, sizeof(srv.body), srv.status_ctx) : 0;
		if (n > sizeof(srv.body))
			n = sizeof(srv.body);
		return respond(c, "200 OK", "application/json", srv.body, n);
	}
	return error_page(c, 404);
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	/* Only connections still reading have this callback (detach()). */
	struct conn *c = arg;
	if (!p) {  /* the peer closed before a whole request */
		conn_close(c);
		return ERR_OK;
	}
	if (err != ERR_OK) {
		pbuf_free(p);
		return err;
	}
	c->idle = 0;
	u16_t n = p->tot_len;
	size_t room = sizeof(c->req) - c->len;
	size_t take = n < room ? n : room;
	pbuf_copy_partial(p, c->req + c->len, (u16_t)take, 0);
	c->len += take;
	tcp_recved(pcb, n);
	pbuf_free(p);
	if (head_complete(c))
		return serve(c);
	if (c->len == sizeof(c->req))
		return error_page(c, 400);
	return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
	(void)err;
	struct conn *c = arg;
	/* The pcb is already freed by lwIP. */
	if (c) {
		srv.st.peer_errors++;
		conn_free(c);
	}
}

static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
	struct conn *c = arg;
	(void)pcb;
	if (c && ++c->idle >= HTTPD_IDLE_POLLS) {
		srv.st.idle_aborted++;
		return conn_abort(c);
	}
	return ERR_OK;
}

static const char busy_response[] =
	"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
	"Retry-After: 1\r\nConnection: close\r\n\r\nbusy\n";

/* A refused connection whose client never closes its side: reset it. */
static err_t busy_poll(void *arg, struct tcp_pcb *pcb)
{
	(void)arg;
	tcp_abort(pcb);
	return ERR_ABRT;
}

/* The pool is full: answer 503 at once (a client must never wait on a
 * connection nobody serves) and close our side. No receive callback, so
 * lwIP's default one discards the request and completes the close on the
 * client's FIN; busy_poll resets a client that never sends one. */
static err_t refuse_busy(struct tcp_pcb *pcb)
{
	if (tcp_write(pcb, busy_response, sizeof busy_response - 1, 0) != ERR_OK ||
	    tcp_shutdown(pcb, 0, 1) != ERR_OK) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	tcp_poll(pcb, busy_poll, HTTPD_IDLE_POLLS);
	return ERR_OK;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	struct conn *c = NULL;
	for (unsigned i = 0; i < HTTPD_MAX_CONNS && !c; i++)
		if (srv.conns[i].state == CONN_FREE)
			c = &srv.conns[i];
	if (!c) {
		srv.st.refused_busy++;
		return refuse_busy(pcb);
	}
	srv.st.accepted++;
	c->state = CONN_READING;
	c->pcb = pcb;
	c->idle = 0;
	c->len = 0;
	tcp_arg(pcb, c);
	tcp_recv(pcb, on_recv);
	tcp_err(pcb, on_err);
	tcp_poll(pcb, on_poll, 1);
	return ERR_OK;
}

int httpd_start(uint16_t port, const char *index_html, httpd_status_fn status, void *status_ctx)
{
	if (index_html && strlen(index_html) > HTTPD_BODY_MAX)
		return -1;
	memset(&srv, 0, sizeof(srv));
	srv.index_html = index_html ? index_html : default_index;
	srv.status = status;
	srv.status_ctx = status_ctx;
	struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
	if (!pcb)
		return -1;
	if (tcp_bind(pcb, IP4_ADDR_ANY, port) != ERR_OK) {
		tcp_abort(pcb);
		return -1;
	}
	struct tcp_pcb *l = tcp_listen(pcb);  /* frees pcb on success */
	if (!l) {
		tcp_abort(pcb);
		return -1;
	}
	srv.listener = l;
	tcp_accept(l, on_accept);
	return 0;
}

void httpd_stop(void)
{
	for (unsigned i = 0; i < HTTPD_MAX_CONNS; i++)
		if (srv.conns[i].state != CONN_FREE)
			conn_abort(&srv.conns[i]);
	if (srv.listener) {
		tcp_close(srv.listener);  /* a listener's close cannot fail */
		srv.listener = NULL;
	}
}

void httpd_on_end(void (*end)(void *ctx), void *ctx)
{
	srv.end = end;
	srv.end_ctx = ctx;
}

const struct httpd_stats *httpd_get_stats(void)
{
	return &srv.st;
}
