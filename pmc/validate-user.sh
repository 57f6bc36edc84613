#!/bin/sh
# Host-side validation of the vPMU model against cachegrind, without a
# guest kernel: every workload runs once under valgrind's cachegrind and once
# under qemu-x86_64 (linux-user) with the vPMU plugin, where the driver
# delimits the region through the plugin's control page exactly as the
# kernel will. Prints L1D and LLC misses side by side with the relative
# difference; exits 1 if any differs by more than LIMIT percent (default 1).
#
#   pmc/validate-user.sh BUILD_DIR [L1D LLC BYTES PASSES LIMIT]
#
# In linux-user mode the plugin indexes by virtual address (no physical
# addresses exist there); the in-guest validation covers physical indexing.
set -eu
build=$1
l1d=${2:-32K:8:64} llc=${3:-1M:16:64} bytes=${4:-2097152} passes=${5:-2} limit=${6:-1}
driver=$build/pmc-workload plugin=$build/vpmu.so
here=$(dirname "$0")
command -v qemu-x86_64 >/dev/null || { echo "validate-user: needs qemu-x86_64 (Debian package qemu-user)" >&2; exit 1; }
shm=/dev/shm/questv-vpmu-validate-$$
trap 'rm -f "$shm"' EXIT

field() { echo "$1" | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"; }
# Relative difference in percent of B from reference A, two decimals.
rel() { awk -v a="$1" -v b="$2" 'BEGIN { d = b - a; if (d < 0) d = -d; printf "%.2f", a ? 100 * d / a : (b ? 100 : 0) }'; }

echo "geometry: L1D $l1d, LLC $llc; buffer $bytes bytes, $passes passes; limit $limit%"
printf '%-14s %12s %12s %7s %12s %12s %7s\n' workload cg_l1d vpmu_l1d diff% cg_llc vpmu_llc diff%
bad=0
for w in seq_walk stride_walk pointer_chase matmul hash_probe; do
	stride=64
	[ "$w" = stride_walk ] && stride=256
	cg=$(timeout 600 "$here/cachegrind.sh" --l1d "$l1d" --llc "$llc" "$driver" "$w" "$bytes" "$passes" "$stride")
	vp=$(timeout 600 qemu-x86_64 -plugin "$plugin,l1d=$l1d,llc=$llc,shm=$shm" "$driver" "$w" "$bytes" "$passes" "$stride" --vpmu "$shm")
	c1=$(field "$cg" l1d_misses) cl=$(field "$cg" llc_misses)
	v1=$(field "$vp" L1D_MISSES) vl=$(field "$vp" LLC_MISSES)
	r1=$(rel "$c1" "$v1") rl=$(rel "$cl" "$vl")
	printf '%-14s %12s %12s %7s %12s %12s %7s\n' "$w" "$c1" "$v1" "$r1" "$cl" "$vl" "$rl"
	awk -v a="$r1" -v b="$rl" -v l="$limit" 'BEGIN { exit !(a > l || b > l) }' && bad=1
done
[ $bad -eq 0 ] && echo "validate-user: all within $limit%" || { echo "validate-user: some workload differs by more than $limit%"; exit 1; }
