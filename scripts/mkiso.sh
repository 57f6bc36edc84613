#!/bin/sh
# Build a GRUB 2 ISO.
#   mkiso.sh CONFIG OUT.iso   monitor + sandbox kernel + system config
#   mkiso.sh --native OUT.iso the sandbox kernel alone (no-virtualization baseline)
# Binaries come from $BUILD (default build/).
set -eu
BUILD=${BUILD:-build}
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/boot/grub"
if [ "$1" = "--native" ]; then
	out=$2
	cp "$BUILD/kernel.elf" "$tree/boot/kernel.elf"
	cat > "$tree/boot/grub/grub.cfg" <<'CFG'
set timeout=0
menuentry "Quest-V sandbox kernel (native)" {
	multiboot2 /boot/kernel.elf
	boot
}
CFG
else
	config=$1 out=$2
	[ -f "$config" ] || { echo "mkiso: no such config: $config" >&2; exit 1; }
	cp "$BUILD/monitor.elf" "$tree/boot/monitor.elf"
	cp "$BUILD/kernel.elf" "$tree/boot/kernel.elf"
	cp "$config" "$tree/boot/system.conf"
	cat > "$tree/boot/grub/grub.cfg" <<'CFG'
set timeout=0
menuentry "Quest-V" {
	multiboot2 /boot/monitor.elf
	module2 /boot/kernel.elf kernel
	module2 /boot/system.conf config
	boot
}
CFG
fi
mkdir -p "$(dirname "$out")"
grub-mkrescue -o "$out" "$tree" >/dev/null 2>&1 || {
	grub-mkrescue -o "$out" "$tree"; exit 1; }
