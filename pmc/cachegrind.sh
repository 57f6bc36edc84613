#!/bin/sh
# Run one validation workload on the host under valgrind's cachegrind with
# a given cache geometry and print its measured-region L1D and LL data
# misses as one JSON line:
#
#   pmc/cachegrind.sh [--l1d SIZE:WAYS:LINE] [--llc SIZE:WAYS:LINE] DRIVER NAME BYTES PASSES [STRIDE]
#
# DRIVER is build/pmc-workload. Geometry uses the vPMU plugin's syntax
# (defaults are the plugin's: 32K:8:64 and 8M:16:64). The region is the
# workload's wl_<name>_run function: cachegrind 3.19 cannot start and stop
# counting, but attributes every count to a function.
set -eu
l1d=32K:8:64 llc=8M:16:64
while [ $# -gt 0 ]; do
	case $1 in
	--l1d) l1d=$2; shift 2 ;;
	--llc) llc=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -ge 4 ] || { echo "usage: $0 [--l1d G] [--llc G] DRIVER NAME BYTES PASSES [STRIDE]" >&2; exit 2; }
driver=$1 name=$2

# "32K:8:64" -> "32768,8,64" as valgrind wants it.
geom() {
	echo "$1" | awk -F: '{ s = $1; m = 1
		if (s ~ /[kK]$/) m = 1024; else if (s ~ /[mM]$/) m = 1048576; else if (s ~ /[gG]$/) m = 1073741824
		sub(/[kKmMgG]$/, "", s); printf "%d,%d,%d", s * m, $2, $3 }'
}
out=$(mktemp /tmp/cachegrind.XXXXXX)
trap 'rm -f "$out"' EXIT
shift
valgrind --tool=cachegrind --cache-sim=yes --I1=32768,8,64 --D1="$(geom "$l1d")" --LL="$(geom "$llc")" \
	--cachegrind-out-file="$out" "$driver" "$@" >/dev/null 2>"$out.log" ||
	{ cat "$out.log" >&2; rm -f "$out.log"; exit 1; }
rm -f "$out.log"
awk -v want="wl_${name}_run" -v name="$name" -v l1d="$l1d" -v llc="$llc" '
	/^events:/ { for (i = 2; i <= NF; i++) col[$i] = i - 1; next }
	/^fn=/ { infn = (substr($0, 4) == want); next }
	infn && /^[0-9]/ {
		dr += $(col["Dr"] + 1); dw += $(col["Dw"] + 1)
		d1 += $(col["D1mr"] + 1) + $(col["D1mw"] + 1)
		ll += $(col["DLmr"] + 1) + $(col["DLmw"] + 1)
		ir += $(col["Ir"] + 1)
	}
	END { printf "{\"workload\":\"%s\",\"l1d\":\"%s\",\"llc\":\"%s\",\"instructions\":%d,\"l1d_accesses\":%d,\"l1d_misses\":%d,\"llc_misses\":%d}\n",
		name, l1d, llc, ir, dr + dw, d1, ll }' "$out"
