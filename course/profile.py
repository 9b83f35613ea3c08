"""What each lesson needs from a machine: its peak memory, CPU time and wall time, run top to bottom in a fresh kernel.

    python -m course profile [--lessons 05 07] [--write]     (make profile: every lesson, and CLASSROOM.md updated)

Each lesson runs in a copy of notebooks/ (nothing in the checkout changes), while a thread samples, every 0.1 s, the
resident memory of the kernel and of every process it starts (Graphviz's dot, for instance), summed, and their CPU
time. With --write the table goes into CLASSROOM.md between its profile markers, with the per-student limits a hub
should set, derived from the largest peak.
"""
import math
import os
import platform
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

from course import NOTEBOOKS, ROOT, lessons

GUIDE = ROOT / "CLASSROOM.md"
BEGIN, END = "<!-- profile:begin (python -m course profile --write) -->", "<!-- profile:end -->"


class Sampler(threading.Thread):
    """The peak summed memory and the CPU seconds of this process's descendants (the kernel and its children)."""

    def __init__(self, every=0.1):
        super().__init__(daemon=True)
        self.every, self.peak, self.cpu, self.done = every, 0, {}, threading.Event()

    def run(self):
        me = psutil.Process()
        while not self.done.is_set():
            total = 0
            for process in me.children(recursive=True):
                try:
                    with process.oneshot():
                        total += process.memory_info().rss
                        times = process.cpu_times()
                        self.cpu[process.pid] = times.user + times.system
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            self.done.wait(self.every)


def measure(path):
    """{"lesson", "peak_gb", "cpu_s", "wall_s"} of one lesson run top to bottom in a fresh kernel."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "notebooks"
        shutil.copytree(NOTEBOOKS, folder, ignore=shutil.ignore_patterns("output", ".ipynb_checkpoints"))
        nb = nbformat.read(folder / Path(path).name, as_version=4)
        sampler = Sampler()
        sampler.start()
        start = time.perf_counter()
        NotebookClient(nb, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
        wall = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
    return {"lesson": Path(path).stem, "peak_gb": sampler.peak / 1e9, "cpu_s": sum(sampler.cpu.values()),
            "wall_s": wall}


def machine():
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").is_file() else ""
    return f"{cores} cores ({model}), {psutil.virtual_memory().total / 2**30:.0f} GiB, {time.strftime('%Y-%m-%d')}"


def table(results):
    peak = max(r["peak_gb"] for r in results)
    limit = math.ceil(peak * 1.25 * 2) / 2  # a quarter more than the largest peak, in steps of 0.5 GB
    lines = [f"Measured by `make profile` on {machine()}: each lesson run top to bottom in a fresh kernel.", "",
             "| lesson | peak memory | CPU time | wall time |", "|---|---|---|---|"]
    lines += [f"| `{r['lesson']}` | {r['peak_gb']:.1f} GB | {r['cpu_s']:.0f} s | {r['wall_s']:.0f} s |" for r in results]
    lines += ["", f"Per student: a memory limit of **{limit:g} GB** (the largest peak, {peak:.1f} GB, and a quarter more "
              "for the notebook server and the browser's kernel messages, rounded up to the next half GB) and **2 CPUs**, the machine these times were "
              "measured on."]
    return "\n".join(lines)


def write(text, begin=BEGIN, end=END):
    """Put ``text`` into CLASSROOM.md between its ``begin`` and ``end`` markers (make profile's, make class's)."""
    guide = GUIDE.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    if not pattern.search(guide):
        raise SystemExit(f"CLASSROOM.md has no {begin} ... {end} markers")
    GUIDE.write_text(pattern.sub(lambda _: f"{begin}\n{text}\n{end}", guide), encoding="utf-8")


def main(args):
    chosen = [path for path in lessons() if not args.lessons or path.stem[:2] in args.lessons]
    results = []
    for path in chosen:
        results.append(measure(path))
        r = results[-1]
        print(f"{r['lesson']}: peak {r['peak_gb']:.2f} GB, CPU {r['cpu_s']:.0f} s, wall {r['wall_s']:.0f} s", flush=True)
    text = table(results)
    print(text)
    if args.write:
        write(text)
        print(f"written into {GUIDE.relative_to(ROOT)}")
    return 0


def add_arguments(parser):
    parser.add_argument("--lessons", nargs="*", help="lesson numbers, e.g. 05 07 (default: all)")
    parser.add_argument("--write", action="store_true", help="put the table into CLASSROOM.md")
