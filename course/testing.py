"""The test run of `make test`: the unit tests, every lesson under nbval, three lessons of each translated edition,
the editions in a browser. The canary (course.canary) runs this command, less the JAX and PyTorch tests
(canary.LEFT_OUT), in its own environment.

    python -m course test [pytest arguments]      (make test PYTEST_ARGS="...")

Three pytest workers (pytest-xdist), each running whole files (`--dist loadfile`): a notebook's cells stay in order
in one kernel. Three, on two cores: while one worker waits (for a browser, a kernel starting, a subprocess), the
other two keep both cores busy (the README gives the times measured). A worker takes the next file in line when it
has two tests left; the line starts with the files that take longest, longest first (the plugin
course.longest_first, and `--no-loadscope-reorder` to keep its order), and the many short ones fill in at the end.
nbval compares every output of a cell without the tag nbval-ignore-output (tests/nbval_sanitize.cfg masks what
cannot be stable, such as memory sizes).

The run has a matplotlib configuration folder of its own (MPLCONFIGDIR, a new temporary folder, and no
MATPLOTLIBRC): no matplotlibrc in the user's configuration folder changes a figure, and the font cache is this
run's, built before pytest starts (about half a second), so a stale cache left by another program, or matplotlib's
"building the font cache" notice in a cell's stderr, cannot fail a figure's cell.

TensorFlow's and PyTorch's computations in each worker get that worker's share of the cores: TF_NUM_INTRAOP_THREADS
(TensorFlow's intra-op threads) and OMP_NUM_THREADS (PyTorch's, and NumPy's OpenBLAS) are the cores divided by the
workers, rounded up, since one worker is often waiting (all of them with -n 0), unless set already. Left to
themselves, both would use every core in each worker and in each kernel a worker starts, and their threads would
take the cores from one another. JAX and TensorFlow's inter-op threads are not limited.
"""
import contextlib
import os
import subprocess
import sys
import tempfile

from course import ROOT
from course.languages import languages

# Three lessons of every translated edition run under nbval too, each in its edition's folder (so the helpers speak
# its language); the others are left out for time.
TRANSLATED_NBVAL_LESSONS = ("01_keras_convention", "05_identity_block", "06_convolutional_block")


def translated_nbval(root=ROOT):
    """The translated lessons pytest runs under nbval: TRANSLATED_NBVAL_LESSONS of every language of locale/."""
    return [f"{code}/notebooks/{lesson}.ipynb" for code in languages(root) for lesson in TRANSLATED_NBVAL_LESSONS]


WORKERS = 3


def pytest_arguments(extra=()):
    """The arguments of `python -m pytest` for the whole run."""
    return ["-n", str(WORKERS), "--dist", "loadfile", "--no-loadscope-reorder", "-p", "course.longest_first",
            "tests", "notebooks", *translated_nbval(),
            "--nbval", "--nbval-current-env", "--sanitize-with", "tests/nbval_sanitize.cfg",
            "--nbval-cell-timeout=900", "-m", "not slow", *extra]


def cores():
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def threads_per_worker(arguments):
    """Each pytest worker's share of the cores (rounded up: 1 for 3 workers on 2 cores, 2 on 4), for the workers
    that ``arguments`` ask for: the last -n (-n 0: one process, every core; -n auto or logical: a worker per core)."""
    workers = WORKERS
    for option, value in zip(arguments, list(arguments[1:]) + [None]):
        if option in ("-n", "--numprocesses") and value is not None:
            workers = cores() if value in ("auto", "logical") else int(value)
    return -(-cores() // max(1, workers))


def environment(matplotlib_folder, arguments):
    """The environment of a pytest run with ``arguments``: this one, with matplotlib's configuration in
    ``matplotlib_folder``, no MATPLOTLIBRC, and each worker's share of the cores for TensorFlow's and PyTorch's
    computations (unless TF_NUM_INTRAOP_THREADS or OMP_NUM_THREADS is set already)."""
    env = {key: value for key, value in os.environ.items() if key != "MATPLOTLIBRC"}
    for variable in ("TF_NUM_INTRAOP_THREADS", "OMP_NUM_THREADS"):
        env.setdefault(variable, str(threads_per_worker(arguments)))
    return {**env, "MPLCONFIGDIR": str(matplotlib_folder)}


@contextlib.contextmanager
def run_environment(python, arguments, parent=None, check=True):
    """The environment of a pytest run with ``arguments`` (``environment``), in a new matplotlib folder (in
    ``parent``, or the system's temporary folder) in which ``python`` first builds the font cache (with check=False
    a failure to build it is let pass: pytest then reports what is broken); the folder goes after."""
    with tempfile.TemporaryDirectory(prefix="course-test-matplotlib-", dir=parent) as matplotlib_folder:
        env = environment(matplotlib_folder, arguments)
        subprocess.run([str(python), "-c", "import matplotlib.font_manager"], cwd=ROOT, env=env, check=check)
        yield env


def main(args):
    arguments = pytest_arguments(args.pytest_args)
    with run_environment(sys.executable, arguments) as env:
        return subprocess.run([sys.executable, "-m", "pytest", *arguments], cwd=ROOT, env=env).returncode


def add_arguments(parser):
    parser.add_argument("pytest_args", nargs="*", help="more arguments for pytest, e.g. -n 0 or -k doctor")
