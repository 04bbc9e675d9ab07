#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run the msice JSON report over many captures; one NDJSON line per call.

    scripts/msice-batch.py [options] CAPTURE_OR_FOLDER... > calls.ndjson

Runs `tshark -n -q -z msice,json` on every capture (folders are searched for
*.pcap, *.pcapng, *.cap, *.pcap.gz, *.pcapng.gz), several at once (one per
core unless -j says otherwise), prints progress on stderr and writes lines as
captures finish:

  {"record": "call", "capture": NAME, "path": PATH, "schema_version": "1.1", "call": {...}}
      one per call or ICE session: the "calls" item of the JSON report
  {"record": "capture", "capture": NAME, "path": PATH, "schema_version": "1.1", "calls": N,
   "edge_findings": [...], "unused_allocations": [...], "warning": TEXT|null}
      one per capture that has no call, Edge findings not tied to a call,
      unused allocations, or that tshark read with a complaint (cut short)
  {"record": "error", "capture": NAME, "path": PATH, "error": TEXT}
      a capture tshark could not read (or that timed out): the run goes on

Exit status: 0, or 1 when a capture failed. Debian's python3 only.

By default the tshark on PATH with the installed plugin is used. --plugin
runs it with the given msice.so instead (a build tree's), from a private
temporary HOME; as root (Wireshark ignores the personal plugin folder of
root) tshark then runs as nobody and each capture is copied for it to read.
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SUFFIXES = (".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz")


def find_captures(args):
    out = []
    for a in args:
        p = Path(a)
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.name.lower().endswith(SUFFIXES))
        else:
            out.append(p)
    return out


class Runner:
    def __init__(self, tshark, plugin, timeout):
        self.tshark = tshark
        self.timeout = timeout
        self.home = None
        self.as_nobody = False
        if plugin:
            plugin = Path(plugin).resolve()
            if not plugin.is_file():
                sys.exit(f"msice-batch: {plugin}: no such plugin")
            ver = subprocess.run(["pkg-config", "--modversion", "wireshark"], capture_output=True, text=True)
            if ver.returncode == 0:
                xy = ".".join(ver.stdout.strip().split(".")[:2])
            else:  # no development files: ask tshark
                first = subprocess.run([tshark, "-v"], capture_output=True, text=True).stdout.split()
                xy = ".".join(first[2].split(".")[:2]) if len(first) > 2 else "0.0"
            self.home = Path(tempfile.mkdtemp(prefix="msice-batch-"))
            epan = self.home / ".local/lib/wireshark/plugins" / xy / "epan"
            epan.mkdir(parents=True)
            shutil.copy2(plugin, epan / "msice.so")
            (self.home / "caps").mkdir()
            for p in [self.home, *self.home.rglob("*")]:
                p.chmod(0o755 if p.is_dir() else 0o644)
            self.as_nobody = os.geteuid() == 0

    def cleanup(self):
        if self.home:
            shutil.rmtree(self.home, ignore_errors=True)

    def report(self, capture, index):
        """(returncode, stdout, stderr) of the JSON report of one capture."""
        return self.run(capture, index, ["-n", "-q", "-z", "msice,json"])

    def run(self, capture, index, args):
        """(returncode, stdout, stderr) of tshark ARGS -r CAPTURE."""
        env = None
        cmd = [self.tshark]
        path = capture
        copy = None
        if self.home:
            env = {"PATH": "/usr/bin:/bin", "HOME": str(self.home), "LANG": "C.UTF-8",
                   "XDG_CONFIG_HOME": str(self.home / ".config")}
            if self.as_nobody:
                cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", self.tshark]
                copy = self.home / "caps" / f"{index}-{capture.name}"
                shutil.copyfile(capture, copy)
                copy.chmod(0o644)
                path = copy
        try:
            res = subprocess.run([*cmd, *args, "-r", str(path)], env=env,
                                 cwd=str(self.home) if self.home else None, capture_output=True, text=True,
                                 errors="replace", timeout=self.timeout)
            err = res.stderr.replace(str(copy), str(capture)) if copy else res.stderr
            return res.returncode, res.stdout, err
        except subprocess.TimeoutExpired:
            return None, "", f"timed out after {self.timeout} s"
        finally:
            if copy:
                copy.unlink(missing_ok=True)


def lines_for(capture, rc, out, err):
    """The NDJSON records of one capture and whether it failed."""
    base = {"capture": capture.name, "path": str(capture)}
    err = " ".join(l for l in err.strip().splitlines() if "Running as user" not in l)[:2000]
    doc = None
    if out.strip():
        try:
            doc = json.loads(out)
        except ValueError as e:
            err = f"{err} (report is not JSON: {e})".strip()
    if doc is None or not isinstance(doc, dict) or "calls" not in doc:
        why = err or (f"tshark exit status {rc}" if rc else "no report (is the msice plugin loaded?)")
        return [dict(record="error", **base, error=why)], True
    recs = [dict(record="call", **base, schema_version=doc.get("schema_version"), call=c) for c in doc["calls"]]
    warning = err if rc != 0 and err else None
    if not doc["calls"] or doc.get("edge_findings") or doc.get("unused_allocations") or warning:
        recs.append(dict(record="capture", **base, schema_version=doc.get("schema_version"), calls=len(doc["calls"]),
                         edge_findings=doc.get("edge_findings", []),
                         unused_allocations=doc.get("unused_allocations", []), warning=warning))
    return recs, False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="+", help="capture files or folders")
    ap.add_argument("-o", "--output", help="NDJSON file (default: standard output)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="captures at once (default: cores)")
    ap.add_argument("--plugin", help="msice.so to use instead of the installed plugin (e.g. build/msice.so)")
    ap.add_argument("--tshark", default=shutil.which("tshark") or "tshark", help="tshark to run")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per capture (default 600)")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    a = ap.parse_args()

    captures = find_captures(a.inputs)
    if not captures:
        sys.exit("msice-batch: no captures found")
    out = open(a.output, "w", encoding="utf-8") if a.output else sys.stdout
    runner = Runner(a.tshark, a.plugin, a.timeout)
    lock = threading.Lock()
    done = n_calls = n_failed = 0
    t0 = time.monotonic()

    def one(i, cap):
        t = time.monotonic()
        if not cap.is_file():
            return cap, None, "", "no such file", time.monotonic() - t
        rc, so, se = runner.report(cap, i)
        return cap, rc, so, se, time.monotonic() - t

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
            futs = [pool.submit(one, i, c) for i, c in enumerate(captures)]
            for f in concurrent.futures.as_completed(futs):
                cap, rc, so, se, secs = f.result()
                recs, failed = lines_for(cap, rc, so, se)
                with lock:
                    for r in recs:
                        out.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
                    out.flush()
                    done += 1
                    calls = sum(1 for r in recs if r["record"] == "call")
                    n_calls += calls
                    n_failed += failed
                    if not a.quiet:
                        state = f"ERROR: {recs[0]['error'][:200]}" if failed else f"{calls} call(s)"
                        print(f"[{done}/{len(captures)}] {cap.name}: {state} ({secs:.1f} s)", file=sys.stderr,
                              flush=True)
    finally:
        runner.cleanup()
        if a.output:
            out.close()
    if not a.quiet:
        print(f"msice-batch: {len(captures)} captures, {n_calls} calls, {n_failed} failed, "
              f"{time.monotonic() - t0:.1f} s with {max(1, a.jobs)} at once", file=sys.stderr)
    return 1 if n_failed else 0


if __name__ == "__main__":
    sys.exit(main())
