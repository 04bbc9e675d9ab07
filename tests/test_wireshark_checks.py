# SPDX-License-Identifier: GPL-2.0-or-later
"""Wireshark's own source checks (tools/checkAPIs.pl, checkhf.pl, checkfiltername.pl from the source of the
installed Wireshark, fetched from Debian by scripts/wireshark-checks.sh) report nothing on the plugin.

When the source cannot be fetched (no network, version gone from the pool) these tests are skipped with the
reason, never passed. The script's own behaviour (skip on an unreachable mirror, refusal of a tarball whose
SHA-256 differs from the .dsc, a finding printed = a failure) is tested offline with a local HTTP server and
stand-in scripts."""
import bz2
import functools
import hashlib
import http.server
import io
import os
import subprocess
import tarfile
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "wireshark-checks.sh"
SKIPPED = 77

def run(args, env=None, timeout=1800):
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def wireshark_tools():
    res = run(["fetch"])
    if res.returncode == SKIPPED:
        pytest.skip(res.stderr.strip().splitlines()[-1])
    assert res.returncode == 0, res.stderr
    return res.stderr


@pytest.mark.parametrize("check", ["apis", "apis-core", "hf", "filtername"])
def test_wireshark_check_reports_nothing(wireshark_tools, check):
    res = run([check])
    assert res.returncode in (0, 1), res.stderr
    assert res.returncode == 0 and not res.stdout, f"{check}:\n{res.stdout}{res.stderr}"


# ---- the script itself, offline ----

VERSION = "9.9.9-1"
FAKE_TOOL = "#!/usr/bin/perl\nprint STDERR \"Warning: stand-in finding in $ARGV[-1]\\n\" if $ENV{FAKE_FINDING};\nexit 0;\n"


def fake_orig():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name in ("checkAPIs.pl", "checkhf.pl", "checkfiltername.pl", "other.pl"):
            data = FAKE_TOOL.encode()
            info = tarfile.TarInfo(f"wireshark-9.9.9/tools/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return bz2.compress(buf.getvalue())


def dsc_for(orig_name, sha256, size):
    return (f"Format: 3.0 (quilt)\nSource: wireshark\nVersion: {VERSION}\n"
            f"Checksums-Sha256:\n {'0' * 64} 12 wireshark_{VERSION}.debian.tar.xz\n {sha256} {size} {orig_name}\n"
            f"Files:\n 00 {size} {orig_name}\n")


@pytest.fixture
def pool(tmp_path):
    """A local Debian pool serving wireshark_9.9.9-1.dsc and its tarball; yields (url, dir)."""
    root = tmp_path / "pool"
    (root / "w" / "wireshark").mkdir(parents=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root / "w" / "wireshark"
    server.shutdown()


def publish(pool_dir, orig, claimed_sha256=None):
    name = "wireshark_9.9.9.orig.tar.bz2"
    (pool_dir / name).write_bytes(orig)
    sha = claimed_sha256 or hashlib.sha256(orig).hexdigest()
    (pool_dir / f"wireshark_{VERSION}.dsc").write_text(dsc_for(name, sha, len(orig)))


def offline_env(url, cache):
    return {"MSICE_WS_DEB_VERSION": VERSION, "MSICE_DEBIAN_MIRRORS": url, "MSICE_WS_TOOLS_CACHE": str(cache)}


def test_unreachable_mirror_is_a_skip_with_the_reason(tmp_path, pool):
    url, _ = pool          # nothing published: 404
    res = run(["hf"], offline_env(url, tmp_path / "cache"), timeout=120)
    assert res.returncode == SKIPPED, res.stderr
    assert f"SKIP: cannot download wireshark_{VERSION}.dsc" in res.stderr
    assert not (tmp_path / "cache" / VERSION).exists()


def test_tarball_not_matching_the_dsc_is_refused(tmp_path, pool):
    url, pool_dir = pool
    publish(pool_dir, fake_orig(), claimed_sha256="ab" * 32)
    res = run(["hf"], offline_env(url, tmp_path / "cache"), timeout=120)
    assert res.returncode == 2, res.stderr
    assert f"but wireshark_{VERSION}.dsc says {'ab' * 32}" in res.stderr
    assert not (tmp_path / "cache" / VERSION).exists()


def test_tools_are_cached_and_a_printed_line_is_a_finding(tmp_path, pool):
    url, pool_dir = pool
    publish(pool_dir, fake_orig())
    env = offline_env(url, tmp_path / "cache")
    res = run(["hf", "filtername"], env, timeout=120)
    assert res.returncode == 0 and res.stdout == "", res.stdout + res.stderr
    kept = sorted(p.name for p in (tmp_path / "cache" / VERSION / "tools").iterdir())
    assert kept == ["checkAPIs.pl", "checkfiltername.pl", "checkhf.pl"]
    for f in pool_dir.iterdir():   # the second run reads the cache only
        f.unlink()
    res = run(["filtername"], {**env, "FAKE_FINDING": "1"}, timeout=120)
    assert res.returncode == 1, res.stdout + res.stderr
    assert res.stdout.startswith("checkfiltername: Warning: stand-in finding in plugin/")
    assert "filtername: 1 finding(s)" in res.stderr
