#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Quick start (b): the whole test suite. Installs missing Debian packages,
# builds, then runs
#   1. the C unit tests of the pure core (CTest),
#   2. a short libFuzzer run of every core parser under ASan + UBSan (CTest),
#   3. the tshark-driven tests (pytest), which load the plugin just built.
# Ends with pytest's summary line. Set MSICE_FUZZ_SECONDS to change the fuzz
# time per target (default 20).
source "$(dirname "$0")/lib.sh"

msice_ensure_packages "${MSICE_BUILD_PACKAGES[@]}" python3 python3-pytest python3-scapy \
    clang libclang-rt-14-dev valgrind util-linux
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

msice_log "tshark tests (pytest)"
cd "$MSICE_ROOT"
exec /usr/bin/python3 -m pytest -q -rs -p no:cacheprovider tests
