#!/usr/bin/env python3
"""How honest the run status line's ETA is over a whole demo run.

Usage: python3 docs/eta-check/eta_ratios.py JAR [JAR ...] [-- DEMO-OPTIONS ...]

Runs `java -jar JAR demo DEMO-OPTIONS` for each JAR at the same time (so that a build before and
after a change meet the same load), each in a fresh temporary folder, stamps each status line
(`run: N/M units done ... | ETA hh:mm:ss`) of its standard error with the time it arrives, and
prints, per tenth of the run, the ETA over the time really left (until the `M/M units done` line):
the least, the median and the most over the lines drawn in it; then, over the lines drawn with at
least 3 s left, the median and the share of the time (each line standing until the next) that
showed a ratio in [0.75, 1.3]."""
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

LINE = re.compile(r"run: (\d+)/(\d+) units done, .*?\| ETA (\S+)")


def run(jar, options, out):
    folder = tempfile.mkdtemp(prefix="eta-ratios-")
    start = time.monotonic()
    p = subprocess.Popen(["java", "-jar", os.path.abspath(jar), "demo"] + options, cwd=folder,
                         stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    lines, pending = [], b""
    # a bar is redrawn with carriage returns: split on both
    for chunk in iter(lambda: p.stderr.read1(65536), b""):
        now = time.monotonic() - start
        parts = re.split(rb"[\r\n]", pending + chunk)
        pending = parts.pop()
        for part in parts:
            m = LINE.search(part.decode("utf-8", "replace"))
            if m:
                lines.append((now, int(m.group(1)), int(m.group(2)), m.group(3)))
    out[jar] = (p.wait(), folder, lines)


def seconds(eta):
    if eta.startswith("--"):
        return None
    return sum(int(v) * 60 ** i for i, v in enumerate(reversed(eta.split(":"))))


def report(jar, rc, folder, lines):
    end = next((t for t, done, total, _ in lines if done == total), None)
    if rc != 0 or end is None:
        print(f"{jar}: exit {rc}, no final status line; see {folder}")
        return
    first = lines[0][0]
    print(f"{jar}: {len(lines)} status lines over {end - first:.1f} s (folder {folder})")
    rows = []
    for i, (t, done, total, eta) in enumerate(lines):
        s = seconds(eta)
        if s is not None and done < total and end - t >= 1:
            # a line stands until the next one: weighed by that time
            rows.append(((t - first) / (end - first), s / (end - t), end - t, lines[i + 1][0] - t))
    for k in range(10):
        r = sorted(x[1] for x in rows if k / 10 <= x[0] < (k + 1) / 10)
        if r:
            print(f"  {k * 10:3d}-{k * 10 + 10:3d}%  n={len(r):4d}  min {r[0]:.2f}  median {r[len(r) // 2]:.2f}"
                  f"  max {r[-1]:.2f}")
    r = [x for x in rows if x[2] >= 3]
    if not r:
        print("  no status line with >= 3 s left: the run was too short to judge the ETA")
        return
    shown = sum(x[3] for x in r)
    inside = sum(x[3] for x in r if 0.75 <= x[1] <= 1.3)
    median = sorted(x[1] for x in r)[len(r) // 2]
    print(f"  with >= 3 s left: n={len(r)}  median {median:.2f}  time shown in [0.75, 1.3]: {100 * inside / shown:.0f}%")


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    jars = argv[:argv.index("--")] if "--" in argv else argv
    options = argv[argv.index("--") + 1:] if "--" in argv else []
    out = {}
    threads = [threading.Thread(target=run, args=(j, options, out)) for j in jars]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for j in jars:
        report(j, *out[j])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
