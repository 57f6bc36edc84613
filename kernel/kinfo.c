/* Boot information (see kinfo.h). */
#include "kernel/kinfo.h"
#include "lib/lapic.h"
#include "lib/multiboot2.h"
#include "lib/pic.h"
#include "lib/string.h"

#define NATIVE_CONSOLE 0x3F8
#define NATIVE_MEM_DEFAULT (32ull << 20)
#define NATIVE_MEM_LIMIT (512ull << 20)

struct kinfo kinfo;

/* Native boot: RAM size from the multiboot2 basic memory tag. */
static uint64_t native_mem(uint64_t info)
{
	const uint32_t *tag = (const uint32_t *)mb2_find(info, MB2_TAG_MEMINFO);
	uint64_t upper;
	if (!tag)
		return NATIVE_MEM_DEFAULT;
	upper = ((uint64_t)tag[3] << 10) + (1ull << 20);
	return upper < NATIVE_MEM_LIMIT ? upper : NATIVE_MEM_LIMIT;
}

/* Native boot: args from GRUB's command line ("multiboot2 /boot/kernel.elf ARGS"). */
static const char *native_args(uint64_t info)
{
	static char args[sizeof(((struct bootinfo *)0)->args)];
	const struct mb2_tag *tag = mb2_find(info, MB2_TAG_CMDLINE);
	const char *s;
	size_t i;
	if (!tag)
		return "";
	s = (const char *)(tag + 1);
	for (i = 0; i + 1 < sizeof args && i + 8 < tag->size && s[i]; i++)
		args[i] = s[i];
	args[i] = 0;
	return args;
}

void kinfo_discover(uint32_t magic, uint64_t info)
{
	if (magic == BOOTINFO_MAGIC) {
		const struct bootinfo *bi = (const void *)info;
		kinfo = (struct kinfo){ true, !strncmp(bi->virt, "vmx", 4), bi->sandbox,
					bi->nsandboxes, bi->mem_bytes, bi->tsc_hz, bi->lapic_hz,
					(uint16_t)bi->console, bi, bi->args };
		return;
	}
	kinfo = (struct kinfo){ false, false, 0, 1,
				magic == MB2_BOOT_MAGIC ? native_mem(info) : NATIVE_MEM_DEFAULT,
				0, 0, NATIVE_CONSOLE, 0,
				magic == MB2_BOOT_MAGIC ? native_args(info) : "" };
	pic_mask_all();
	pit_calibrate(&kinfo.tsc_hz, &kinfo.lapic_hz);
}
