/* The multiboot2 tag walk (see multiboot2.h). */
#include "lib/multiboot2.h"

const struct mb2_tag *mb2_next(uint64_t info, const struct mb2_tag *t)
{
	const uint8_t *end = (const uint8_t *)info + *(const uint32_t *)info;
	const uint8_t *p;

	if (!t)
		p = (const uint8_t *)info + 8;
	else if (t->type == MB2_TAG_END)
		return 0;
	else
		p = (const uint8_t *)t + ((t->size + 7) & ~7u);
	t = (const void *)p;
	if (p + sizeof *t > end || t->size < sizeof *t || p + t->size > end)
		return 0;
	return t;
}

const struct mb2_tag *mb2_find(uint64_t info, uint32_t type)
{
	const struct mb2_tag *t;
	for (t = mb2_next(info, 0); t && t->type != MB2_TAG_END; t = mb2_next(info, t))
		if (t->type == type)
			return t;
	return 0;
}
