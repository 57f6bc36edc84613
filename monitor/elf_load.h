/* Loading the sandbox kernel image (ELF64) into a sandbox's RAM. Portable. */
#ifndef QUESTV_ELF_LOAD_H
#define QUESTV_ELF_LOAD_H
#include <stddef.h>
#include <stdint.h>

/*
 * Copy the PT_LOAD segments of image (len bytes) to dst + p_paddr and zero
 * their BSS. dst is a view of guest-physical 0..dst_size. Everything is
 * checked before anything is written: a truncated, foreign or oversized
 * image returns -1 with *why and leaves dst untouched. *entry gets the
 * entry point, which must be a 32-bit address inside the image.
 */
int elf_load(const void *image, size_t len, uint8_t *dst, uint64_t dst_size,
	     uint64_t *entry, const char **why);
#endif
