"""The lessons on Keras' other backends: each lesson executed top to bottom with KERAS_BACKEND=jax or torch, and its
outputs compared with the reference edition's (TensorFlow), numbers within a tolerance.

    python -m course backends [--backend jax torch] [--lessons 05 06] [--without-tensorflow]   (make backends)
    python -m course backends --install-jax-path                                               (make backend-jax)

Without --lessons, each backend first runs the unit tests of the models, the exercise checks and the training helpers
(UNIT_TESTS, always without TensorFlow, with every slip of every exercise; make test runs one slip of each exercise on
each backend, and all of them on TensorFlow).

A lesson runs in a scratch copy of notebooks/ and must run top to bottom. Its code cells' text outputs are compared
with the stored TensorFlow ones, word for word and number for number within ``RTOL`` (relative) or ``ATOL``
(absolute): the backends add numbers in other orders, so the last digits differ. Cells tagged nbval-ignore-output
(training logs, timings) are not compared.
With --without-tensorflow the kernel cannot import TensorFlow, as on a machine that has only JAX or PyTorch.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course import NOTEBOOKS, ROOT, lessons

BACKENDS = ("jax", "torch")
RTOL, ATOL = 2e-2, 2e-3
IGNORED = "nbval-ignore-output"
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
NO_TENSORFLOW = ROOT / "tests" / "no_tensorflow"  # a sitecustomize that makes `import tensorflow` fail
UNIT_TESTS = ["tests/test_exercise_checks.py", "tests/test_resnet.py", "tests/test_batchnorm_and_init.py"]


# make backend-jax installs requirements-jax.lock into <.venv>/backends/jax, and this line, in a .pth file of .venv's
# site-packages, puts that folder on the path of a process started with KERAS_BACKEND=jax, and of no other: TensorFlow
# and Keras import JAX whenever they can find it (tensorflow/lite/python/util.py: `from jax import jit`, at `import
# tensorflow`; Keras' orbax checkpoint callback: `import jax`, at `import keras`): `import tensorflow` alone took
# 4.45-4.53 s with JAX in view and 3.72-3.82 s without (three runs each, 2-core AMD EPYC, 2026-12-05). PyTorch goes into
# site-packages:
# neither imports it unless it is the backend.
JAX_PATH_FILE = "convnets-course-jax.pth"
JAX_PATH_LINE = ('import os, sys; os.environ.get("KERAS_BACKEND") == "jax" and '
                 'sys.path.append(os.path.join(sys.prefix, "backends", "jax"))\n')


def jax_folder(prefix=None):
    """Where make installs JAX: a folder of the Python environment at ``prefix`` (this one), outside site-packages."""
    return Path(sys.prefix if prefix is None else prefix) / "backends" / "jax"


OLDER_JAX_STAMP = ".jax-stamp"  # in .venv: make up to 430bf34 installed requirements-jax.lock into site-packages


def install_jax_path(prefix=None, run=subprocess.run):
    """Write JAX_PATH_FILE into the site-packages of the environment at ``prefix`` (this one). Where an older make
    installed requirements-jax.lock into that site-packages (<prefix>/.jax-stamp says so), uninstall the packages
    that only that lock pins (every process would import that JAX) and remove the stamp."""
    prefix = Path(sys.prefix if prefix is None else prefix)
    site_packages = Path(sysconfig.get_paths(vars={"base": str(prefix), "platbase": str(prefix)})["purelib"])
    (site_packages / JAX_PATH_FILE).write_text(JAX_PATH_LINE, encoding="utf-8")
    if (prefix / OLDER_JAX_STAMP).exists():
        from helpers.session import LOCKS, locked

        pinned = {lock: set(locked(ROOT / lock)) for lock in LOCKS}
        only_jax = pinned["requirements-jax.lock"] - pinned["requirements.lock"] - pinned["requirements-torch.lock"]
        run([str(prefix / "bin" / "python"), "-m", "pip", "uninstall", "--quiet", "--yes", *sorted(only_jax)],
            check=True)
        (prefix / OLDER_JAX_STAMP).unlink()


def environ(backend, without_tensorflow=False, base=None):
    """The environment of a process on ``backend``: ``base`` (os.environ) with KERAS_BACKEND and, when
    ``without_tensorflow``, tests/no_tensorflow first on PYTHONPATH."""
    base = os.environ if base is None else base
    paths = [str(NO_TENSORFLOW) if without_tensorflow else None, base.get("PYTHONPATH")]
    return {**base, "KERAS_BACKEND": backend, "PYTHONPATH": os.pathsep.join(filter(None, paths))}


def unit_tests(backend, marks=None):
    """Run UNIT_TESTS on ``backend`` in a process without TensorFlow (``marks``: pytest's -m, e.g. "not further_slip");
    return pytest's CompletedProcess."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
               *(["-m", marks] if marks else []), *UNIT_TESTS]
    env = environ(backend, without_tensorflow=True, base={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    except subprocess.TimeoutExpired as error:
        output = error.stdout.decode() if isinstance(error.stdout, bytes) else error.stdout or ""
        return subprocess.CompletedProcess(command, 1, f"{output}\nran out of time ({error.timeout:.0f} s)", "")


def text_outputs(cell):
    """The text a code cell printed or returned (streams, text/plain, errors), as one string."""
    found = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            found.append("".join(output["text"]))
        elif output.get("output_type") in ("execute_result", "display_data"):
            found.append("".join(output.get("data", {}).get("text/plain", "")))
        elif output.get("output_type") == "error":
            found.append(f"{output['ename']}: {output['evalue']}")
    return "".join(found)


BACKEND_NAME = re.compile(r"\b(TensorFlow|JAX|PyTorch)\b( \d+(\.\d+)*)?")  # what setup() and the doctor name


def differences(expected, found):
    """Where two outputs differ beyond the tolerance: [] when they agree (same words, numbers within RTOL/ATOL; the
    backend's name and version, which setup() and the doctor print, aside)."""
    expected, found = BACKEND_NAME.sub("BACKEND", expected), BACKEND_NAME.sub("BACKEND", found)
    if NUMBER.sub("#", expected).split() != NUMBER.sub("#", found).split():
        return [f"text: expected {expected[:300]!r}, found {found[:300]!r}"]
    problems = []
    for a, b in zip(NUMBER.findall(expected), NUMBER.findall(found)):
        x, y = float(a), float(b)
        if abs(x - y) > ATOL + RTOL * abs(x):
            problems.append(f"{a} became {b}")
    return problems


def run(backend, path, without_tensorflow=False):
    """Execute lesson ``path`` with ``backend``; return (seconds, [(cell id, problem)]): a cell that raised, or an
    output that differs beyond the tolerance."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "notebooks"
        shutil.copytree(NOTEBOOKS, folder, ignore=shutil.ignore_patterns("output", ".ipynb_checkpoints"))
        nb = nbformat.read(folder / Path(path).name, as_version=4)
        saved = {name: os.environ.get(name) for name in ("KERAS_BACKEND", "PYTHONPATH")}
        os.environ.update(environ(backend, without_tensorflow, base=saved))
        start = time.perf_counter()
        try:
            NotebookClient(nb, timeout=1800, kernel_name="python3", allow_errors=True,
                           resources={"metadata": {"path": str(folder)}}).execute()
        finally:
            for name, value in saved.items():
                os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)
        seconds = time.perf_counter() - start
    reference = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    problems = []
    for before, after in zip(reference, nb.cells):
        if before["cell_type"] != "code":
            continue
        if any(output.output_type == "error" for output in after.outputs):
            if "raises-exception" not in after.metadata.get("tags", []):
                problems.append((after.get("id"), f"{RAISED} {text_outputs(after)[-400:]}"))
            continue
        if IGNORED in before["metadata"].get("tags", []):
            continue
        problems += [(after.get("id"), problem) for problem in differences(text_outputs(before), text_outputs(after))]
    return seconds, problems


RAISED = "raised"


def main(args):
    """The unit tests (unless --lessons), then every chosen lesson, on every chosen backend (--install-jax-path:
    install_jax_path() only). A lesson fails when a cell raises; numbers that differ are listed: the backends draw
    other random numbers from the same seeds (other starting weights and shuffles), so outputs that depend on them
    differ by more than rounding (lessons 05 and 06 do not; make test checks them)."""
    if args.install_jax_path:
        install_jax_path()
        return 0
    failed = 0
    for backend in args.backend:
        if not args.lessons:
            result = unit_tests(backend)
            print(f"{backend:6} unit tests: {result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ''}",
                  flush=True)
            if result.returncode:
                print(result.stdout[-4000:] + result.stderr[-2000:])
            failed += bool(result.returncode)
        for path in lessons():
            if args.lessons and path.stem[:2] not in args.lessons:
                continue
            seconds, problems = run(backend, path, args.without_tensorflow)
            raised = [(cell, problem) for cell, problem in problems if problem.startswith(RAISED)]
            print(f"{backend:6} {path.stem}: {'FAILED' if raised else 'ran'} in {seconds:.0f} s; "
                  f"{len(problems) - len(raised)} outputs differ from TensorFlow's", flush=True)
            for cell, problem in (raised + problems)[:10]:
                print(f"         cell {cell}: {problem[:300]}")
            failed += bool(raised)
    return 1 if failed else 0


def add_arguments(parser):
    parser.add_argument("--backend", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--lessons", nargs="*",
                        help="lesson numbers, e.g. 05 06 (default: the unit tests, then every lesson)")
    parser.add_argument("--without-tensorflow", action="store_true",
                        help="make `import tensorflow` fail in the kernel, as on a machine without it")
    parser.add_argument("--install-jax-path", action="store_true",
                        help="after make installed JAX into .venv/backends/jax: the .pth file that shows it to a "
                             "process with KERAS_BACKEND=jax (make backend-jax runs it)")
