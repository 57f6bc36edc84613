/* Closest-name suggestions for unknown event names, shared by the build-time
 * event table generator and pmc_open() in the kernel. No allocation, no
 * libc: names are compared case-insensitively by edit distance. */
#ifndef PMC_EVENT_MATCH_H
#define PMC_EVENT_MATCH_H

/* Names longer than this are compared by their first EVENT_MATCH_MAX chars. */
#define EVENT_MATCH_MAX 64u

/* Edit distance (insertions, deletions, substitutions; case-insensitive)
 * between A and B. */
unsigned event_distance(const char *a, const char *b);

/* Keeps the N best candidates seen so far, nearest first. The caller owns
 * the arrays (N entries each) and zeroes COUNT before the first offer. */
struct event_match {
	const char *want;
	const char **best;
	unsigned *dist;
	unsigned n, count;
};

/* Consider NAME as a suggestion for M->want; keeps it if it is among the n
 * nearest so far (ties keep the earlier offer first). */
void event_match_offer(struct event_match *m, const char *name);

#endif
