"""`make canary`: run the test suite (make test's, less the JAX and PyTorch tests) against what comes next -- the
nightly builds of TensorFlow and Keras and the newest releases of every other top-level dependency -- in a virtual
environment of its own (.canary/venv; the course's .venv is not touched), and report what broke.

    make canary                               # install afresh, run everything (python -m course canary ...)
    make canary CANARY_ARGS="--reuse"          # keep .canary/venv from the last run
    make canary CANARY_ARGS="--pytest tests"   # only the unit tests, not the notebooks

The report (.canary/report.md, git-ignored, also printed) gives the versions that differ from requirements.lock,
every test that failed with the first line of its error, and, for a notebook, which cell's output changed.
Exit status: 0 when nothing broke, 1 when a test failed, 2 when the environment could not be made.
"""
import re
import subprocess
import time
import venv
import xml.etree.ElementTree as ET

from course import ROOT
from course.testing import pytest_arguments, run_environment
from helpers import session

HOME = ROOT / ".canary"
LEFT_OUT = ["--ignore=tests/test_backends.py"]  # what make test runs and the canary does not (see main)
NIGHTLY = {"tensorflow-cpu": "tf-nightly", "tensorflow": "tf-nightly", "keras": "keras-nightly"}
def top_level(lock_top):
    """Split the Makefile's LOCK_TOP into (nightlies, releases): package names without their pins."""
    nightlies, releases = [], []
    for requirement in lock_top:
        name = re.split(r"[<>=!~\[ ]", requirement, maxsplit=1)[0]
        if name.lower() in NIGHTLY:
            if NIGHTLY[name.lower()] not in nightlies:
                nightlies.append(NIGHTLY[name.lower()])
        else:
            releases.append(name)
    return nightlies, releases


def frozen(python):
    out = subprocess.run([str(python), "-m", "pip", "freeze", "--all", "--exclude-editable"], capture_output=True,
                         text=True, check=True).stdout
    return {session.package_name(name): version for name, _, version in
            (line.partition("==") for line in out.splitlines() if "==" in line)}


def run(command, log, env=None):
    print("$", " ".join(map(str, command)), flush=True)
    with open(log, "a") as out:
        out.write("$ " + " ".join(map(str, command)) + "\n")
        out.flush()
        return subprocess.run(list(map(str, command)), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                              env=env).returncode


def make_environment(lock_top, reuse, log):
    python = HOME / "venv" / "bin" / "python"
    if reuse and python.exists():
        return python
    if (HOME / "venv").exists():
        subprocess.run(["rm", "-rf", str(HOME / "venv")], check=True)
    venv.create(HOME / "venv", with_pip=True)
    nightlies, releases = top_level(lock_top)
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    # Newest releases first; then the nightlies, with a pre-release specifier so that only they may be
    # pre-releases (--pre would also take release candidates of their dependencies, protobuf's say).
    steps = [pip + ["--upgrade", "pip"], pip + ["--upgrade"] + releases,
             pip + ["--upgrade"] + [f"{name}>=0.0.dev0" for name in nightlies],
             pip + ["--no-deps", "--no-build-isolation", "-e", "."]]
    for step in steps:
        if run(step, log) != 0:
            raise SystemExit(f"canary: could not make the environment; see {log.relative_to(ROOT)}")
    return python


def failures(junit):
    """[(test id, first line of its error)] from pytest's JUnit XML."""
    found = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        for kind in ("failure", "error"):
            element = case.find(kind)
            if element is None:
                continue
            name = f"{case.get('classname', '')}::{case.get('name', '')}".strip(":")
            message = (element.get("message") or element.text or "").strip()
            found.append((name, first_line(message, element.text or "")))
    return found


def first_line(message, text):
    """The line that says what went wrong: for nbval, the cell and the changed output; otherwise the error."""
    plain = re.sub(r"\x1b\[[0-9;]*m|#x1B\[[0-9;]*m", "", message + "\n" + text)  # nbval colours its messages
    lines = [line.strip() for line in plain.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("E ") or "Error" in line or "differ" in line or "mismatch" in line.lower():
            return line[:300]
    return (lines[0] if lines else "(no message)")[:300]


def write_report(python, pins, results, returncode, elapsed, pytest_args):
    now = frozen(python)
    lines = ["# Canary report", "", f"{time.strftime('%Y-%m-%d %H:%M')}, pytest {' '.join(pytest_args)}: "
             f"exit {returncode}, {elapsed / 60:.1f} min", "", "## Versions that differ from requirements.lock", ""]
    changed = sorted((name, pins.get(name, "—"), version) for name, version in now.items()
                     if pins.get(name) != version)
    lines += [f"- {name}: {old} → {new}" for name, old, new in changed] or ["- none"]
    lines += ["", f"## Tests that broke ({len(results)})", ""]
    lines += [f"- `{name}`: {message}" for name, message in results] or ["- none"]
    text = "\n".join(lines) + "\n"
    (HOME / "report.md").write_text(text)
    return text


def main(args):
    HOME.mkdir(exist_ok=True)
    log = HOME / "log.txt"
    log.write_text("")
    python = make_environment(args.lock_top, args.reuse, log)
    junit = HOME / "junit.xml"
    # JAX and PyTorch are not in this environment (nor in LOCK_TOP): tests/test_backends.py stays with make test, and
    # the weekly workflow's make backends runs the lessons and unit tests on them, with the locks' versions
    pytest_args = pytest_arguments(LEFT_OUT) if args.pytest is None else args.pytest
    start = time.perf_counter()
    # helpers.doctor (notebook 00) accepts this environment as the course's, on purpose; matplotlib's configuration
    # and font cache are this run's own, new, as make test's are
    with run_environment(python, pytest_args, parent=HOME, check=False) as env:
        env = dict(env, CONVNETS_COURSE_VENV=str(HOME / "venv"))
        returncode = run([python, "-m", "pytest", *pytest_args, f"--junitxml={junit}", "-p", "no:cacheprovider"],
                         log, env=env)
    elapsed = time.perf_counter() - start
    if not junit.exists():
        print(f"canary: pytest wrote no results (exit {returncode}); see {log.relative_to(ROOT)}")
        return 2
    results = failures(junit)
    print(write_report(python, session.locked(ROOT / "requirements.lock"), results, returncode, elapsed, pytest_args))
    print(f"canary: report in {(HOME / 'report.md').relative_to(ROOT)}, pytest's output in {log.relative_to(ROOT)}")
    return 1 if results or returncode != 0 else 0


def add_arguments(parser):
    parser.add_argument("--reuse", action="store_true", help="keep .canary/venv if it exists")
    parser.add_argument("--pytest", nargs="+", default=None, metavar="ARG",
                        help="pytest arguments instead of make test's (e.g. --pytest tests)")
    parser.add_argument("--lock-top", nargs="+", required=True, help="the top-level requirements (Makefile)")
