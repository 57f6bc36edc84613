/*
 * Exception fixups: an instruction that may fault on purpose (the isolation
 * probe) is listed with a place to continue at; the trap handler resumes
 * there instead of treating the fault as fatal.
 */
#ifndef QUESTV_EXTABLE_H
#define QUESTV_EXTABLE_H
#include <stdbool.h>
#include <stdint.h>

/* Instruction at 1: may fault; the fixup at 3: sets the flag (operand
 * [faulted], a bool in memory) and resumes at 2:. */
#define FAULTABLE(insn)                                  \
	"1: " insn "\n"                                  \
	"2:\n"                                           \
	".pushsection .extable, \"a\"\n"                 \
	".quad 1b, 3f\n"                                 \
	".popsection\n"                                  \
	".pushsection .text.fixup, \"ax\"\n"             \
	"3: movb $1, %[faulted]\n"                       \
	"jmp 2b\n"                                       \
	".popsection\n"

/* The fixup for a faulting rip, or 0. */
uint64_t extable_fixup(uint64_t rip);

/* Each returns true if the access faulted (and so did not happen). */
bool safe_read64(uint64_t addr, uint64_t *val);
bool safe_write64(uint64_t addr, uint64_t val);
bool safe_inb(uint16_t port, uint8_t *val);
bool safe_outb(uint16_t port, uint8_t val);
bool safe_rdmsr(uint32_t msr, uint64_t *val);
bool safe_wrmsr(uint32_t msr, uint64_t val);
#endif
