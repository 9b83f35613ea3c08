"""Session set-up, in every notebook's first code cell: ``setup(seed=0)``; files it writes go to ``output_path``."""
import os
import platform
import re
import sys
import warnings
from pathlib import Path

from helpers.i18n import _

REQUIRED_PYTHON = (3, 11)
MIN_KERAS_MAJOR = 3
CHECKOUT = Path(__file__).resolve().parent.parent  # a checkout of the course holds requirements.lock here
BACKENDS = {"tensorflow": ("TensorFlow", "tensorflow"), "jax": ("JAX", "jax"), "torch": ("PyTorch", "torch")}
LOCKS = ("requirements.lock", "requirements-jax.lock", "requirements-torch.lock")


def backend():
    """The Keras backend of this session: KERAS_BACKEND, which ``helpers`` sets to "tensorflow" unless it is set."""
    return os.environ.get("KERAS_BACKEND", "tensorflow")


def package_name(name):
    """A package's name as pip compares names: lower case, each run of "-", "_" and "." one "-"."""
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(lock):
    """{package_name: version} of every package a lock file pins (``name==version`` lines)."""
    pins = {}
    for line in Path(lock).read_text().splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split("==", 1)
            pins[package_name(name.strip())] = version.strip()
    return pins


def locked_versions(root=CHECKOUT):
    """{"tensorflow", "jax", "torch", "keras": version} as pinned in the checkout's lock files ({} without them)."""
    pins = {}
    for name in LOCKS:
        if (Path(root) / name).is_file():
            for package, version in locked(Path(root) / name).items():
                package = "tensorflow" if package == "tensorflow-cpu" else package
                if package in ("tensorflow", "jax", "torch", "keras"):
                    pins[package] = version.split("+")[0]
    return pins


def import_tensorflow_quietly():
    """Import TensorFlow (and return it) with C-level stderr sent to /dev/null: with oneDNN on,
    the import prints timestamped absl lines that Jupyter would show in the cell's output."""
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    return tensorflow


def quiet_tensorflow():
    """Silence TensorFlow's Python-side logging (C++ lines: TF_CPP_MIN_LOG_LEVEL and a quiet import)."""
    import_tensorflow_quietly()
    import logging
    import absl.logging
    absl.logging.set_verbosity(absl.logging.ERROR)
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message=r".*`build\(\)` was called on layer.*")


def seed_everything(seed):
    """Seed Python's ``random``, NumPy and the Keras backend; on TensorFlow, make its ops deterministic too."""
    import keras
    keras.utils.set_random_seed(seed)  # seeds python, numpy and the backend in one call
    if backend() == "tensorflow":
        import tensorflow as tf
        tf.config.experimental.enable_op_determinism()


def versions():
    """The versions that matter for this course (Python as major.minor), the backend's under its own name."""
    import importlib
    import keras
    import matplotlib
    import numpy as np
    title, module = BACKENDS.get(backend(), (backend(), backend()))
    return {
        "Python": platform.python_version_tuple()[0] + "." + platform.python_version_tuple()[1],
        title: importlib.import_module(module).__version__.split("+")[0],
        "Keras": keras.__version__,
        "NumPy": np.__version__,
        "Matplotlib": matplotlib.__version__,
    }


def check_versions(found, pinned=None):
    """Raise RuntimeError if Python or Keras is too old; warn if TensorFlow or Keras is not the locked version."""
    if tuple(int(part) for part in found["Python"].split(".")) < REQUIRED_PYTHON:
        raise RuntimeError(_("This course needs Python {required}, found {found}. Create the environment with "
                             "`make lab` (or `conda env create -f environment.yml`).").format(
                                 required=f"{REQUIRED_PYTHON[0]}.{REQUIRED_PYTHON[1]}", found=found["Python"]))
    if int(found["Keras"].split(".")[0]) < MIN_KERAS_MAJOR:
        raise RuntimeError(_("This course is written for Keras {major}, found Keras {found}. Install the pinned "
                             "versions: pip install -r requirements.lock").format(major=MIN_KERAS_MAJOR,
                                                                                   found=found["Keras"]))
    pinned = locked_versions() if pinned is None else pinned
    for name, title in (*((module, title) for module, (title, _m) in BACKENDS.items()), ("keras", "Keras")):
        if title not in found:
            continue
        if pinned.get(name) and found.get(title) != pinned[name]:
            warnings.warn(_("The notebooks were run with {package} {locked}, found {found}: outputs may differ "
                            "slightly.").format(package=title, locked=pinned[name], found=found.get(title)),
                          stacklevel=3)


def setup(seed=0, verbose=True):
    """Prepare a notebook session: quiet TensorFlow, seed everything, check the versions (and print them)."""
    if backend() == "tensorflow" and "tensorflow" in sys.modules and os.environ.get("TF_CPP_MIN_LOG_LEVEL") != "3":
        warnings.warn(_("TensorFlow was imported before helpers.session.setup(); its C++ log lines may appear. "
                        "Restart the kernel and run the setup cell first."), stacklevel=2)
    if backend() == "tensorflow":
        quiet_tensorflow()
    else:
        try:  # keras.utils.set_random_seed imports it on every backend, to seed it too, when it is installed
            import_tensorflow_quietly()
        except ImportError:
            pass
    seed_everything(seed)
    found = versions()
    check_versions(found)
    show_check_failures_as_messages()
    if verbose:
        print(_("{versions} | seed {seed}").format(
            versions=" | ".join(f"{name} {version}" for name, version in found.items()), seed=seed))
    return found


def ipython_shell():
    """The running IPython shell (a Jupyter kernel), or None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def show_check_failures_as_messages():
    """In Jupyter, a CheckFailed raised by a check shows its message alone, not a traceback through the helpers."""
    shell = ipython_shell()
    if shell is None:
        return
    from helpers.checks import CheckFailed

    def message_only(shell, etype, value, tb, tb_offset=None):
        shown = [f"{etype.__name__}: {value}"]
        shell._showtraceback(etype, value, shown)  # IPython leaves the showing to the handler; Jupyter's error output
        return shown

    shell.set_custom_exc((CheckFailed,), message_only)


OUTPUT_FOLDER = "output"


def output_path(name):
    """Where a notebook writes the file ``name``: ``output/<name>`` in the current (the notebook's) folder."""
    folder = Path(OUTPUT_FOLDER)
    folder.mkdir(exist_ok=True)
    return folder / name
