/* Fake CPU for host tests of the hardware PMC backends: see fake_msr.h. */
#include "pmc/fake_msr.h"

void fake_reset(struct fake_cpu *f)
{
	*f = (struct fake_cpu){.n_cpuid = 0};
}

void fake_cpuid(struct fake_cpu *f, uint32_t leaf, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	f->cpuid[f->n_cpuid].leaf = leaf;
	f->cpuid[f->n_cpuid].sub = 0;
	f->cpuid[f->n_cpuid].r[0] = a, f->cpuid[f->n_cpuid].r[1] = b;
	f->cpuid[f->n_cpuid].r[2] = c, f->cpuid[f->n_cpuid].r[3] = d;
	f->n_cpuid++;
}

static uint32_t word(const char *s)
{
	return (uint32_t)(uint8_t)s[0] | (uint32_t)(uint8_t)s[1] << 8 | (uint32_t)(uint8_t)s[2] << 16 |
	       (uint32_t)(uint8_t)s[3] << 24;
}

void fake_vendor(struct fake_cpu *f, const char *vendor, uint32_t max)
{
	fake_cpuid(f, 0, max, word(vendor), word(vendor + 8), word(vendor + 4));
}

void fake_msr_add(struct fake_cpu *f, uint32_t msr, uint64_t val)
{
	f->msr[f->n_msr].msr = msr;
	f->msr[f->n_msr].val = val;
	f->n_msr++;
}

static int find(const struct fake_cpu *f, uint32_t msr)
{
	for (unsigned i = 0; i < f->n_msr; i++)
		if (f->msr[i].msr == msr)
			return (int)i;
	return -1;
}

uint64_t fake_msr(const struct fake_cpu *f, uint32_t msr)
{
	int i = find(f, msr);
	return i < 0 ? 0 : f->msr[i].val;
}

static int fake_rdmsr(void *ctx, uint32_t msr, uint64_t *val)
{
	struct fake_cpu *f = ctx;
	int i = find(f, msr);
	if (i < 0) {
		*val = 0;
		return f->fault_absent ? -1 : 0;
	}
	*val = f->msr[i].val;
	return 0;
}

static int fake_wrmsr(void *ctx, uint32_t msr, uint64_t val)
{
	struct fake_cpu *f = ctx;
	int i = find(f, msr);
	if (f->n_log < FAKE_MAX_LOG) {
		f->log[f->n_log].msr = msr;
		f->log[f->n_log].val = val;
		f->n_log++;
	}
	if (i < 0)
		return f->fault_absent ? -1 : 0;
	f->msr[i].val = val;
	return 0;
}

static void fake_cpuid_op(void *ctx, uint32_t leaf, uint32_t sub, uint32_t regs[4])
{
	struct fake_cpu *f = ctx;
	(void)sub;
	regs[0] = regs[1] = regs[2] = regs[3] = 0;
	for (unsigned i = 0; i < f->n_cpuid; i++)
		if (f->cpuid[i].leaf == leaf)
			for (int r = 0; r < 4; r++)
				regs[r] = f->cpuid[i].r[r];
}

static uint64_t fake_rdpmc(void *ctx, uint32_t index)
{
	struct fake_cpu *f = ctx;
	switch (f->rdpmc) {
	case FAKE_RDPMC_INTEL:
		if (index & (1u << 30))
			return fake_msr(f, 0x309 + (index & 0xff));
		return fake_msr(f, 0xc1 + index);
	case FAKE_RDPMC_AMD_LEGACY:
		return fake_msr(f, 0xc0010004u + index);
	case FAKE_RDPMC_AMD_EXT:
		return fake_msr(f, 0xc0010201u + 2 * index);
	}
	return 0;
}

const struct pmc_msr_ops fake_msr_ops = {
	.rdmsr = fake_rdmsr,
	.wrmsr = fake_wrmsr,
	.cpuid = fake_cpuid_op,
	.rdpmc = fake_rdpmc,
};
