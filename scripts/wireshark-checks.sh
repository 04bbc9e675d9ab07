#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Wireshark's own source checks, from the source of the installed Wireshark,
# over this plugin's files.
#
#   scripts/wireshark-checks.sh [CHECK...]      CHECK: apis apis-core hf filtername (default: all)
#   scripts/wireshark-checks.sh fetch           only steps 1 and 2
#
# Wireshark's scripts are not part of this repository (they are Wireshark's
# code); they are fetched at run time:
# 1. The installed version is read from dpkg (libwireshark-data, else
#    wireshark-common, tshark, libwireshark-dev); MSICE_WS_DEB_VERSION
#    overrides it.
# 2. Debian's source description wireshark_<version>.dsc is downloaded from
#    the pool (pool/main/w/wireshark/ on deb.debian.org's debian, then
#    debian-security; MSICE_DEBIAN_MIRRORS replaces the list), the upstream
#    tarball it names is downloaded and its SHA-256 checked against the .dsc,
#    and only tools/checkAPIs.pl, tools/checkhf.pl and tools/checkfiltername.pl
#    are kept, in /var/cache/msice/wireshark-tools/<version>/ (or
#    ~/.cache/msice/wireshark-tools/<version>/ when that is not writable;
#    MSICE_WS_TOOLS_CACHE replaces both). Later runs use the cache.
# 3. The checks run the way Wireshark runs them on its own code:
#    apis        checkAPIs.pl over the epan layer (plugin/*.c, plugin/*.h) as
#                an in-tree plugin's checkAPI target does (plugins/epan/*/
#                CMakeLists.txt: --group dissectors-prohibited --group
#                dissectors-restricted), then once per file as tools/pre-commit
#                does (-p, which adds the abort and terminal-output groups to
#                packet-*.c files);
#    apis-core   the same over the pure core (plugin/core/*.c, *.h), which is
#                linked into msice.so and so is dissector code too;
#    hf          checkhf.pl per file (tools/pre-commit): hf_/ei_ ids declared
#                but not registered ("NO ARRAY") or never used;
#    filtername  checkfiltername.pl over plugin/*.c (tools/pre-commit): field
#                and expert names must start with the protocol's filter name;
#                the script only looks at packet-PROTO.c files.
#    A finding is any line a check prints, warnings included, or a non-zero
#    exit. The checks print their findings as they come.
#
# Exit status: 0 no finding, 1 findings, 77 skipped (the source could not be
# fetched: no network, or that version is no longer in Debian's pool; the
# reason is the last line on stderr), 2 an error (e.g. a checksum mismatch).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { printf 'wireshark-checks: %s\n' "$*" >&2; }
skip() { say "SKIP: $*"; exit 77; }
die() { say "ERROR: $*"; exit 2; }
tools=(checkAPIs.pl checkhf.pl checkfiltername.pl)

# ---- 1. the installed version
version=${MSICE_WS_DEB_VERSION:-}
if [ -z "$version" ]; then
    for p in libwireshark-data wireshark-common tshark libwireshark-dev; do
        version=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || true)
        [ -n "$version" ] && break
    done
fi
[ -n "$version" ] || skip "no Wireshark package installed (dpkg knows none of libwireshark-data, wireshark-common, tshark)"
noepoch=${version#*:}                  # pool file names carry no epoch
case $noepoch in *[!A-Za-z0-9.+~-]*) die "unexpected version string '$version'" ;; esac

# ---- 2. the cached tools, else fetch them
cache_root=${MSICE_WS_TOOLS_CACHE:-}
if [ -z "$cache_root" ]; then
    cache_root=/var/cache/msice/wireshark-tools
    if ! mkdir -p "$cache_root" 2>/dev/null || [ ! -w "$cache_root" ]; then
        cache_root=${XDG_CACHE_HOME:-$HOME/.cache}/msice/wireshark-tools
    fi
fi
cache=$cache_root/$noepoch

have_tools() {
    local t
    for t in "${tools[@]}"; do [ -s "$cache/tools/$t" ] || return 1; done
    [ -s "$cache/SOURCE" ]
}

fetch() {
    command -v curl >/dev/null || skip "curl is not installed: cannot fetch Wireshark $version's source"
    local mirrors=${MSICE_DEBIAN_MIRRORS:-"http://deb.debian.org/debian/pool/main http://deb.debian.org/debian-security/pool/updates/main"}
    local tmp dsc=wireshark_$noepoch.dsc base="" m
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/msice-wstools.XXXXXX")
    # shellcheck disable=SC2064   # expand now: tmp is local
    trap "rm -rf '$tmp'" RETURN
    for m in $mirrors; do
        if curl -fsSL --retry 2 -m 60 -o "$tmp/$dsc" "$m/w/wireshark/$dsc" 2>"$tmp/curl.err"; then
            base=$m/w/wireshark
            break
        fi
    done
    [ -n "$base" ] || skip "cannot download $dsc from $mirrors: $(tail -n 1 "$tmp/curl.err")"
    # The upstream tarball's line in the Checksums-Sha256 field: " <sha256> <size> <name>"
    local line sum size orig
    line=$(awk '/^Checksums-Sha256:/ {f = 1; next} /^[^ ]/ {f = 0} f && $3 ~ /\.orig\.tar\./ {print; exit}' "$tmp/$dsc")
    read -r sum size orig <<<"$line" || true
    [[ ${sum:-} =~ ^[0-9a-f]{64}$ && ${orig:-} =~ ^wireshark_[A-Za-z0-9.+~]+\.orig\.tar\.[a-z0-9]+$ ]] ||
        die "$dsc names no upstream tarball in its Checksums-Sha256 field"
    say "downloading $orig ($((size / 1048576)) MiB) from $base"
    curl -fsSL --retry 2 -m 900 -o "$tmp/$orig" "$base/$orig" 2>"$tmp/curl.err" ||
        skip "cannot download $base/$orig: $(tail -n 1 "$tmp/curl.err")"
    local got
    got=$(sha256sum "$tmp/$orig" | cut -d' ' -f1)
    [ "$got" = "$sum" ] || die "$orig: SHA-256 $got, but $dsc says $sum"
    # Only the three scripts (they need nothing else from the tree but Perl).
    mkdir -p "$tmp/x"
    tar -xf "$tmp/$orig" -C "$tmp/x" --wildcards --no-anchored "${tools[@]/#/tools/}" ||
        die "$orig holds no tools/{${tools[*]}}"
    mkdir -p "$tmp/new/tools"
    local t f
    for t in "${tools[@]}"; do
        f=$(find "$tmp/x" -path "*/tools/$t" -type f | head -n 1)
        [ -n "$f" ] || die "$orig holds no tools/$t"
        cp "$f" "$tmp/new/tools/$t"
    done
    printf 'Wireshark %s tools/%s from %s/%s (SHA-256 %s, as %s says)\n' \
        "$version" "${tools[*]}" "$base" "$orig" "$sum" "$dsc" >"$tmp/new/SOURCE"
    mkdir -p "$cache_root"
    rm -rf "$cache"
    mv "$tmp/new" "$cache"
}

have_tools || fetch
say "$(cat "$cache/SOURCE")"
for m in Getopt::Long Text::Balanced Encode English; do
    perl -M"$m" -e 1 2>/dev/null || die "Perl module $m is missing (Debian: apt-get install perl)"
done
[ "${1:-}" != fetch ] || exit 0

# ---- 3. the checks
cd "$root"
shopt -s nullglob
epan=(plugin/*.c plugin/*.h)
core=(plugin/core/*.c plugin/core/*.h)
[ ${#epan[@]} -gt 0 ] && [ ${#core[@]} -gt 0 ] || die "no plugin sources under $root/plugin"
T=$cache/tools

findings=0
# run NAME CMD...: a check; every line it prints is a finding.
run() {
    local name=$1 out rc=0
    shift
    out=$(perl "$@" 2>&1) || rc=$?
    out=$(grep -v '^[[:space:]]*$' <<<"$out" || true)
    if [ -n "$out" ] || [ $rc -ne 0 ]; then
        printf '%s\n' "$out" | sed "s|^|$name: |"
        [ $rc -eq 0 ] || printf '%s: exit status %d\n' "$name" "$rc"
        findings=$((findings + $(grep -c . <<<"$out") + (rc != 0 && ${#out} == 0)))
    fi
}

check_apis() {
    local f
    run checkAPIs "$T/checkAPIs.pl" --group dissectors-prohibited --group dissectors-restricted "$@"
    for f in "$@"; do run "checkAPIs -p" "$T/checkAPIs.pl" -p "$f"; done
}

checks=("$@")
[ ${#checks[@]} -gt 0 ] || checks=(apis apis-core hf filtername)
for c in "${checks[@]}"; do
    case $c in
    apis) check_apis "${epan[@]}" ;;
    apis-core) check_apis "${core[@]}" ;;
    hf) for f in "${epan[@]}" "${core[@]}"; do run checkhf "$T/checkhf.pl" "$f"; done ;;
    filtername) run checkfiltername "$T/checkfiltername.pl" "${epan[@]}" ;;
    *) die "unknown check '$c' (apis, apis-core, hf, filtername)" ;;
    esac
done
say "${checks[*]}: $findings finding(s) (Wireshark $version)"
[ "$findings" -eq 0 ]
