# SPDX-License-Identifier: GPL-2.0-or-later
"""pytest fixtures: run tshark with the msice.so just built.

The plugin is copied from the build tree (MSICE_BUILD, default ./build) into
a private temporary HOME, in the personal plugin folder of the installed
Wireshark. Nothing is read from system plugin folders or a stale copy: the
session starts by checking that `tshark -G plugins` lists msice.so at that
path. Preferences are Wireshark's defaults (the HOME is empty).

How that HOME is made and how tshark runs in it (as nobody when root, with
capture files copied where nobody can read them) is scripts/tshark-sandbox.sh,
which scripts/lib.sh uses too: asked once per session for the command, so
each tshark run costs no extra process.
"""
import datetime
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get("MSICE_BUILD", ROOT / "build"))
CAPTURES = ROOT / "captures"
REAL = Path(os.environ.get("MSICE_REAL_CAPTURES", ROOT.parent / "shared" / "captures" / "real"))
BASELINE = Path(__file__).resolve().parent / "baseline"


def sandbox(args):
    """Runs scripts/tshark-sandbox.sh with args; returns its output."""
    env = {**os.environ, "MSICE_BUILD": str(BUILD)}
    return subprocess.run(["bash", str(ROOT / "scripts" / "tshark-sandbox.sh"), *[str(a) for a in args]], env=env,
                          capture_output=True, text=True, check=True).stdout


def ws_version():
    out = subprocess.run(["pkg-config", "--modversion", "wireshark"], capture_output=True, text=True, check=True)
    return ".".join(out.stdout.strip().split(".")[:2])


# ---- what differs between Wireshark versions in tshark's output, in one place ----
# Tests assert values; these turn each version's formatting of a value into one form.
#   -T fields, FT_BOOLEAN:        4.0 prints 1/0, 4.4 and 4.6 print True/False   -> "1"/"0"
#   -T fields, FT_ABSOLUTE_TIME:  4.0 and 4.4 print "Jan 15, 2026 17:00:00.110200000 UTC",
#                                 4.6 prints ISO 8601 "2026-01-15T17:00:00.110200000Z"  -> the former
#   -V, a long text field:        4.0 starts it with "[truncated]", 4.4 and 4.6 with "[…]"

ISO_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$")
TRUNCATION_MARKERS = ("[truncated]", "[\u2026]")


def normalise_value(ftype, value):
    """One form for a -T fields value of type `ftype` on every Wireshark version."""
    if ftype == "FT_BOOLEAN":
        return {"True": "1", "False": "0"}.get(value, value)
    if ftype == "FT_ABSOLUTE_TIME":
        m = ISO_TIME.match(value)
        if m and m.group(8) in (None, "Z", "+00:00", "+0000"):
            y, mo, d, h, mi, sec = (int(g) for g in m.groups()[:6])
            t = datetime.datetime(y, mo, d, h, mi, sec)
            frac = (m.group(7) or "").ljust(9, "0")
            return t.strftime("%b %d, %Y %H:%M:%S.") + frac + " UTC"
    return value


def strip_truncation_marker(text):
    """A -V line's text without the marker that says the value was cut."""
    for marker in TRUNCATION_MARKERS:
        if text.startswith(marker):
            return text[len(marker):].lstrip()
    return text


class Tshark:
    """Runs tshark with the fresh plugin. One private HOME per test session."""

    def __init__(self):
        plugin = BUILD / "msice.so"
        if not plugin.exists():
            raise RuntimeError(f"{plugin} not built: run scripts/test.sh")
        newer = [p for p in (ROOT / "plugin").rglob("*.[ch]") if p.stat().st_mtime > plugin.stat().st_mtime]
        if newer:
            raise RuntimeError(f"{plugin} is older than {newer[0]}: rebuild (scripts/test.sh does)")
        self.home = Path(tempfile.mkdtemp(prefix="msice-test-"))
        self.home.chmod(0o755)
        sandbox(["setup", self.home])
        self.plugin_dir = self.home / ".local/lib/wireshark/plugins" / ws_version() / "epan"
        # A second HOME without the plugin: stock Wireshark, for comparisons.
        self.stock_home = self.home / "stock"
        self.argv = sandbox(["argv", self.home]).splitlines()
        self.stock_argv = sandbox(["argv", self.stock_home]).splitlines()
        self.root = os.geteuid() == 0   # tshark then runs as nobody (see scripts/tshark-sandbox.sh)
        self._field_types = None

    def field_type(self, name):
        """FT_* type of a display field (from tshark -G fields, with the plugin loaded)."""
        if self._field_types is None:
            out = self.run(["-G", "fields"]).stdout
            self._field_types = {c[2]: c[3] for c in (l.split("\t") for l in out.splitlines())
                                 if len(c) > 3 and c[0] == "F"}
        return self._field_types.get(name, "")

    def capture(self, path):
        """A path to `path` that tshark (maybe running as nobody) can read: copied into the private HOME
        as root, every time (tests rewrite generated captures in place, so no cache)."""
        return Path(sandbox(["capture", self.home, path]).strip())

    def run(self, args, check=True, stock=False):
        home, argv = (self.stock_home, self.stock_argv) if stock else (self.home, self.argv)
        res = subprocess.run([*argv, *[str(a) for a in args]], cwd=home, capture_output=True, text=True,
                             timeout=600)
        if check and res.returncode != 0:
            raise AssertionError(f"tshark {' '.join(map(str, args))} failed ({res.returncode}):\n{res.stderr}")
        return res

    def fields(self, capture, fields, dfilter=None, two_pass=False, extra=(), stock=False):
        """Rows (dicts) of -T fields output; multi-valued fields are lists."""
        args = ["-n", "-r", self.capture(capture), "-T", "fields", "-E", "separator=\t",
                "-E", "occurrence=a", "-E", "aggregator=\x1f"]
        if two_pass:
            args.append("-2")
        if dfilter:
            args += ["-Y", dfilter]
        for f in fields:
            args += ["-e", f]
        args += list(extra)
        out = self.run(args, stock=stock).stdout
        types = [self.field_type(f) for f in fields]
        rows = []
        for line in out.splitlines():
            cols = line.split("\t")
            cols += [""] * (len(fields) - len(cols))
            row = {}
            for f, t, c in zip(fields, types, cols):
                vals = [normalise_value(t, v) for v in c.split("\x1f")]
                row[f] = vals if len(vals) > 1 else vals[0]
            rows.append(row)
        return rows

    def by_frame(self, capture, fields, dfilter=None, two_pass=False, extra=(), stock=False):
        rows = self.fields(capture, ["frame.number", *fields], dfilter, two_pass, extra, stock)
        return {int(r["frame.number"]): r for r in rows}

    def summary(self, capture, dfilter=None, two_pass=False):
        args = ["-n", "-r", self.capture(capture)]
        if two_pass:
            args.append("-2")
        if dfilter:
            args += ["-Y", dfilter]
        return self.run(args).stdout

    def cleanup(self):
        shutil.rmtree(self.home, ignore_errors=True)


@pytest.fixture(scope="session")
def tshark():
    t = Tshark()
    plugins = t.run(["-G", "plugins"]).stdout
    line = next((l for l in plugins.splitlines() if l.startswith("msice.so")), None)
    assert line, "tshark did not load msice.so:\n" + plugins
    assert str(t.plugin_dir / "msice.so") in line, "msice.so loaded from elsewhere: " + line
    yield t
    t.cleanup()


def real_capture(name):
    path = REAL / name
    if not path.exists():
        if os.environ.get("MSICE_REQUIRE_REAL") == "1":
            pytest.fail(f"{path} not present and MSICE_REQUIRE_REAL=1")
        pytest.skip(f"{path} not present (shared real captures are optional; MSICE_REAL_CAPTURES sets the folder)")
    return path


@pytest.fixture
def teams_pcap():
    return real_capture("teams.pcap")


@pytest.fixture
def stun_ice_tcp_pcap():
    return real_capture("stun-ice-tcp.pcap")
