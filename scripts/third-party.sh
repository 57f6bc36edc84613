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

# Messages go to stderr: callers capture stdout of download_source as a path.
say() { echo "third-party: $*" >&2; }
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
	say "downloading Debian source $src=$version"
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

# lwIP 2.1.3 sources for our own port (kernel/net/): the Debian binary package
# is a Linux library, unusable in a freestanding kernel. We keep the upstream
# tree of the orig tarball, and only what kernel/net/net.mk builds: the core
# with IPv4 (src/core, src/core/ipv4), the Ethernet layer (src/netif/ethernet.c),
# the headers (src/include) and the licence; ~2.5 MB instead of ~8 MB.
#
# Debian's patches (2.1.3+dfsg1-2) touch the socket API, the tcpip thread, PPP
# and Debian's own POSIX port; of the files we keep they only add socket and
# tcpip-thread options that compile away with NO_SYS=1 and no sockets. We check
# that this still holds: a patch to any other kept file (a security fix in
# tcp_in.c, say) stops the fetch so that someone applies it deliberately.
LWIP_UPSTREAM=2.1.3
LWIP_PATCHED_OK="src/core/init.c src/include/lwip/inet.h src/include/lwip/opt.h
src/include/lwip/sockets.h src/include/lwip/tcpip.h src/include/lwip/priv/sockets_priv.h
src/include/lwip/priv/tcpip_priv.h"
LWIP_KEEP="src/core src/include src/netif/ethernet.c COPYING"

fetch_lwip() {
	dest="$TP/lwip"
	[ -f "$dest/VERSION" ] && return 0
	ensure_deb_src
	# The newest Debian revision of upstream $LWIP_UPSTREAM that apt knows.
	version=$(apt-cache showsrc lwip 2>/dev/null | sed -n 's/^Version: //p' |
		grep "^$LWIP_UPSTREAM[+-]" | sort -V | tail -n 1)
	[ -n "$version" ] || die "no Debian source of lwip $LWIP_UPSTREAM (apt-cache showsrc lwip)"
	scratch=$(download_source lwip "$version")
	orig=$(ls "$scratch"/lwip_*.orig.tar.* 2>/dev/null | head -n 1)
	if [ -z "$orig" ]; then
		rm -rf "$scratch"
		die "no lwip orig tarball in the downloaded source package"
	fi
	for f in $(tar -xOf "$scratch"/lwip_*.debian.tar.* --wildcards 'debian/patches/*' |
		sed -n 's#^+++ b/##p' | sed 's/[[:space:]].*//' | sort -u); do
		case " $(echo $LWIP_PATCHED_OK) " in *" $f "*) continue ;; esac
		for k in $LWIP_KEEP; do
			case "$f" in "$k"|"$k"/*)
				rm -rf "$scratch"
				die "a Debian patch of lwip $version modifies $f, which we build: review and apply it" ;;
			esac
		done
	done
	members=""
	for k in $LWIP_KEEP; do members="$members lwip-$LWIP_UPSTREAM/$k"; done
	# shellcheck disable=SC2086  # members is a list
	if ! tar -xf "$orig" -C "$scratch" --exclude='*/src/core/ipv6' $members; then
		rm -rf "$scratch"
		die "$orig lacks part of: $LWIP_KEEP"
	fi
	# Move into place whole, VERSION last: an interrupted run leaves no
	# VERSION, so the next run starts over instead of building a half tree.
	rm -rf "$dest"
	mv "$scratch/lwip-$LWIP_UPSTREAM" "$dest"
	echo "lwip $version (upstream sources, Debian patches not applied: see scripts/third-party.sh)" >"$dest/VERSION"
	rm -rf "$scratch"
	say "lwIP sources from lwip $version -> third_party/lwip/"
}

SOURCES="qemu lwip"

mkdir -p "$TP"
for s in $SOURCES; do
	"fetch_$s"
done
