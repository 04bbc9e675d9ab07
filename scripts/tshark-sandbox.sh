#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The one definition of how this project runs tshark with the plugin just
# built. scripts/lib.sh (demo, benchmarks) and tests/conftest.py both use it.
#
#   tshark-sandbox.sh setup HOME         makes HOME a private Wireshark home: the plugin
#                                        from $MSICE_BUILD (default ./build) in its personal
#                                        plugin folder, HOME/caps for captures, and
#                                        HOME/stock, a home without the plugin
#   tshark-sandbox.sh argv HOME          prints the command that runs tshark in HOME, one
#                                        word a line (append tshark's arguments; run it from
#                                        HOME); use HOME/stock for stock tshark
#   tshark-sandbox.sh capture HOME FILE  prints a path to FILE that this tshark can read
#
# Wireshark ignores the personal plugin folder when it runs as root, so as
# root tshark runs as nobody (setpriv) and capture files are copied into
# HOME/caps (every time: tests rewrite captures in place), under a name made
# from their whole path. The environment is emptied but for PATH, HOME, LANG
# and XDG_CONFIG_HOME: default preferences, no WIRESHARK_* variables.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${MSICE_BUILD:-$root/build}

am_root() { [ "$(id -u)" -eq 0 ]; }

setup() {
    local home=$1 wsver plugdir
    wsver=$(pkg-config --modversion wireshark | cut -d. -f1,2)
    plugdir="$home/.local/lib/wireshark/plugins/$wsver/epan"
    [ -f "$build/msice.so" ] || { echo "$build/msice.so not built" >&2; exit 1; }
    mkdir -p "$plugdir" "$home/caps" "$home/stock"
    cp "$build/msice.so" "$plugdir/msice.so"
    chmod -R a+rX "$home"
    chmod 755 "$home" "$home/stock"
}

argv() {
    local home=$1
    if am_root; then
        printf '%s\n' setpriv --reuid=65534 --regid=65534 --clear-groups
    fi
    printf '%s\n' env -i PATH=/usr/bin:/bin "HOME=$home" LANG=C.UTF-8 "XDG_CONFIG_HOME=$home/.config" tshark
}

capture() {
    local home=$1 file
    file=$(realpath "$2")
    if ! am_root || [ "$(dirname "$file")" = "$home/caps" ]; then
        echo "$file"
        return
    fi
    local dest
    dest="$home/caps/$(printf '%s' "$file" | sha1sum | cut -c1-12)-$(basename "$file")"
    cp "$file" "$dest"
    chmod 644 "$dest"
    echo "$dest"
}

case ${1:-} in
    setup)   setup "$2" ;;
    argv)    argv "$2" ;;
    capture) capture "$2" "$3" ;;
    *)       sed -n '3,20p' "$0" >&2; exit 2 ;;
esac
