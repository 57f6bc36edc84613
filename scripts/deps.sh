#!/bin/sh
# Install what the build, the runs and the tests need (Debian 12, as root):
# Debian packages, then third-party sources (scripts/third-party.sh).
# Quiet and quick when everything is already there.
set -eu
PKGS="gcc make binutils grub-pc-bin grub-common xorriso mtools qemu-system-x86
libcmocka-dev python3-pytest python3-pandas python3-yaml gnuplot-nox gdb
libpfm4-dev valgrind qemu-user bochs bochsbios vgabios httperf apache2-utils
slurm-wlm munge xz-utils bzip2 afl++"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	exec "$(dirname "$0")/third-party.sh"
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing (run as root, or apt-get install them)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || { echo "deps: apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086  # missing is a list
apt-get install -y -q --no-install-recommends $missing >/dev/null ||
	{ echo "deps: apt-get install failed for:$missing" >&2; exit 1; }
exec "$(dirname "$0")/third-party.sh"
