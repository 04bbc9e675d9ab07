# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by scripts/demo.sh, scripts/test.sh and the benchmarks. Source it.
#
# - msice_ensure_packages PKG...: installs missing Debian packages (apt-get as
#   root, through sudo otherwise). Quick when everything is present.
# - msice_build: configures and builds ./build (the plugin and unit tests).
# - msice_tshark ARGS...: runs tshark with the plugin just built, from a
#   private temporary HOME, with default preferences, the way
#   scripts/tshark-sandbox.sh defines (as nobody when run as root, capture
#   files given with -r copied where nobody can read them).
set -euo pipefail

MSICE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MSICE_BUILD=${MSICE_BUILD:-$MSICE_ROOT/build}

msice_log() { printf '== %s\n' "$*" >&2; }

msice_as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

msice_ensure_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    msice_log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # tshark asks whether non-root users may capture; answer for it.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | msice_as_root debconf-set-selections
    msice_as_root apt-get update -qq
    msice_as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

MSICE_BUILD_PACKAGES=(build-essential cmake pkg-config libglib2.0-dev libwireshark-dev tshark file dpkg-dev)

msice_build() {
    msice_ensure_packages "${MSICE_BUILD_PACKAGES[@]}"
    if [ ! -f "$MSICE_BUILD/CMakeCache.txt" ]; then
        cmake -S "$MSICE_ROOT" -B "$MSICE_BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    fi
    cmake --build "$MSICE_BUILD" -j"$(nproc)" >/dev/null
}

# The private HOME with the fresh plugin, made once per shell (sets MSICE_HOME;
# call it directly, not in $(...), so that the EXIT trap belongs to this shell).
# What it holds and how tshark runs there: scripts/tshark-sandbox.sh.
msice_home() {
    if [ -z "${MSICE_HOME:-}" ]; then
        MSICE_HOME=$(mktemp -d /tmp/msice-home.XXXXXX)
        trap 'rm -rf "$MSICE_HOME"' EXIT
    fi
    MSICE_BUILD=$MSICE_BUILD bash "$MSICE_ROOT/scripts/tshark-sandbox.sh" setup "$MSICE_HOME"
}

msice_tshark() {
    local home cmd=() args=() a next_is_file=0
    msice_home
    home=$MSICE_HOME
    # MSICE_STOCK=1: the same, from a HOME without the plugin (stock tshark).
    if [ -n "${MSICE_STOCK:-}" ]; then
        home=$home/stock
    fi
    mapfile -t cmd < <(bash "$MSICE_ROOT/scripts/tshark-sandbox.sh" argv "$home")
    for a in "$@"; do
        if [ $next_is_file -eq 1 ] && [ -f "$a" ]; then
            a=$(bash "$MSICE_ROOT/scripts/tshark-sandbox.sh" capture "$MSICE_HOME" "$a")
        fi
        next_is_file=0
        [ "$a" = "-r" ] && next_is_file=1
        args+=("$a")
    done
    if [ "$(id -u)" -eq 0 ]; then
        (cd "$home" && "${cmd[@]}" "${args[@]}")   # nobody may not read the caller's folder
    else
        "${cmd[@]}" "${args[@]}"
    fi
}
