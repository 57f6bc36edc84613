/* Blocked matrix multiply C += A * B of N x N 32-bit integers, with N the
 * largest multiple of the block that fits three matrices in the buffer.
 * Tiling keeps three BLOCK x BLOCK tiles hot in L1D: the cache-friendly
 * compute case. PASSES repeats the product. */
#include "pmc/workloads/workload.h"

#define BLOCK 16u

static uint64_t side(const struct wl_params *p)
{
	uint64_t n = BLOCK;
	while (3 * (n + BLOCK) * (n + BLOCK) * 4 <= p->bytes)
		n += BLOCK;
	return n;
}

static void prepare(uint8_t *mem, const struct wl_params *p)
{
	uint64_t n = side(p);
	uint32_t *m = (uint32_t *)mem;
	for (uint64_t i = 0; i < 3 * n * n; i++)
		m[i] = i < 2 * n * n ? (uint32_t)(i % 7 + 1) : 0;
}

static WL_RUN uint64_t wl_matmul_run(uint8_t *mem, const struct wl_params *p)
{
	uint64_t n = side(p), sum = 0;
	const uint32_t *a = (const uint32_t *)mem, *b = a + n * n;
	uint32_t *c = (uint32_t *)mem + 2 * n * n;
	for (uint32_t pass = 0; pass < p->passes; pass++)
		for (uint64_t ii = 0; ii < n; ii += BLOCK)
			for (uint64_t kk = 0; kk < n; kk += BLOCK)
				for (uint64_t jj = 0; jj < n; jj += BLOCK)
					for (uint64_t i = ii; i < ii + BLOCK; i++)
						for (uint64_t k = kk; k < kk + BLOCK; k++) {
							uint32_t aik = a[i * n + k];
							for (uint64_t j = jj; j < jj + BLOCK; j++)
								c[i * n + j] += aik * b[k * n + j];
						}
	for (uint64_t i = 0; i < n * n; i++)
		sum += c[i];
	return sum;
}

const struct workload wl_matmul = {"matmul", prepare, wl_matmul_run};
