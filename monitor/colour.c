/* LLC page colouring (see colour.h). */
#include "monitor/colour.h"

/* Pages of sandbox sb that go to its j-th colour (pages j, j+k, j+2k...). */
static uint64_t pages_in(const struct sandbox_config *sb, unsigned j)
{
	uint64_t pages = sb->mem_bytes / CFG_PAGE;

	return pages > j ? (pages - j + sb->ncolours - 1) / sb->ncolours : 0;
}

uint64_t colour_layout(struct system_config *cfg, unsigned *tightest)
{
	uint32_t next[CFG_MAX_COLOURS] = { 0 }; /* next free slot per colour */
	uint64_t slots = 0, most = 0;

	*tightest = 0;
	for (unsigned i = 0; i < cfg->nsandboxes; i++) {
		struct sandbox_config *sb = &cfg->sandbox[i];

		for (unsigned j = 0; j < sb->ncolours; j++) {
			uint32_t *n = &next[sb->colour[j]];

			sb->colour_first[j] = *n;
			*n += (uint32_t)pages_in(sb, j);
			slots = *n > slots ? *n : slots;
		}
		if (sb->ncolours && pages_in(sb, 0) > most) {
			most = pages_in(sb, 0);
			*tightest = i;
		}
	}
	return slots * colour_way(&cfg->llc);
}

uint64_t config_hpa(const struct system_config *cfg, unsigned i, uint64_t gpa)
{
	const struct sandbox_config *sb = &cfg->sandbox[i];
	uint64_t p = gpa / CFG_PAGE;
	unsigned j;

	if (!sb->ncolours)
		return sb->base + gpa;
	j = (unsigned)(p % sb->ncolours);
	return cfg->colour_pool.base +
	       (sb->colour_first[j] + p / sb->ncolours) * colour_way(&cfg->llc) +
	       sb->colour[j] * CFG_PAGE + gpa % CFG_PAGE;
}

static size_t put(char *buf, size_t at, size_t cap, unsigned v, const char *before)
{
	char digits[4];
	unsigned n = 0;

	while (*before && at + 1 < cap)
		buf[at++] = *before++;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < sizeof digits);
	while (n && at + 1 < cap)
		buf[at++] = digits[--n];
	buf[at] = '\0';
	return at;
}

void colour_format(const struct sandbox_config *sb, char *buf, size_t cap)
{
	size_t at = 0;
	unsigned i = 0, j;

	if (!cap)
		return;
	buf[0] = '\0';
	if (!sb->ncolours) {
		for (const char *s = "none"; *s && at + 1 < cap; s++)
			buf[at++] = *s;
		buf[at] = '\0';
		return;
	}
	for (; i < sb->ncolours; i = j) {
		for (j = i + 1; j < sb->ncolours && sb->colour[j] == sb->colour[j - 1] + 1; j++)
			;
		at = put(buf, at, cap, sb->colour[i], i ? "," : "");
		if (j - 1 > i)
			at = put(buf, at, cap, sb->colour[j - 1], "-");
	}
}
