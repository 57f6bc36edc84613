/* The cache-interference roles (see exp_cache.h). */
#include "exp_cache.h"
#include "experiment.h"
#include "kernel.h"
#include "vsched.h"
#include "../lib/record.h"
#include "../lib/string.h"

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

bool exp_cache_interference_run(void)
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
