# SPDX-License-Identifier: GPL-2.0-or-later
"""The "MS ICE" configuration profile (profiles/MS ICE): tshark -C loads it, its columns show
the expected values, its colouring rules colour the expected frames, and every filter in it
(colouring rules, filter buttons, I/O graphs) compiles and selects what its name says."""
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import CAPTURES, ROOT

PROFILE = ROOT / "profiles" / "MS ICE"
PROMO = CAPTURES / "call-early-media-promotion.pcap"


@pytest.fixture(scope="module")
def prof(tshark):
    """The session's private HOME with the profile in its personal profiles folder."""
    dest = tshark.home / ".config" / "wireshark" / "profiles" / "MS ICE"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(PROFILE, dest)
    for p in [tshark.home / ".config", *(tshark.home / ".config").rglob("*")]:
        p.chmod(0o777 if p.is_dir() else 0o644)   # Wireshark may write "recent" there
    yield tshark
    shutil.rmtree(dest, ignore_errors=True)


def tabs(prof, capture, two_pass=True, extra=()):
    args = ["-C", "MS ICE", "-n", "-r", prof.capture(capture), "-T", "tabs", *extra]
    if two_pass:
        args.append("-2")
    res = prof.run(args)
    assert res.stderr.strip() == "", res.stderr   # the profile's files load without a complaint
    rows = {}
    for line in res.stdout.splitlines():
        cols = [c.strip() for c in line.split("\t")]
        # No., Time, Source, arrow, Destination, Protocol, Length, MS-TURN type, Pair, Path type, Call-ID, Info
        assert len(cols) == 12, line
        rows[int(cols[0])] = dict(zip(("no", "time", "src", "arrow", "dst", "proto", "len", "turn", "pair", "path",
                                       "call", "info"), cols))
    return rows


def test_columns_show_the_profile_fields(prof):
    rows = tabs(prof, PROMO)
    assert rows[5]["turn"] == "Allocate,Request"
    assert rows[6]["turn"] == "Allocate,Error Response"
    assert rows[29]["turn"] == "Set Active Destination,Request"
    relay = "A relay 203.0.113.10:52814 <-> B relay 203.0.113.10:50122 (UDP)"
    host = "A host 10.10.20.31:22190 <-> B host 10.20.8.15:17410 (UDP)"
    assert (rows[30]["pair"], rows[30]["path"]) == (relay, "relay UDP")
    assert (rows[385]["pair"], rows[385]["path"], rows[385]["proto"]) == (host, "host (direct)", "RTP")
    assert rows[385]["call"] == "6984e46271000ad28c847681faca6905"
    assert rows[1]["turn"] == rows[1]["pair"] == rows[1]["path"] == "", "SIP/MRAS: no MS-TURN, pair or path"
    paths = {r["path"] for r in rows.values() if r["path"]}
    assert paths == {"relay UDP", "host (direct)"}


def test_without_the_profile_the_columns_are_stock(tshark):
    res = tshark.run(["-n", "-r", tshark.capture(PROMO), "-T", "tabs", "-c", "5"])
    assert all(len(l.split("\t")) == 8 for l in res.stdout.splitlines())


def test_colouring_rules(prof):
    if not shutil.which("script"):
        pytest.skip("util-linux script (a terminal for tshark --color) is missing")
    try:
        fds = os.openpty()   # tshark colours only a terminal; a chroot without /dev/pts has none
        os.close(fds[0])
        os.close(fds[1])
    except OSError as e:
        pytest.skip(f"no pseudo-terminal here ({e}): tshark --color cannot be checked")
    home = prof.home
    cmd = ["tshark", "-C", "MS ICE", "-n", "-2", "--color", "-r", str(prof.capture(PROMO)),
           "-Y", "frame.number in {5, 6, 13, 30, 33, 385, 400, 426}"]
    if prof.root:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "XDG_CONFIG_HOME": str(home / ".config"),
           "TERM": "xterm", "COLORTERM": "truecolor"}
    res = subprocess.run(["script", "-qec", " ".join(f"'{c}'" for c in cmd), "/dev/null"], env=env, cwd=home,
                         capture_output=True, text=True, timeout=300)
    if res.returncode != 0 and "pseudo-terminal" in res.stdout + res.stderr:
        pytest.skip("script could not open a pseudo-terminal: tshark --color cannot be checked")
    assert res.returncode == 0, res.stdout + res.stderr
    colour = {}
    for line in res.stdout.replace("\r", "").splitlines():
        m = re.search(r"\x1b\[48;2;(\d+);(\d+);(\d+)m\s*(\d+)\s", line)
        n = re.match(r"(?:\x1b\[0m)?\s*(\d+)\s", line)
        if m:
            colour[int(m.group(4))] = tuple(int(x) for x in m.group(1, 2, 3))
        elif n:
            colour[int(n.group(1))] = None
    rules = {}
    for line in (PROFILE / "colorfilters").read_text().splitlines():
        if line.startswith("@"):
            _, name, _, bg_fg = line.split("@")
            bg = [int(x) // 257 for x in bg_fg[1:bg_fg.index("]")].split(",")]
            rules[name] = tuple(bg)
    assert colour[13] == rules["MS ICE finding"], "the INVITE the relay_udp_only finding points at"
    assert colour[33] == rules["MS ICE check unanswered or failed"]
    assert colour[385] == rules["MS ICE promotion"]
    assert colour[30] == rules["MS ICE media on a UDP relay"]
    assert colour[400] == rules["MS ICE direct media"]
    assert colour[5] is None, "an Allocate request is not coloured"
    assert colour[6] is None, "the 401 challenge is normal: not coloured as an MS-TURN error"


def uat_lines(name):
    return [l for l in (PROFILE / name).read_text().splitlines() if l.startswith('"')]


def uat_fields(line):
    return [f.replace("\\x22", '"') for f in re.findall(r'"((?:[^"\\]|\\.)*)"', line)]


def all_filters():
    out = []
    for line in (PROFILE / "colorfilters").read_text().splitlines():
        if line.startswith("@"):
            out.append(("colorfilters", line.split("@")[2]))
    for line in uat_lines("dfilter_buttons"):
        out.append(("dfilter_buttons", uat_fields(line)[2]))
    for line in uat_lines("io_graphs"):
        f = uat_fields(line)
        if f[2]:
            out.append(("io_graphs", f[2]))
        if f[6]:
            out.append(("io_graphs y field", f[6]))
    return out


@pytest.mark.parametrize("where,dfilter", all_filters())
def test_every_filter_compiles(prof, where, dfilter):
    res = prof.run(["-C", "MS ICE", "-n", "-r", prof.capture(PROMO), "-c", "1", "-Y", dfilter], check=False)
    assert res.returncode == 0 and res.stderr.strip() == "", (where, dfilter, res.stderr)


def frames(prof, capture, dfilter):
    rows = prof.fields(capture, ["frame.number"], dfilter=dfilter, two_pass=True)
    return [int(r["frame.number"]) for r in rows]


def test_filter_buttons_select_what_they_say(prof):
    buttons = {uat_fields(l)[1]: uat_fields(l)[2] for l in uat_lines("dfilter_buttons")}
    assert set(buttons) == {"MS-TURN errors", "Checks of this call", "Promotions", "Findings"}
    assert frames(prof, PROMO, buttons["Promotions"]) == [385]
    assert frames(prof, PROMO, buttons["Findings"]) == [13, 24]
    errors = frames(prof, PROMO, buttons["MS-TURN errors"])
    assert errors and all(r["msturn.attr.error_code"] == "401" for r in
                          prof.fields(PROMO, ["msturn.attr.error_code"], dfilter=buttons["MS-TURN errors"]))
    # "${msice.call_id}" is the selected packet's Call-ID (Wireshark 4.0 field references): with it
    # substituted, the button lists the call's checks and nothing else.
    checks = buttons["Checks of this call"].replace("${msice.call_id}", '"6984e46271000ad28c847681faca6905"')
    got = prof.fields(PROMO, ["msice.pair.rank", "msice.call_id"], dfilter=checks, two_pass=True)
    assert len(got) > 40 and all(r["msice.pair.rank"] for r in got)
    assert not frames(prof, PROMO, checks.replace("6984e4", "000000"))


def test_io_graph_entry_is_the_40_format():
    lines = uat_lines("io_graphs")
    assert lines
    for line in lines:
        f = uat_fields(line)
        # Wireshark 4.0's io_graphs UAT: enabled, name, filter, colour, style, Y axis, Y field, SMA, factor.
        assert len(f) == 9, line
        assert f[0] in ("Enabled", "Disabled") and re.fullmatch(r"#[0-9A-F]{6}", f[3])
        assert f[4] in ("Line", "Impulse", "Bar", "Stacked Bar", "Dot", "Square", "Diamond")
        assert f[5] in ("Packets", "Bytes", "Bits", "SUM(Y Field)", "COUNT FRAMES(Y Field)", "COUNT FIELDS(Y Field)",
                        "MAX(Y Field)", "MIN(Y Field)", "AVG(Y Field)", "LOAD(Y Field)")
        assert f[7] == "None" and f[8] == "1"
    rank = uat_fields(lines[0])
    assert (rank[5], rank[6]) == ("MAX(Y Field)", "msice.path.rank")


def test_global_profile_is_found_by_tshark(tshark):
    """Installed system-wide (the .deb: <datadir>/profiles/MS ICE), tshark -C finds it too."""
    data = Path(tempfile.mkdtemp(prefix="msice-data-", dir=tshark.home))
    for f in Path("/usr/share/wireshark").iterdir():
        if f.name != "profiles":
            (data / f.name).symlink_to(f)
    (data / "profiles").mkdir()
    if Path("/usr/share/wireshark/profiles").is_dir():
        for f in Path("/usr/share/wireshark/profiles").iterdir():
            if f.name != "MS ICE":
                (data / "profiles" / f.name).symlink_to(f)
    shutil.copytree(PROFILE, data / "profiles" / "MS ICE")
    home = Path(tempfile.mkdtemp(prefix="home-", dir=tshark.home))
    shutil.copytree(tshark.home / ".local", home / ".local")
    for p in [data, home, *data.rglob("*"), *home.rglob("*")]:
        if not p.is_symlink():
            p.chmod(0o777 if p.is_dir() else 0o644)
    cmd = ["tshark", "-C", "MS ICE", "-n", "-r", str(tshark.capture(PROMO)), "-T", "tabs"]
    if tshark.root:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "WIRESHARK_DATA_DIR": str(data)}
    res = subprocess.run(cmd, env=env, cwd=home, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    line = res.stdout.splitlines()[384].split("\t")
    assert [c.strip() for c in line[8:11]] == ["A host 10.10.20.31:22190 <-> B host 10.20.8.15:17410 (UDP)",
                                              "host (direct)", "6984e46271000ad28c847681faca6905"]


def test_install_user_installs_the_profile(tmp_path):
    from conftest import BUILD
    home = tmp_path / "carol"
    home.mkdir()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8"}
    res = subprocess.run(["cmake", "--build", str(BUILD), "--target", "install-user"], env=env, capture_output=True,
                         text=True, timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr
    dest = home / ".config" / "wireshark" / "profiles" / "MS ICE"
    for f in ("preferences", "colorfilters", "dfilter_buttons", "io_graphs"):
        assert (dest / f).read_bytes() == (PROFILE / f).read_bytes()
    (dest / "recent").write_text("# Wireshark's own file\n")
    (dest / "colorfilters").write_text("@mine@tcp@[0,0,0][0,0,0]\n")
    res = subprocess.run(["cmake", "--build", str(BUILD), "--target", "install-user"], env=env, capture_output=True,
                         text=True, timeout=600)
    assert (dest / "colorfilters.bak").read_text() == "@mine@tcp@[0,0,0][0,0,0]\n", "a changed file is kept"
    res = subprocess.run(["cmake", "--build", str(BUILD), "--target", "uninstall-user"], env=env,
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0
    assert not (dest / "preferences").exists() and (dest / "recent").exists()
