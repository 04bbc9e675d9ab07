#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Quick start (b): the whole test suite. Installs missing Debian packages,
# builds, then runs
#   1. the C unit tests of the pure core (CTest),
#   2. a short libFuzzer run of every core parser under ASan + UBSan (CTest),
#   3. the tshark-driven tests (pytest), which load the plugin just built,
#   4. steps 1 and 3 again against Wireshark 4.4 and 4.6, each in a Debian
#      chroot (scripts/matrix.sh; chroots cached in /var/cache/msice/chroots).
# Ends with one summary line over all versions:
#   `total: N passed, N failed, N skipped`.
# MSICE_FUZZ_SECONDS changes the fuzz time per target (default 20);
# MSICE_MATRIX=0 leaves out step 4 (the host's Wireshark only).
source "$(dirname "$0")/lib.sh"

msice_ensure_packages "${MSICE_BUILD_PACKAGES[@]}" python3 python3-pytest python3-scapy python3-jsonschema \
    clang libclang-rt-14-dev valgrind util-linux curl bzip2 xz-utils perl
msice_build

msice_log "unit tests (CTest)"
ctest --test-dir "$MSICE_BUILD" --output-on-failure -L unit

msice_log "fuzzing the core parsers (libFuzzer, ASan + UBSan)"
fuzz_build=$MSICE_ROOT/build-fuzz
if [ ! -f "$fuzz_build/CMakeCache.txt" ]; then
    CC=clang cmake -S "$MSICE_ROOT" -B "$fuzz_build" -DMSICE_FUZZ=ON \
        -DMSICE_FUZZ_SECONDS="${MSICE_FUZZ_SECONDS:-20}" >/dev/null
fi
cmake --build "$fuzz_build" -j"$(nproc)" >/dev/null
/usr/bin/python3 "$MSICE_ROOT/tests/fuzz/extract_seeds.py" "$MSICE_ROOT/captures" "$fuzz_build/seeds"
ctest --test-dir "$fuzz_build" --output-on-failure -L fuzz

msice_log "tshark tests (pytest), Wireshark $(pkg-config --modversion wireshark)"
cd "$MSICE_ROOT"
host_log=$(mktemp /tmp/msice-pytest.XXXXXX)
host_rc=0
/usr/bin/python3 -m pytest -q -rs -p no:cacheprovider tests 2>&1 | tee "$host_log" || host_rc=$?
host_line=$(grep -E '^=* ?[0-9]+ (passed|failed)' "$host_log" | tail -n 1 || true)
count() { grep -Eo "[0-9]+ $1" <<<"$2" | grep -Eo '^[0-9]+' || echo 0; }
pass=$(count passed "$host_line") fail=$(count failed "$host_line") skip=$(count skipped "$host_line")
[ $host_rc -eq 0 ] || [ "$fail" -gt 0 ] || fail=1
rm -f "$host_log"

matrix_rc=0
if [ "${MSICE_MATRIX:-1}" != 0 ]; then
    msice_log "the same tests against Wireshark 4.4 and 4.6 (scripts/matrix.sh)"
    matrix_log=$(mktemp /tmp/msice-matrix.XXXXXX)
    bash "$MSICE_ROOT/scripts/matrix.sh" 2>&1 | tee "$matrix_log" || matrix_rc=$?
    m=$(grep -E '^matrix: [0-9]+ passed' "$matrix_log" | tail -n 1 || true)
    pass=$((pass + $(count passed "$m"))) fail=$((fail + $(count failed "$m"))) skip=$((skip + $(count skipped "$m")))
    [ $matrix_rc -eq 0 ] || [ "$(count failed "$m")" -gt 0 ] || fail=$((fail + 1))
    rm -f "$matrix_log"
    echo "Wireshark $(pkg-config --modversion wireshark) (host): tshark tests: $host_line"
fi
echo "total: $pass passed, $fail failed, $skip skipped"
[ $host_rc -eq 0 ] && [ $matrix_rc -eq 0 ]
