/*
 * The MSRs a sandbox may touch: an allowlist, everything else is denied
 * (intercepted, then #GP and a violation record, like an MSR the CPU does
 * not have). Portable C: the host unit tests check the tables and the two
 * bitmap layouts built from them.
 */
#ifndef QUESTV_MSR_POLICY_H
#define QUESTV_MSR_POLICY_H
#include <stdbool.h>
#include <stdint.h>

struct msr_rule {
	uint32_t first, last;       /* inclusive */
	bool read, write;           /* what the sandbox may do */
};

extern const struct msr_rule msr_allowed[];
extern const unsigned msr_allowed_count;

/* May a sandbox read (write) msr? pat_switched: the CPU gives the guest its
 * own PAT (SVM with NPT; VMX with the PAT entry/exit controls), so a PAT
 * write stays the sandbox's. */
bool msr_allowed_access(uint32_t msr, bool write, bool pat_switched);

#define MSR_IA32_PAT_NUM 0x277u
#define MSRPM_BYTES      (2 * 4096)  /* SVM: three 2 KiB blocks, two bits per MSR */
#define MSR_BITMAP_BYTES 4096        /* VMX: read low/high, write low/high */

/* Fill SVM's MSR permission map / VMX's MSR bitmap: intercept all but the
 * allowlist (MSRs outside their ranges always exit on both). */
void msr_build_msrpm(uint8_t msrpm[MSRPM_BYTES], bool pat_switched);
void msr_build_vmx_bitmap(uint8_t bm[MSR_BITMAP_BYTES], bool pat_switched);
#endif
