/* ELF64 loader for the sandbox kernel (see elf_load.h). */
#include "monitor/elf_load.h"
#include "lib/string.h"

#define PT_LOAD 1
#define EM_X86_64 62
#define ET_EXEC 2

struct elf64_ehdr {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static int check(const struct elf64_ehdr *h, size_t len, uint64_t dst_size, const char **why)
{
	const struct elf64_phdr *ph;
	unsigned i;
	int entry_in_segment = 0;

	if (len < sizeof *h || memcmp(h->ident, "\177ELF", 4) || h->ident[4] != 2) {
		*why = "kernel image is not an ELF64 file";
		return -1;
	}
	if (h->machine != EM_X86_64 || h->type != ET_EXEC) {
		*why = "kernel image is not an x86-64 executable";
		return -1;
	}
	if (h->phentsize != sizeof *ph || h->phoff > len ||
	    (uint64_t)h->phnum * sizeof *ph > len - h->phoff) {
		*why = "kernel image program headers are truncated";
		return -1;
	}
	ph = (const void *)((const uint8_t *)h + h->phoff);
	for (i = 0; i < h->phnum; i++) {
		if (ph[i].type != PT_LOAD)
			continue;
		if (ph[i].filesz > ph[i].memsz || ph[i].offset > len || ph[i].filesz > len - ph[i].offset) {
			*why = "kernel image segment lies outside the file";
			return -1;
		}
		if (ph[i].paddr > dst_size || ph[i].memsz > dst_size - ph[i].paddr) {
			*why = "kernel image does not fit the sandbox memory";
			return -1;
		}
		if (h->entry >= ph[i].paddr && h->entry < ph[i].paddr + ph[i].memsz)
			entry_in_segment = 1;
	}
	if (!entry_in_segment || h->entry > 0xFFFFFFFFull) {
		*why = "kernel image entry point is outside its segments";
		return -1;
	}
	return 0;
}

int elf_load(const void *image, size_t len, uint8_t *dst, uint64_t dst_size,
	     uint64_t *entry, const char **why)
{
	const struct elf64_ehdr *h = image;
	const struct elf64_phdr *ph;
	unsigned i;

	if (check(h, len, dst_size, why))
		return -1;
	ph = (const void *)((const uint8_t *)image + h->phoff);
	for (i = 0; i < h->phnum; i++) {
		if (ph[i].type != PT_LOAD)
			continue;
		memcpy(dst + ph[i].paddr, (const uint8_t *)image + ph[i].offset, ph[i].filesz);
		memset(dst + ph[i].paddr + ph[i].filesz, 0, ph[i].memsz - ph[i].filesz);
	}
	*entry = h->entry;
	return 0;
}
