# SPDX-License-Identifier: GPL-2.0-or-later
"""Installing the plugin: install-user and uninstall-user read HOME when they run, install.sh
(the tarball's installer) refuses a Wireshark of another major.minor, and the .deb (where dpkg
exists) holds msice.so in the system plugin folder and depends on the matching libwireshark.

(The .deb is installed for real in a clean chroot of each release by scripts/matrix.sh.)"""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import BUILD, ws_version


def run(cmd, home, path=None):
    env = {"PATH": path or os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8"}
    return subprocess.run([str(c) for c in cmd], env=env, capture_output=True, text=True, timeout=600)


def personal(home):
    return Path(home) / ".local/lib/wireshark/plugins" / ws_version() / "epan" / "msice.so"


def test_install_user_reads_home_when_run(tmp_path):
    for who in ("alice", "bob"):
        home = tmp_path / who
        home.mkdir()
        res = run(["cmake", "--build", BUILD, "--target", "install-user"], home)
        assert res.returncode == 0, res.stdout + res.stderr
        assert personal(home).read_bytes() == (BUILD / "msice.so").read_bytes()
    res = run(["cmake", "--build", BUILD, "--target", "uninstall-user"], tmp_path / "alice")
    assert res.returncode == 0, res.stdout + res.stderr
    assert not personal(tmp_path / "alice").exists()
    assert personal(tmp_path / "bob").exists()


def test_install_script_checks_the_wireshark_version(tmp_path):
    script = BUILD / "install.sh"
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "tshark").write_text("#!/bin/sh\necho 'TShark (Wireshark) 3.6.2 (Git v3.6.2)'\n")
    (fake / "tshark").chmod(0o755)
    path = f"{fake}:/usr/bin:/bin"
    res = run(["sh", script, "--plugin", BUILD / "msice.so"], tmp_path, path)
    assert res.returncode == 1
    assert f"for Wireshark {ws_version()}, but tshark here is 3.6" in res.stderr
    assert not personal(tmp_path).exists()
    res = run(["sh", script, "--plugin", BUILD / "msice.so", "--force"], tmp_path, path)
    assert res.returncode == 0 and personal(tmp_path).exists()
    res = run(["sh", script, "--uninstall"], tmp_path, path)
    assert res.returncode == 0 and not personal(tmp_path).exists()
    assert "removed" in res.stdout


@pytest.mark.skipif(not shutil.which("dpkg-deb"), reason="no dpkg-deb: the .deb is made only where dpkg exists")
def test_deb_contents_and_dependencies(tmp_path):
    out = tmp_path / "pkg"
    res = subprocess.run(["cpack", "-G", "DEB", "--config", BUILD / "CPackConfig.cmake", "-B", out],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr
    deb = next(out.glob("*.deb"))
    ver = ws_version()
    assert deb.name.startswith(f"wireshark-plugin-msice_") and f"+ws{ver}-" in deb.name
    files = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True, check=True).stdout
    so = [l.split()[-1] for l in files.splitlines() if l.endswith("msice.so")]
    assert len(so) == 1 and so[0].endswith(f"/wireshark/plugins/{ver}/epan/msice.so")
    depends = subprocess.run(["dpkg-deb", "-f", deb, "Depends"], capture_output=True, text=True, check=True).stdout
    major, minor = ver.split(".")
    assert f"(>= {ver}.0)" in depends and f"(<< {major}.{int(minor) + 1}~)" in depends
    assert "libwireshark" in depends
