/* Task-set parser (see taskset.h). Freestanding: the monitor validates
 * configs with it and the host simulator reads files with it, so it uses
 * no C library, only the small helpers below. */
#include <stdarg.h>

#include "sched/taskset.h"

#define MAX_TOKENS 8
#define LINE_MAX_LEN 512

struct line {
	int no;
	int ntok;
	char *tok[MAX_TOKENS];
	char buf[LINE_MAX_LEN];
};

static size_t ts_strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Bounded message builder: appends, always NUL-terminated. */
struct msg {
	char *buf;
	size_t cap, len;
};

static void put_str(struct msg *m, const char *s)
{
	for (; *s && m->len + 1 < m->cap; s++)
		m->buf[m->len++] = *s;
	m->buf[m->len] = '\0';
}

static void put_int(struct msg *m, long v)
{
	char tmp[24];
	int n = 0;
	unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
	if (v < 0)
		put_str(m, "-");
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (n) {
		char c[2] = { tmp[--n], 0 };
		put_str(m, c);
	}
}

/* "line N: " + fmt, where fmt knows only %s and %d. Returns -1. */
static int fail(char *err, size_t errlen, const struct line *l, const char *fmt, ...)
{
	struct msg m = { err, errlen, 0 };
	va_list ap;

	if (!errlen)
		return -1;
	err[0] = '\0';
	put_str(&m, "line ");
	put_int(&m, l->no);
	put_str(&m, ": ");
	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (fmt[0] == '%' && fmt[1] == 's') {
			put_str(&m, va_arg(ap, const char *));
			fmt++;
		} else if (fmt[0] == '%' && fmt[1] == 'd') {
			put_int(&m, va_arg(ap, int));
			fmt++;
		} else {
			char c[2] = { *fmt, 0 };
			put_str(&m, c);
		}
	}
	va_end(ap);
	return -1;
}

/* Names go into JSON unescaped, so allow only a safe alphabet. */
static int valid_name(const char *s)
{
	size_t n = ts_strlen(s);

	if (n == 0 || n >= TS_NAME_MAX)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return 0;
	return 1;
}

/* Positive decimal integer <= TS_MAX_US. */
static int parse_us(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > TS_MAX_US)
			return -1;
	}
	if (v == 0)
		return -1;
	*out = v;
	return 0;
}

/* Decimal utilization in (0, 1] with at most 6 fractional digits, as ppm. */
static int parse_util(const char *s, uint32_t *ppm)
{
	uint64_t whole = 0, frac = 0;
	int digits = 0, fdigits = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++)
		if ((whole = whole * 10 + (uint64_t)(*s - '0')) > 1)
			return -1;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, fdigits++) {
			if (fdigits == 6)
				return -1;
			frac = frac * 10 + (uint64_t)(*s - '0');
			digits++;
		}
	if (*s || digits == 0)
		return -1;
	for (; fdigits < 6; fdigits++)
		frac *= 10;
	frac += whole * SCHED_PPM;
	if (frac == 0 || frac > SCHED_PPM)
		return -1;
	*ppm = (uint32_t)frac;
	return 0;
}

/* name passed valid_name, so it fits. */
static void copy_name(char *dst, const char *name)
{
	while ((*dst++ = *name++))
		;
}

static int find_vcpu(const struct taskset *ts, const char *name)
{
	for (unsigned i = 0; i < ts->nvcpus; i++)
		if (streq(ts->vcpu[i].name, name))
			return (int)i;
	return -1;
}

static int parse_vcpu(struct taskset *ts, const struct line *l, char *err, size_t errlen)
{
	struct ts_vcpu *v = &ts->vcpu[ts->nvcpus];

	if (l->ntok < 3)
		return fail(err, errlen, l, "expected 'vcpu NAME main C T', 'vcpu NAME io U' or 'vcpu NAME be'");
	if (!valid_name(l->tok[1]))
		return fail(err, errlen, l, "bad VCPU name '%s' (1-31 of [A-Za-z0-9_.-])", l->tok[1]);
	if (find_vcpu(ts, l->tok[1]) >= 0)
		return fail(err, errlen, l, "VCPU '%s' declared twice", l->tok[1]);
	if (ts->nvcpus == TS_MAX_VCPUS)
		return fail(err, errlen, l, "more than %d VCPUs", TS_MAX_VCPUS);
	if (streq(l->tok[2], "main")) {
		if (l->ntok != 5)
			return fail(err, errlen, l, "expected 'vcpu NAME main C T'");
		if (parse_us(l->tok[3], &v->c_us) || parse_us(l->tok[4], &v->t_us))
			return fail(err, errlen, l, "C and T must be positive integers (microseconds)");
		if (v->c_us > v->t_us)
			return fail(err, errlen, l, "budget C exceeds period T");
		v->kind = VCPU_MAIN;
	} else if (streq(l->tok[2], "io")) {
		if (l->ntok != 4)
			return fail(err, errlen, l, "expected 'vcpu NAME io U'");
		if (parse_util(l->tok[3], &v->u_ppm))
			return fail(err, errlen, l, "U must be a decimal in (0, 1] with at most 6 decimals");
		v->kind = VCPU_IO;
	} else if (streq(l->tok[2], "be")) {
		if (l->ntok != 3)
			return fail(err, errlen, l, "expected 'vcpu NAME be'");
		v->kind = VCPU_BE;
	} else {
		return fail(err, errlen, l, "unknown VCPU kind '%s' (main, io or be)", l->tok[2]);
	}
	copy_name(v->name, l->tok[1]);
	ts->nvcpus++;
	return 0;
}

/* Decimal integer in [lo, hi] up to `end` (':' or NUL); *s moves past it. */
static int parse_bounded(const char **s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	uint64_t v = 0;
	const char *p = *s;

	for (; *p >= '0' && *p <= '9'; p++)
		if ((v = v * 10 + (uint64_t)(*p - '0')) > hi)
			return -1;
	if (p == *s || v < lo || (*p && *p != ':'))
		return -1;
	*out = (uint32_t)v;
	*s = *p ? p + 1 : p;
	return 0;
}

static int has_prefix(const char *s, const char *prefix)
{
	while (*prefix && *prefix == *s)
		prefix++, s++;
	return !*prefix;
}

/* "KIND:PCT[:PASSES]", the value of work= (see taskset.h), into t. */
static int parse_work(struct ts_thread *t, const char *val)
{
	static const char *const kinds[] = { "reuse", "stream", "compute" };
	const char *p;
	unsigned k;

	for (k = 0; k < 3; k++) {
		const char *a = kinds[k];
		for (p = val; *a && *a == *p; a++, p++)
			;
		if (!*a && *p == ':')
			break;
	}
	if (k == 3)
		return -1;
	p++;
	t->work = (enum ts_work)(TS_WORK_REUSE + k);
	t->passes = 1;
	if (parse_bounded(&p, 1, 1000, &t->ws_pct))
		return -1;
	if (*p && (parse_bounded(&p, 1, 1000, &t->passes) || *p))
		return -1;
	return 0;
}

static int parse_thread(struct taskset *ts, const struct line *l, char *err, size_t errlen)
{
	struct ts_thread *t = &ts->thread[ts->nthreads];
	int vi, base;

	if (l->ntok < 4)
		return fail(err, errlen, l, "expected 'thread NAME VCPU KIND ...'");
	if (!valid_name(l->tok[1]))
		return fail(err, errlen, l, "bad thread name '%s' (1-31 of [A-Za-z0-9_.-])", l->tok[1]);
	for (unsigned i = 0; i < ts->nthreads; i++)
		if (streq(ts->thread[i].name, l->tok[1]))
			return fail(err, errlen, l, "thread '%s' declared twice", l->tok[1]);
	if (ts->nthreads == TS_MAX_THREADS)
		return fail(err, errlen, l, "more than %d threads", TS_MAX_THREADS);
	if ((vi = find_vcpu(ts, l->tok[2])) < 0)
		return fail(err, errlen, l, "unknown VCPU '%s' (declare it on an earlier line)", l->tok[2]);
	t->vcpu = (unsigned)vi;
	t->work = TS_WORK_SPIN;
	t->ws_pct = t->passes = 0;
	if (streq(l->tok[3], "busy")) {
		base = 4;
		t->kind = TS_BUSY;
		t->c_us = t->t_us = 0;
	} else if (streq(l->tok[3], "periodic") || streq(l->tok[3], "io-burst")) {
		base = 6;
		t->kind = l->tok[3][0] == 'p' ? TS_PERIODIC : TS_IO_BURST;
		if (l->ntok < 6 || l->ntok > 7 || (l->ntok == 7 && t->kind == TS_IO_BURST))
			return fail(err, errlen, l, "expected 'thread NAME VCPU %s C %s'%s", l->tok[3],
				    t->kind == TS_PERIODIC ? "T" : "MEAN_GAP",
				    t->kind == TS_PERIODIC ? " and optionally work=KIND:PCT[:PASSES]" : "");
		if (parse_us(l->tok[4], &t->c_us) || parse_us(l->tok[5], &t->t_us))
			return fail(err, errlen, l, "times must be positive integers (microseconds)");
		if (t->kind == TS_IO_BURST && ts->vcpu[vi].kind != VCPU_IO)
			return fail(err, errlen, l, "io-burst thread needs an I/O VCPU, '%s' is main",
				    l->tok[2]);
	} else {
		return fail(err, errlen, l, "unknown thread kind '%s' (periodic, io-burst, busy)",
			    l->tok[3]);
	}
	if (l->ntok > base + 1 || (l->ntok == base + 1 && !has_prefix(l->tok[base], "work=")))
		return fail(err, errlen, l, "expected 'thread NAME VCPU %s%s', optionally with "
			    "work=KIND:PCT[:PASSES]", l->tok[3], t->kind == TS_BUSY ? "" : " C T");
	if (l->ntok == base + 1 && parse_work(t, l->tok[base] + 5))
		return fail(err, errlen, l, "bad '%s': expected work=KIND:PCT[:PASSES], KIND reuse, "
			    "stream or compute, PCT 1..1000 (percent of the LLC), PASSES 1..1000",
			    l->tok[base]);
	copy_name(t->name, l->tok[1]);
	ts->nthreads++;
	return 0;
}

/* "policy NAME KEY=VALUE ...": every pair checked against params.c. */
static int parse_policy(struct taskset *ts, const struct line *l, char *err, size_t errlen)
{
	int pol;

	if (l->ntok < 3)
		return fail(err, errlen, l, "expected 'policy NAME KEY=VALUE ...'");
	if ((pol = sched_param_policy(l->tok[1])) < 0)
		return fail(err, errlen, l, "unknown policy '%s' (rm, edf, memguard, cache-aware)",
			    l->tok[1]);
	for (unsigned i = 0; i < ts->nparams; i++)
		if (ts->param[i].policy == (unsigned)pol)
			return fail(err, errlen, l, "second policy line for '%s'", l->tok[1]);
	for (int i = 2; i < l->ntok; i++) {
		struct ts_param *p = &ts->param[ts->nparams];
		char key[TS_NAME_MAX];
		const char *v = l->tok[i];
		size_t n = 0;

		while (v[n] && v[n] != '=' && n + 1 < sizeof key) {
			key[n] = v[n];
			n++;
		}
		key[n] = '\0';
		if (v[n] != '=')
			return fail(err, errlen, l, "expected KEY=VALUE, got '%s'", v);
		if (ts->nparams == TS_MAX_PARAMS)
			return fail(err, errlen, l, "more than %d policy parameters", TS_MAX_PARAMS);
		if (!(p->spec = sched_param_find((unsigned)pol, key)))
			return fail(err, errlen, l, "policy %s has no parameter '%s'", l->tok[1], key);
		for (unsigned j = 0; j < ts->nparams; j++)
			if (ts->param[j].spec == p->spec && ts->param[j].policy == (unsigned)pol)
				return fail(err, errlen, l, "parameter '%s' given twice", key);
		if (sched_param_value(p->spec, v + n + 1, &p->value))
			return fail(err, errlen, l, "policy %s: bad %s '%s': %s", l->tok[1], key, v + n + 1,
				    p->spec->help);
		p->policy = (unsigned)pol;
		ts->nparams++;
	}
	return 0;
}

/* Copy one line (without comment) into l and split it into tokens. */
static int split(struct line *l, const char *start, size_t len, char *err, size_t errlen)
{
	size_t i;
	char *p;

	l->ntok = 0;
	if (len >= LINE_MAX_LEN)
		return fail(err, errlen, l, "line longer than %d characters", LINE_MAX_LEN - 1);
	for (i = 0; i < len && start[i] != '#'; i++)
		l->buf[i] = start[i];
	l->buf[i] = '\0';
	for (p = l->buf; *p;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			*p++ = '\0';
		if (!*p)
			break;
		if (l->ntok == MAX_TOKENS)
			return fail(err, errlen, l, "too many fields");
		l->tok[l->ntok++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
	}
	return 0;
}

int taskset_parse(const char *text, struct taskset *ts, char *err, size_t errlen)
{
	struct line l = { .no = 0 };
	const char *p = text;

	ts->nvcpus = ts->nthreads = ts->nparams = 0;
	while (*p) {
		size_t len = 0;
		const char *nl;
		while (p[len] && p[len] != '\n')
			len++;
		nl = p[len] ? p + len : 0;
		int rc = 0;

		l.no++;
		if (split(&l, p, len, err, errlen))
			return -1;
		if (l.ntok == 0)
			; /* blank or comment-only line */
		else if (streq(l.tok[0], "vcpu"))
			rc = parse_vcpu(ts, &l, err, errlen);
		else if (streq(l.tok[0], "thread"))
			rc = parse_thread(ts, &l, err, errlen);
		else if (streq(l.tok[0], "policy"))
			rc = parse_policy(ts, &l, err, errlen);
		else
			rc = fail(err, errlen, &l, "unknown item '%s' (vcpu, thread or policy)", l.tok[0]);
		if (rc)
			return -1;
		p += len + (nl ? 1 : 0);
	}
	return 0;
}
