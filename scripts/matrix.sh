#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The test suite against the other supported Wireshark versions, each in a
# Debian chroot made with debootstrap:
#   4.4  Debian 13 (trixie)
#   4.6  Debian unstable (sid)
# Inside each: build the plugin from this tree, run the unit tests (CTest) and
# the tshark tests (pytest), then build the .deb (CPack) and check it in a
# clean chroot of the same release: `apt-get install ./the.deb` pulls in
# tshark, whose `tshark -G plugins` must list msice as a dissector from the
# system folder; removing the package must remove the plugin. The same .deb
# check runs for the host's Wireshark 4.0 (built in ./build) in a clean
# Debian 12 chroot. Needs root (debootstrap, chroot, mounts).
#
#   scripts/matrix.sh [4.0] [4.4] [4.6]     default: all three (4.0: the .deb check only;
#                                           scripts/test.sh tests 4.0 on the host)
#
# Chroots are cached in $MSICE_CHROOTS (default /var/cache/msice/chroots), so a
# second run only builds and tests. A leg whose chroot cannot be made (a
# suite that changes daily can fail to bootstrap) is reported as SKIPPED with
# the reason, loudly; 4.4 must always run (MSICE_MATRIX_REQUIRED, default
# "4.4"), so a 4.4 chroot that cannot be made fails the run.
#
# Prints one summary line per leg, and `matrix: N passed, N failed, N skipped`
# last (tests of all legs; a skipped leg counts its tests as skipped).
source "$(dirname "$0")/lib.sh"

MSICE_CHROOTS=${MSICE_CHROOTS:-/var/cache/msice/chroots}
MSICE_MIRROR=${MSICE_MIRROR:-http://deb.debian.org/debian}
MSICE_MATRIX_REQUIRED=${MSICE_MATRIX_REQUIRED:-4.4}
# What the chroots need: the build, tshark, the test tools.
CHROOT_PACKAGES=(build-essential cmake pkg-config libglib2.0-dev libwireshark-dev tshark
                 python3 python3-pytest python3-scapy python3-jsonschema valgrind util-linux file dpkg-dev
                 curl bzip2 xz-utils perl)

declare -A SUITE=([4.0]=bookworm [4.4]=trixie [4.6]=unstable)
legs=("$@")
[ ${#legs[@]} -gt 0 ] || legs=(4.0 4.4 4.6)

if [ "$(id -u)" -ne 0 ]; then
    exec sudo -E "$0" "$@"
fi
msice_ensure_packages debootstrap util-linux

in_chroot() {
    local root=$1
    shift
    chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        DEBIAN_FRONTEND=noninteractive "$@"
}

# The bare minbase system of one suite, kept clean: the .deb is checked in
# copies of it. Prints the reason and returns non-zero when it cannot.
make_base() {
    local suite=$1 base=$MSICE_CHROOTS/$1-base tmp=$MSICE_CHROOTS/$1-base.new
    [ -f "$base/.msice-ready" ] && return 0
    rm -rf "$tmp"
    mkdir -p "$MSICE_CHROOTS"
    msice_log "bootstrapping Debian $suite into $base (once; cached afterwards)"
    # minbase only: debootstrap's own resolver ignores Provides (seen on
    # unstable), apt inside the chroot resolves the rest.
    if ! timeout 1500 debootstrap --variant=minbase "$suite" "$tmp" "$MSICE_MIRROR" \
            >"$MSICE_CHROOTS/$suite.log" 2>&1; then
        echo "debootstrap $suite failed: $(grep -E '^(E|W):' "$MSICE_CHROOTS/$suite.log" | tail -n 3 | tr '\n' ' ')"
        return 1
    fi
    # A suite's Release file can be past its Valid-Until on a mirror snapshot.
    echo 'Acquire::Check-Valid-Until "false";' >"$tmp/etc/apt/apt.conf.d/99msice"
    echo "wireshark-common wireshark-common/install-setuid boolean false" |
        in_chroot "$tmp" debconf-set-selections
    touch "$tmp/.msice-ready"
    rm -rf "$base"
    mv "$tmp" "$base"
}

# The build and test chroot of one suite (a copy of the base plus the
# packages). Prints the reason and returns non-zero when it cannot.
make_chroot() {
    local suite=$1 root=$2 expect=$3 tmp=$2.new have
    if [ ! -f "$root/.msice-ready" ]; then
        make_base "$suite" || return 1
        rm -rf "$tmp"
        cp -a "$MSICE_CHROOTS/$suite-base" "$tmp"
        rm -f "$tmp/.msice-ready"
        if ! in_chroot "$tmp" sh -c "apt-get update -qq && apt-get -f install -y -qq &&
                apt-get install -y -qq --no-install-recommends ${CHROOT_PACKAGES[*]}" \
                >>"$MSICE_CHROOTS/$suite.log" 2>&1; then
            echo "installing the build and test packages in $suite failed: $(tail -n 3 "$MSICE_CHROOTS/$suite.log" | tr '\n' ' ')"
            return 1
        fi
        have=$(in_chroot "$tmp" pkg-config --modversion wireshark 2>/dev/null | cut -d. -f1,2)
        if [ "$have" != "$expect" ]; then
            echo "Debian $suite has Wireshark ${have:-none}, not $expect"
            return 1
        fi
        touch "$tmp/.msice-ready"
        rm -rf "$root"
        mv "$tmp" "$root"
    fi
    # A cached chroot made before a package joined the list gets it now.
    local missing
    missing=$(in_chroot "$root" dpkg-query -W -f='${Package} ${Status}\n' "${CHROOT_PACKAGES[@]}" 2>&1 |
              awk '/no packages found matching/ {print $NF; next} !/install ok installed/ {print $1}' | tr '\n' ' ')
    if [ -n "${missing// }" ]; then
        msice_log "installing into the $suite chroot: $missing"
        in_chroot "$root" sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends ${CHROOT_PACKAGES[*]}" \
            >>"$MSICE_CHROOTS/$suite.log" 2>&1 || { echo "installing $missing in $suite failed"; return 1; }
    fi
    mkdir -p "$root/src" "$root/shared"
}

# Builds and tests inside the chroot, with this tree on /src and ../shared
# (real captures) on /shared, in a private mount namespace (mounts vanish
# with it). Output goes to $log.
run_leg() {
    local root=$1 log=$2 shared
    shared=$(cd "$MSICE_ROOT/.." && pwd)/shared
    unshare --mount --propagation private bash -c '
        set -e
        root=$1; src=$2; shared=$3
        mount --bind "$src" "$root/src"
        [ -d "$shared" ] && mount --bind "$shared" "$root/shared"
        mount -t proc proc "$root/proc"
        # A terminal for the tests that need one (tshark --color colours only a terminal).
        mkdir -p "$root/dev/pts"
        if mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$root/dev/pts"; then
            [ -e "$root/dev/ptmx" ] || touch "$root/dev/ptmx"
            mount --bind "$root/dev/pts/ptmx" "$root/dev/ptmx"
        fi
        chroot "$root" env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 MSICE_BUILD=/build-msice \
            PYTHONDONTWRITEBYTECODE=1 MSICE_REQUIRE_REAL="${MSICE_REQUIRE_REAL:-}" bash -c "
            set -e
            cmake -S /src -B /build-msice -DCMAKE_BUILD_TYPE=RelWithDebInfo
            cmake --build /build-msice -j\$(nproc)
            echo \"tshark: \$(tshark --version | head -n 1)\"
            ctest --test-dir /build-msice --output-on-failure -L unit
            cd /src && python3 -m pytest -q -rs -p no:cacheprovider tests
            rm -rf /build-msice/packages
            cmake --build /build-msice --target package
        "' _ "$root" "$MSICE_ROOT" "$shared" >"$log" 2>&1
}

# Builds the .deb on the host (the chroot legs build theirs in run_leg).
build_host_deb() {
    rm -rf "$MSICE_BUILD/packages"
    cmake --build "$MSICE_BUILD" --target package >/dev/null
    ls "$MSICE_BUILD"/packages/*.deb
}

# Installs the .deb in a throwaway copy of the clean base chroot with apt (so
# its dependencies, and tshark through Recommends, come from the release),
# checks that tshark loads msice from the system plugin folder as a dissector,
# removes the package and checks the plugin is gone. Prints what it saw.
check_deb() {
    local suite=$1 ver=$2 deb=$3 scratch
    make_base "$suite" >/dev/null 2>&1 || { echo "no clean $suite chroot"; return 1; }
    scratch=$(mktemp -d "$MSICE_CHROOTS/deb-check-$suite.XXXXXX")
    cp -a "$MSICE_CHROOTS/$suite-base/." "$scratch/"
    cp "$deb" "$scratch/tmp/"
    cp "$MSICE_ROOT/captures/call-early-media-promotion.pcap" "$scratch/tmp/call.pcap"
    unshare --mount --propagation private bash -c '
        set -e
        root=$1; deb=$2; ver=$3
        mount -t proc proc "$root/proc"
        run() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
                DEBIAN_FRONTEND=noninteractive "$@"; }
        nobody() { run setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp "$@"; }
        run apt-get update -qq >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 1; }
        run apt-get install -y -qq "/tmp/$deb" >>/tmp/apt.log 2>&1 || { tail -n 20 /tmp/apt.log; exit 1; }
        line=$(nobody tshark -G plugins 2>/dev/null | grep "^msice.so" || true)
        echo "installed: $line"
        case $line in
            *dissector*/wireshark/plugins/$ver/epan/msice.so) ;;
            *) echo "tshark does not list msice.so as a dissector from the system folder"; exit 1 ;;
        esac
        nobody tshark -z help 2>&1 | grep -q "flow,msice" || { echo "no flow,msice in tshark -z help"; exit 1; }
        # The global "MS ICE" profile: tshark -C copies it into the personal folder and shows its columns.
        [ -f "$root/usr/share/wireshark/profiles/MS ICE/preferences" ] || { echo "no global MS ICE profile"; exit 1; }
        chmod 644 "$root/tmp/call.pcap"
        cols=$(nobody tshark -C "MS ICE" -n -r /tmp/call.pcap -T tabs 2>&1 | sed -n "385p")
        case $cols in
            *"A host 10.10.20.31:22190 <-> B host 10.20.8.15:17410 (UDP)"*"host (direct)"*) echo "profile: MS ICE columns shown" ;;
            *) echo "tshark -C \"MS ICE\" does not show the profile columns: $cols"; exit 1 ;;
        esac
        run apt-get remove -y -qq wireshark-plugin-msice >>/tmp/apt.log 2>&1 || { tail -n 20 /tmp/apt.log; exit 1; }
        if nobody tshark -G plugins 2>/dev/null | grep -q "^msice.so" ||
           ls "$root"/usr/lib/*/wireshark/plugins/$ver/epan/msice.so >/dev/null 2>&1; then
            echo "msice.so still there after apt-get remove"; exit 1
        fi
        echo "removed: tshark no longer lists msice.so"
    ' _ "$scratch" "$(basename "$deb")" "$ver"
    local rc=$?
    rm -rf "$scratch"
    return $rc
}

total_pass=0 total_fail=0 total_skip=0 failed_legs=() summary=()
host_tests=$( (cd "$MSICE_ROOT" && /usr/bin/python3 -m pytest -q --collect-only -p no:cacheprovider tests 2>/dev/null) |
              grep -Eo '^[0-9]+ tests? collected' | grep -Eo '^[0-9]+' || echo 0)

for ver in "${legs[@]}"; do
    suite=${SUITE[$ver]:-}
    if [ -z "$suite" ]; then
        echo "matrix: unknown version $ver (known: ${!SUITE[*]})" >&2
        exit 2
    fi
    if [ "$ver" = "$(pkg-config --modversion wireshark 2>/dev/null | cut -d. -f1,2)" ]; then
        # The host's own version: scripts/test.sh tests it; here only its .deb.
        msice_build
        msice_log "Wireshark $ver (host): .deb checked in a clean Debian $suite chroot"
        out=""
        if deb=$(build_host_deb) && out=$(check_deb "$suite" "$ver" "$deb" 2>&1); then
            summary+=("Wireshark $ver (host): .deb $(basename "$deb"): ok; $(tr '\n' ' ' <<<"$out")")
            total_pass=$((total_pass + 1))
        else
            summary+=("Wireshark $ver (host): .deb check FAILED: $(tr '\n' ' ' <<<"${out:-package not built}")")
            total_fail=$((total_fail + 1)) failed_legs+=("$ver .deb")
        fi
        continue
    fi
    root=$MSICE_CHROOTS/$suite
    log=$MSICE_CHROOTS/test-$ver.log
    if ! why=$(make_chroot "$suite" "$root" "$ver"); then
        msg="Wireshark $ver (Debian $suite): SKIPPED, chroot could not be made: $why"
        printf '\n!!!!!!!!!! %s\n\n' "$msg" >&2
        summary+=("$msg")
        total_skip=$((total_skip + host_tests))
        if [[ " $MSICE_MATRIX_REQUIRED " == *" $ver "* ]]; then
            failed_legs+=("$ver (required)")
        fi
        continue
    fi
    msice_log "Wireshark $ver (Debian $suite): build, unit tests, tshark tests (log: $log)"
    rc=0
    run_leg "$root" "$log" || rc=$?
    unit=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1 || true)
    py=$(grep -E '^[0-9]+ (passed|failed)|^=* ?[0-9]+ (passed|failed)' "$log" | tail -n 1 || true)
    p=$(grep -Eo '[0-9]+ passed' <<<"$py" | grep -Eo '[0-9]+' || echo 0)
    f=$(grep -Eo '[0-9]+ failed' <<<"$py" | grep -Eo '[0-9]+' || echo 0)
    s=$(grep -Eo '[0-9]+ skipped' <<<"$py" | grep -Eo '[0-9]+' || echo 0)
    total_pass=$((total_pass + p)) total_fail=$((total_fail + f)) total_skip=$((total_skip + s))
    line="Wireshark $ver (Debian $suite, $(grep -m1 '^tshark:' "$log" | sed 's/^tshark: //')): unit: ${unit:-did not run}; tshark tests: ${py:-did not run}"
    summary+=("$line")
    if [ $rc -eq 0 ]; then
        out=""
        if deb=$(ls "$root"/build-msice/packages/*.deb) && out=$(check_deb "$suite" "$ver" "$deb" 2>&1); then
            summary+=("Wireshark $ver: .deb $(basename "$deb"): ok; $(tr '\n' ' ' <<<"$out")")
            total_pass=$((total_pass + 1))
        else
            summary+=("Wireshark $ver: .deb check FAILED: $(tr '\n' ' ' <<<"${out:-package not built}")")
            total_fail=$((total_fail + 1))
            rc=1
        fi
    fi
    if [ $rc -ne 0 ]; then
        failed_legs+=("$ver")
        tail -n 60 "$log" >&2
        # A leg that failed before pytest ran counts as one failure.
        [ -n "$py" ] || total_fail=$((total_fail + 1))
    fi
done

msice_log "matrix summary"
printf '%s\n' "${summary[@]}"
[ ${#failed_legs[@]} -eq 0 ] || echo "FAILED legs: ${failed_legs[*]}"
echo "matrix: $total_pass passed, $total_fail failed, $total_skip skipped"
[ ${#failed_legs[@]} -eq 0 ]
