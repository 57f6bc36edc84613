/* Edit distance and a bounded nearest-names list: see event_match.h. */
#include "pmc/event_match.h"

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }

static unsigned len_capped(const char *s)
{
	unsigned n = 0;
	while (n < EVENT_MATCH_MAX && s[n])
		n++;
	return n;
}

unsigned event_distance(const char *a, const char *b)
{
	/* Two rows of the classic dynamic programme: O(|b|) space on the stack. */
	unsigned prev[EVENT_MATCH_MAX + 1], cur[EVENT_MATCH_MAX + 1];
	unsigned la = len_capped(a), lb = len_capped(b);
	for (unsigned j = 0; j <= lb; j++)
		prev[j] = j;
	for (unsigned i = 1; i <= la; i++) {
		cur[0] = i;
		for (unsigned j = 1; j <= lb; j++) {
			unsigned sub = prev[j - 1] + (lower(a[i - 1]) != lower(b[j - 1]));
			unsigned del = prev[j] + 1, ins = cur[j - 1] + 1;
			unsigned m = sub < del ? sub : del;
			cur[j] = m < ins ? m : ins;
		}
		for (unsigned j = 0; j <= lb; j++)
			prev[j] = cur[j];
	}
	return prev[lb];
}

/* Whether NEEDLE occurs in HAY, ignoring case. */
static int contains(const char *hay, const char *needle)
{
	for (; *hay; hay++) {
		unsigned i = 0;
		while (needle[i] && lower(hay[i]) == lower(needle[i]))
			i++;
		if (!needle[i])
			return 1;
	}
	return !*needle;
}

void event_match_offer(struct event_match *m, const char *name)
{
	unsigned d = event_distance(m->want, name);
	/* A name that contains the request (or the reverse) is what a user
	 * who typed a prefix such as "amd64_fam15h" means, however long. */
	if (d > 1 && (contains(name, m->want) || contains(m->want, name)))
		d = 1;
	unsigned pos = m->count;
	while (pos > 0 && m->dist[pos - 1] > d)
		pos--;
	if (pos >= m->n)
		return;
	unsigned last = m->count < m->n ? m->count : m->n - 1;
	for (unsigned i = last; i > pos; i--) {
		m->best[i] = m->best[i - 1];
		m->dist[i] = m->dist[i - 1];
	}
	m->best[pos] = name;
	m->dist[pos] = d;
	if (m->count < m->n)
		m->count++;
}
