#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Measures one command the way the benchmarks in bench/ quote it.

    measure.py RUNS [--callgrind] -- COMMAND [ARG ...]

Runs COMMAND RUNS times (output thrown away) and prints one line:

    cpu=<s> wall=<s> peak_kib=<KiB> [instr=<N>]

cpu is user + system seconds and wall the elapsed seconds, both the minimum
over the runs (the least disturbed run on a shared machine); peak_kib is the
largest resident set of the command's process, the maximum over the runs,
read from wait4() of that process alone. With --callgrind the command runs
once more under valgrind's callgrind and instr is the total instructions it
executed (repeatable whatever the machine is doing). The word "tshark" in
COMMAND is where valgrind is put, so that a wrapper (setpriv, env) is not
what gets counted.
"""
import os
import re
import subprocess
import sys
import time


def run_once(cmd):
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    # wait4 gives this child's own rusage; communicate() would reap it first.
    err = b""
    while True:
        chunk = proc.stderr.read(65536)
        if not chunk:
            break
        if len(err) < 65536:
            err += chunk[:65536 - len(err)]
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit("measure.py: %s exited %d: %s" % (cmd[0], proc.returncode,
                                                  err.decode(errors="replace")[-500:]))
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss


def callgrind(cmd):
    """Total instructions of the command's tshark under callgrind."""
    try:
        i = len(cmd) - 1 - cmd[::-1].index("tshark")
    except ValueError:
        i = 0
    vg = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    res = subprocess.run(cmd[:i] + vg + cmd[i:], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    m = re.search(rb"Collected : (\d+)", res.stderr)
    if not m:
        sys.exit("measure.py: callgrind printed no total")
    return int(m.group(1))


def main():
    args = sys.argv[1:]
    if "--" not in args or not args or not args[0].isdigit():
        sys.exit(__doc__)
    sep = args.index("--")
    runs, opts, cmd = int(args[0]), args[1:sep], args[sep + 1:]
    cpu = wall = None
    peak = 0
    for _ in range(max(1, runs)):
        c, w, p = run_once(cmd)
        cpu = c if cpu is None else min(cpu, c)
        wall = w if wall is None else min(wall, w)
        peak = max(peak, p)
    line = "cpu=%.2f wall=%.2f peak_kib=%d" % (cpu, wall, peak)
    if "--callgrind" in opts:
        line += " instr=%d" % callgrind(cmd)
    print(line)


if __name__ == "__main__":
    main()
