/*
 * The multiboot2 information block's tag list (multiboot2 specification,
 * section 3.6), walked the same way by the monitor and by a sandbox kernel
 * GRUB booted directly.
 */
#ifndef QUESTV_LIB_MULTIBOOT2_H
#define QUESTV_LIB_MULTIBOOT2_H
#include <stdint.h>

#define MB2_BOOT_MAGIC 0x36d76289u
#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_MODULE 3
#define MB2_TAG_MEMINFO 4
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_V1 14   /* a copy of the RSDP, ACPI 1.0 */
#define MB2_TAG_ACPI_V2 15   /* a copy of the RSDP, ACPI 2.0+ */

struct mb2_tag { uint32_t type, size; };

/*
 * The tag after t in the block at info (the first when t is 0), the end
 * tag included; 0 when t was the end tag or the next tag is malformed (too
 * small, or running past the block's total size).
 */
const struct mb2_tag *mb2_next(uint64_t info, const struct mb2_tag *t);

/* The first tag of type, or 0. */
const struct mb2_tag *mb2_find(uint64_t info, uint32_t type);
#endif
