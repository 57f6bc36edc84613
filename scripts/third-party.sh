#!/bin/sh
# Fetch third-party sources into third_party/ (git-ignored; never committed).
# Debian 12, as root for the first run. Idempotent: each source is skipped when
# what the build needs from it is already there, so re-runs cost a few stat()s.
#
# One function per source; add a source by writing fetch_<name> and listing it
# in SOURCES at the bottom.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TP="$ROOT/third_party"
DEBSRC_LIST=/etc/apt/sources.list.d/questv-deb-src.sources

say() { echo "third-party: $*"; }
die() { echo "third-party: $*" >&2; exit 1; }

# apt-get source needs a deb-src entry. Debian 12 images carry only "Types: deb"
# stanzas in debian.sources, so we add deb-src twins of them (same mirror, same
# suites, same keyring) once, and refresh the index.
ensure_deb_src() {
	if grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		return 0
	fi
	[ "$(id -u)" = 0 ] || die "no deb-src entry in apt sources; run as root once (or add one)"
	[ -r /etc/apt/sources.list.d/debian.sources ] ||
		die "no /etc/apt/sources.list.d/debian.sources to mirror; add a deb-src entry by hand"
	say "adding deb-src entries ($DEBSRC_LIST)"
	sed 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$DEBSRC_LIST"
	apt-get update -q >/dev/null || die "apt-get update failed"
}

# Download the source package SRC at exactly VERSION into a scratch directory
# (removed by the caller); prints the directory.
download_source() {
	src=$1 version=$2
	ensure_deb_src
	scratch=$(mktemp -d "$TP/.download.XXXXXX")
	# apt drops to the _apt user to download; it cannot reach a scratch dir
	# under a root-owned tree, so the download runs as root (APT::Sandbox::User).
	chmod 755 "$scratch"
	say "downloading Debian source $src=$version" >&2
	if ! (cd "$scratch" && apt-get source -q -o APT::Sandbox::User=root --download-only "$src=$version" >/dev/null); then
		rm -rf "$scratch"
		die "apt-get source --download-only $src=$version failed"
	fi
	echo "$scratch"
}

# QEMU's plugin API header, from the source package of the installed QEMU, so
# the plugin's API version matches the emulator that loads it. Only the header
# is kept: the rest of the tree is ~70 MB we never build.
fetch_qemu() {
	dest="$TP/qemu/qemu-plugin.h"
	[ -f "$dest" ] && return 0
	version=$(dpkg-query -W -f='${source:Version}' qemu-system-x86 2>/dev/null) ||
		die "qemu-system-x86 is not installed (scripts/deps.sh installs it)"
	scratch=$(download_source qemu "$version")
	orig=$(ls "$scratch"/qemu_*.orig.tar.* 2>/dev/null | head -n 1)
	if [ -z "$orig" ]; then
		rm -rf "$scratch"
		die "no qemu orig tarball in the downloaded source package"
	fi
	# We take the upstream header as is: refuse if a Debian patch changes it.
	if tar -xOf "$scratch"/qemu_*.debian.tar.* --wildcards 'debian/patches/*' |
		grep -q '^+++ .*include/qemu/qemu-plugin\.h'; then
		rm -rf "$scratch"
		die "a Debian patch modifies qemu-plugin.h; apply it before extracting"
	fi
	mkdir -p "$TP/qemu"
	if ! tar -xf "$orig" -C "$scratch" --wildcards '*/include/qemu/qemu-plugin.h'; then
		rm -rf "$scratch"
		die "include/qemu/qemu-plugin.h not found in $orig"
	fi
	# Write under a temporary name first: an interrupted run must not leave a
	# half header that the next run would take as done.
	cp "$scratch"/*/include/qemu/qemu-plugin.h "$dest.tmp"
	mv "$dest.tmp" "$dest"
	echo "qemu $version" >"$TP/qemu/VERSION"
	rm -rf "$scratch"
	say "qemu-plugin.h from qemu $version -> third_party/qemu/"
}

SOURCES="qemu"

mkdir -p "$TP"
for s in $SOURCES; do
	"fetch_$s"
done
