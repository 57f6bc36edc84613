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

# Messages go to stderr: callers capture stdout of download_source as a path.
say() { echo "third-party: $*" >&2; }
die() { echo "third-party: $*" >&2; exit 1; }

# Where this apt keeps its sources: asked of apt itself, so APT_CONFIG (a test's
# private tree, a chroot's) is honoured like everywhere else in apt.
eval "$(apt-config shell SRCLIST Dir::Etc::sourcelist/f SRCPARTS Dir::Etc::sourceparts/d \
	LISTS Dir::State::lists/d)"
SRCPARTS=${SRCPARTS%/} LISTS=${LISTS%/}
DEBSRC_LIST="$SRCPARTS/questv-deb-src.sources"

# apt-get source needs a deb-src entry and its index. Debian 12 images carry
# only "Types: deb" stanzas in debian.sources (older ones "deb ..." lines in
# sources.list), so we add deb-src twins of them (same mirror, same suites, same
# keyring) once. The index is fetched whenever none is there, which also covers
# a run interrupted between writing the entry and apt-get update.
ensure_deb_src() {
	if ! grep -rqsE '^[[:space:]]*(Types:.*deb-src|deb-src[[:space:]])' "$SRCLIST" "$SRCPARTS"/; then
		need_root "no deb-src entry in apt sources"
		add_deb_src
	fi
	if ! ls "$LISTS"/*_Sources* >/dev/null 2>&1; then
		need_root "no source index in $LISTS"
		say "fetching the source index (apt-get update)"
		apt-get update -q >/dev/null || die "apt-get update failed"
	fi
}

need_root() {
	[ "$(id -u)" = 0 ] || die "$1; run as root once (or add a deb-src entry and apt-get update)"
}

add_deb_src() {
	twins=$(mktemp)
	for f in "$SRCPARTS"/*.sources; do
		[ -r "$f" ] && sed 's/^Types:.*/Types: deb-src/' "$f" >>"$twins" && echo >>"$twins"
	done
	for f in "$SRCLIST" "$SRCPARTS"/*.list; do
		[ -r "$f" ] || continue
		# "deb [opts] URI suite comps" -> a deb822 stanza of the same source
		# (options dropped: apt's trusted keyrings then verify it).
		sed -n 's/^[[:space:]]*deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]*\)\{0,1\}\([^[:space:]]\{1,\}\)[[:space:]]\{1,\}\([^[:space:]]\{1,\}\)[[:space:]]\{1,\}\(.*\)$/Types: deb-src\nURIs: \2\nSuites: \3\nComponents: \4\n/p' "$f" >>"$twins"
	done
	if ! grep -q '^URIs:' "$twins"; then
		rm -f "$twins"
		die "no deb entry in $SRCLIST or $SRCPARTS to mirror; add a deb-src entry by hand"
	fi
	say "adding deb-src entries ($DEBSRC_LIST)"
	chmod 644 "$twins"
	mv "$twins" "$DEBSRC_LIST"
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
# Scratch directories of a run that was interrupted mid-download.
rm -rf "$TP"/.download.*
for s in $SOURCES; do
	"fetch_$s"
done
