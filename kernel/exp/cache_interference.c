/*
 * "cache-interference": this sandbox's share of the experiment of the same
 * name (experiments/configs/cache-interference.yaml). It runs a task set of
 * its own, made of roles, under the image's policy, like a config's
 * vcpu/thread lines would (the experiments harness cannot write those into
 * a config yet):
 *   rt   the cache-sensitive real-time VCPU: Main VCPU rt_c_us/rt_t_us
 *        (default 9000/10000: the
 *        slack absorbs icount's round robin, which charges the TSC time
 *        other vCPUs run to whichever VCPU this core runs), one periodic thread whose job is rt_passes
 *        (default 2) passes over rt_ws percent of the LLC (default 50)
 *   pol  a polluter: a best-effort VCPU streaming over pol_ws percent of
 *        the LLC (default 400)
 *   cpu  a best-effort VCPU multiplying small matrices (cpu_ws percent of
 *        the LLC, default 1): CPU-bound, few misses
 * Args: ci=ROLE+ROLE... (each role once), ci_ms=N (length of the schedule,
 * default 300), params=POLICY:KEY=VALUE,... (the task set's policy line,
 * e.g. params=memguard:budget=300,period_us=1000; checked by the task-set
 * parser). Use steady_ms=0: the schedule replaces the steady window.
 * Records: those of any task set (admit, vcpu, thread, sched_run) plus
 * {"ev":"cache_interference","sandbox":N,"roles":"pol+cpu"} first.
 */
#include "kernel/experiment.h"
#include "kernel/cmdline.h"
#include "kernel/kinfo.h"
#include "kernel/vsched/dispatch.h"
#include "kernel/vsched/setup.h"
#include "lib/record.h"
#include "lib/string.h"

#define EXP "cache-interference"
#define TEXT_MAX 1024

struct text {
	char buf[TEXT_MAX];
	size_t len;
};

/* Append n chars of s; the buffer always ends in NUL. */
static void putn(struct text *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n && t->len + 1 < TEXT_MAX; i++)
		t->buf[t->len++] = s[i];
	t->buf[t->len] = 0;
}

static void put(struct text *t, const char *s)
{
	putn(t, s, strlen(s));
}

static void put_u64(struct text *t, uint64_t v)
{
	char d[21];
	int n = 0;
	do {
		d[20 - ++n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	putn(t, &d[20 - n], (size_t)n);
}

/* The value of arg key up to the next space, as (start, length); 0 and
 * length 0 when absent. */
static const char *arg_word(const char *key, size_t *n)
{
	const char *v = arg_value(key);
	for (*n = 0; v && v[*n] && v[*n] != ' '; (*n)++)
		;
	return v;
}

static void role_rt(struct text *t)
{
	uint64_t c = arg_u64("rt_c_us", 9000), T = arg_u64("rt_t_us", 10000);
	put(t, "vcpu rt main "), put_u64(t, c), put(t, " "), put_u64(t, T);
	put(t, "\nthread rtj rt periodic "), put_u64(t, c), put(t, " "), put_u64(t, T);
	put(t, " work=reuse:"), put_u64(t, arg_u64("rt_ws", 50));
	put(t, ":"), put_u64(t, arg_u64("rt_passes", 2)), put(t, "\n");
}

static void role_pol(struct text *t)
{
	put(t, "vcpu pol be\nthread polw pol busy work=stream:");
	put_u64(t, arg_u64("pol_ws", 400)), put(t, "\n");
}

static void role_cpu(struct text *t)
{
	put(t, "vcpu cpu be\nthread cpuw cpu busy work=compute:");
	put_u64(t, arg_u64("cpu_ws", 1)), put(t, "\n");
}

/* ci=ROLE+ROLE... into task-set lines; false on an unknown role. */
static bool roles(struct text *t)
{
	static const struct { const char *name; void (*add)(struct text *); } known[] = {
		{ "rt", role_rt }, { "pol", role_pol }, { "cpu", role_cpu },
	};
	size_t n, i, k;
	const char *r = arg_word("ci", &n);
	while (r && n) {
		for (i = 0; i < n && r[i] != '+'; i++)
			;
		for (k = 0; k < sizeof known / sizeof known[0]; k++)
			if (strlen(known[k].name) == i && !strncmp(known[k].name, r, i))
				break;
		if (k == sizeof known / sizeof known[0])
			return false;
		known[k].add(t);
		r += i + (i < n);
		n -= i + (i < n);
	}
	return t->len > 0;
}

/* params=POLICY:K=V,K=V as "policy POLICY K=V K=V". */
static void policy_line(struct text *t)
{
	size_t n, i;
	const char *p = arg_word("params", &n);
	if (!p)
		return;
	put(t, "policy ");
	for (i = 0; i < n; i++)
		putn(t, p[i] == ':' || p[i] == ',' ? " " : &p[i], 1);
	put(t, "\n");
}

static bool exp_cache_interference_run(void)
{
	static struct text t, ci;
	struct record r;
	size_t n = 0;
	const char *roles_arg = arg_word("ci", &n);

	if (!roles(&t))
		return experiment_error(EXP, "needs ci=ROLE+ROLE... with roles rt, pol, cpu");
	policy_line(&t);
	putn(&ci, roles_arg, n);
	rec_begin(&r, "cache_interference");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "roles", ci.buf);
	rec_end(&r);
	if (vsched_init(t.buf) < 0)
		return false;
	vsched_run(arg_u64("ci_ms", 300));
	return true;
}

EXPERIMENT("cache-interference", exp_cache_interference_run);
