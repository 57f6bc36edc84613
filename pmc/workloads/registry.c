/* The list of validation workloads. */
#include "pmc/workloads/workload.h"

extern const struct workload wl_seq_walk, wl_stride_walk, wl_pointer_chase, wl_matmul, wl_hash_probe;

static const struct workload *const all[] = {
	&wl_seq_walk, &wl_stride_walk, &wl_pointer_chase, &wl_matmul, &wl_hash_probe,
};

const struct workload *workload_at(unsigned i)
{
	return i < sizeof all / sizeof all[0] ? all[i] : 0;
}

const struct workload *workload_find(const char *name)
{
	for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++) {
		const char *a = all[i]->name, *b = name;
		while (*a && *a == *b)
			a++, b++;
		if (*a == *b)
			return all[i];
	}
	return 0;
}
