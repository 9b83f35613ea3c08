"""``python -m helpers.doctor``: is this set-up ready for the course? It checks what the notebooks need and,
for every problem, prints what to do on this platform. Exit status 0 when all is well, 1 otherwise.

It checks:
- Python: the course runs on Python 3.11;
- TensorFlow and Keras: Keras 3; inside the course's own environment (``.venv``, made by ``make``), exactly the
  versions of ``requirements.lock``, with which the stored outputs were made;
- Graphviz: that ``dot`` really turns a small graph into a PNG (``plot_model`` only prints a warning when it
  cannot, and the diagram is silently missing);
- the datasets: present, readable in the course's format, and, for the offline stand-ins, the same images as
  the renderers draw (SHA-256 of their contents, ``helpers.datasets.STAND_IN_SHA256``);
- the data folder: that it can be written (the stand-ins are drawn there, once);
- the kernel: that it runs in the checkout's ``.venv`` when the checkout has one (a kernel of another Python
  misses the pinned packages).

Notebook 00 runs the same checks (``report(verbose=False)``).
"""
import os
import platform
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from helpers import datasets
from helpers.session import MIN_KERAS_MAJOR, REQUIRED_PYTHON

CHECKOUT = Path(__file__).resolve().parent.parent


@dataclass
class Finding:
    """The result of one check: what was checked, whether it is fine, what was found, and what to do."""
    check: str
    ok: bool
    found: str
    fix: str = ""

    def lines(self):
        mark = "ok     " if self.ok else "PROBLEM"
        yield f"{mark} {self.check}: {self.found}"
        if not self.ok and self.fix:
            yield f"        fix: {self.fix}"


def is_checkout(root):
    """True if ``root`` is a checkout of the course (pyproject.toml and notebooks/), not an installed package."""
    root = Path(root)
    return (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir()


def system_name(system=None):
    """'debian', 'fedora', 'arch', 'macos', 'windows' or 'other': whose install commands to print."""
    system = system or platform.system()
    if system == "Darwin":
        return "macos"
    if system == "Windows":
        return "windows"
    for name, marker in (("debian", "/etc/debian_version"), ("fedora", "/etc/fedora-release"),
                         ("fedora", "/etc/redhat-release"), ("arch", "/etc/arch-release")):
        if Path(marker).exists():
            return name
    return "other"


def python_fix(system=None):
    return {
        "debian": "sudo apt-get install python3.11 python3.11-venv, then `make lab` (it builds .venv with it)",
        "fedora": "sudo dnf install python3.11, then `make lab`",
        "arch": "install Python 3.11 (e.g. with pyenv), then `make lab PYTHON=/path/to/python3.11`",
        "macos": "brew install python@3.11, then `make lab`",
        "windows": "install Python 3.11 from python.org, then `py -3.11 -m venv .venv` and "
                   "`.venv\\Scripts\\pip install -r requirements.lock -e .`",
    }.get(system_name(system), "install Python 3.11, or `conda env create -f environment.yml`")


def graphviz_fix(system=None):
    return {
        "debian": "sudo apt-get install graphviz   (`make lab` does it for you)",
        "fedora": "sudo dnf install graphviz",
        "arch": "sudo pacman -S graphviz",
        "macos": "brew install graphviz",
        "windows": "winget install graphviz, then restart Jupyter so that PATH includes Graphviz's bin folder",
    }.get(system_name(system), "install your system's graphviz package, or: conda install -c conda-forge graphviz")


def reinstall_fix(root=CHECKOUT):
    if is_checkout(root):
        return "run `make lab` (or `.venv/bin/pip install -r requirements.lock`) in the course's folder"
    return "pip install -r requirements.lock from the course's repository"


# --- the checks ------------------------------------------------------------------------------------------------

def check_python(version_info=None):
    version_info = version_info or sys.version_info
    found = f"Python {version_info[0]}.{version_info[1]}.{version_info[2]}"
    ok = tuple(version_info[:2]) == REQUIRED_PYTHON
    return Finding("Python", ok, found + ("" if ok else f", the course needs {REQUIRED_PYTHON[0]}.{REQUIRED_PYTHON[1]}"),
                   python_fix())


def locked_versions(root=CHECKOUT):
    """{'tensorflow': ..., 'keras': ...} as pinned in the checkout's requirements.lock ({} outside a checkout)."""
    lock = Path(root) / "requirements.lock"
    pins = {}
    if not lock.is_file():
        return pins
    for line in lock.read_text().splitlines():
        name, _, version = line.strip().partition("==")
        name = name.lower().replace("_", "-")
        if name in ("tensorflow", "tensorflow-cpu"):
            pins["tensorflow"] = version
        elif name == "keras":
            pins["keras"] = version
    return pins


def check_versions(found=None, pinned=None, in_course_env=None, root=CHECKOUT):
    """Keras must be 3; in the course's own environment TensorFlow and Keras must be the locked versions
    (elsewhere, on Colab say, another version is only noted: the outputs may differ in their last digits)."""
    if found is None:
        from helpers.session import import_tensorflow_quietly
        tf = import_tensorflow_quietly()
        import keras
        found = {"tensorflow": tf.__version__, "keras": keras.__version__}
    pinned = locked_versions(root) if pinned is None else pinned
    in_course_env = runs_in_checkout_venv(root=root) if in_course_env is None else in_course_env
    findings = []
    for name, title in (("tensorflow", "TensorFlow"), ("keras", "Keras")):
        version = found.get(name)
        if version is None:
            findings.append(Finding(title, False, "not installed", reinstall_fix(root)))
            continue
        if name == "keras" and int(version.split(".")[0]) < MIN_KERAS_MAJOR:
            findings.append(Finding(title, False, f"{version}; the course is written for Keras 3", reinstall_fix(root)))
            continue
        want = pinned.get(name)
        if want is None or version == want:
            findings.append(Finding(title, True, version + (" (the locked version)" if want else "")))
        elif in_course_env:
            findings.append(Finding(title, False, f"{version}, but requirements.lock pins {want}",
                                    reinstall_fix(root)))
        else:
            findings.append(Finding(title, True, f"{version} (the notebooks were run with {want}: "
                                                 "numbers may differ in their last digits)"))
    return findings


def check_graphviz():
    """Draw a two-node graph with pydot and Graphviz's dot, and check that a PNG comes out."""
    try:
        import pydot
    except ImportError:
        return Finding("Graphviz", False, "the Python package pydot is missing", reinstall_fix())
    graph = pydot.Dot(graph_type="digraph")
    graph.add_edge(pydot.Edge("input", "dense"))
    try:
        png = graph.create(format="png")
    except (OSError, pydot.PydotException, AssertionError) as exc:
        found = shutil.which("dot")
        where = f"`dot` at {found} does not run ({str(exc).strip().splitlines()[0] if str(exc).strip() else exc!r})" \
            if found else "`dot` is not on the PATH"
        return Finding("Graphviz", False, where + ": model diagrams cannot be drawn",
                       graphviz_fix() + "; then restart the kernel")
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        return Finding("Graphviz", False, f"`dot` ran but did not write a PNG (first bytes {png[:8]!r})",
                       graphviz_fix() + "; then restart the kernel")
    return Finding("Graphviz", True, "`dot` draws diagrams")


def dataset_files(spec, data_dir):
    """('course files' or 'stand-ins', train path, test path) as ``helpers.datasets`` would load them."""
    course = datasets.course_files(spec, data_dir)
    if all(path.exists() for path in course):
        return "the course's files", course
    return "offline stand-ins", datasets.generated_files(spec, data_dir)


def check_datasets(data_dir=None):
    data_dir = Path(data_dir) if data_dir is not None else datasets.DATA_DIR
    findings = []
    for spec in datasets.SPECS.values():
        kind, paths = dataset_files(spec, data_dir)
        missing = [path for path in paths if not path.exists()]
        fix = "run `python -m helpers.datasets` (`make lab` and `make test` do it): it draws the stand-ins offline"
        if missing:
            findings.append(Finding(spec.title, False, f"{kind}: missing {', '.join(p.name for p in missing)} in "
                                                       f"{shown(missing[0].parent)}", fix))
            continue
        problems = []
        for path, split in zip(paths, ("train", "test")):
            try:
                datasets.read_split(path, split, spec, "course" if kind == "the course's files" else "generated")
            except (datasets.DatasetError, OSError) as exc:
                problems.append(str(exc).splitlines()[0])
                continue
            if kind == "offline stand-ins":
                digest = datasets.content_sha256(path, split)
                if digest != datasets.STAND_IN_SHA256[(spec.name, split)]:
                    problems.append(f"{path.name} holds other images than the renderer draws "
                                    f"(SHA-256 {digest[:12]}…, expected "
                                    f"{datasets.STAND_IN_SHA256[(spec.name, split)][:12]}…)")
        if problems:
            fix = ("delete the two files and run `python -m helpers.datasets` to draw them again"
                   if kind == "offline stand-ins" else
                   "put back the course's original files, or delete them to use the offline stand-ins")
            findings.append(Finding(spec.title, False, f"{kind}: " + "; ".join(problems), fix))
        else:
            checked = "checksums match" if kind == "offline stand-ins" else "in the course's format"
            findings.append(Finding(spec.title, True, f"{kind}, {checked}"))
    return findings


def check_data_folder(data_dir=None):
    data_dir = Path(data_dir) if data_dir is not None else datasets.DATA_DIR
    fix = (f"set {datasets.DATA_ENV} to a folder you can write, e.g. `export {datasets.DATA_ENV}=~/convnets-data`, "
           "or make this one writable")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Finding("data folder", False, f"{shown(data_dir)} cannot be written ({exc.strerror or exc})", fix)
    return Finding("data folder", True, f"{shown(data_dir)} can be written")


VENV_ENV = "CONVNETS_COURSE_VENV"  # another environment that counts as the course's (make canary sets it)


def runs_in_checkout_venv(prefix=None, root=CHECKOUT):
    """True if this Python is the checkout's .venv (the environment requirements.lock describes)."""
    venv = Path(root) / ".venv"
    return venv.is_dir() and Path(prefix or sys.prefix).resolve() == venv.resolve()


def check_kernel(prefix=None, root=CHECKOUT, environ=None):
    """In a checkout that has a .venv, this Python must be that .venv's, or the environment named by
    CONVNETS_COURSE_VENV (make canary runs the course in .canary/venv on purpose)."""
    prefix = Path(prefix or sys.prefix)
    root = Path(root)
    environ = os.environ if environ is None else environ
    if not is_checkout(root):
        return Finding("kernel", True, "the course is installed as a package (Colab, pip): no .venv to use")
    venv = root / ".venv"
    if not venv.is_dir():
        return Finding("kernel", True, f"Python in {prefix} (the checkout has no .venv: an environment of yours, "
                                       "conda's or Binder's)")
    if runs_in_checkout_venv(prefix, root):
        return Finding("kernel", True, "runs in the course's .venv")
    if environ.get(VENV_ENV) and prefix.resolve() == Path(environ[VENV_ENV]).resolve():
        return Finding("kernel", True, f"runs in {environ[VENV_ENV]}, named by {VENV_ENV}")
    return Finding("kernel", False, f"runs the Python in {prefix}, not the course's .venv",
                   "start JupyterLab with `make lab` (its kernel is the .venv's), or pick the kernel of "
                   f"{venv / 'bin' / 'python'}; from a shell: .venv/bin/python -m helpers.doctor")


def shown(path):
    """A path as the learner knows it: relative to the checkout, or with ~ for the home folder."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(CHECKOUT)) + "/"
    except ValueError:
        pass
    home = Path.home()
    try:
        return "~/" + str(path.resolve().relative_to(home.resolve())) + "/"
    except ValueError:
        return str(path) + "/"


def run_checks(data_dir=None):
    findings = [check_python()]
    findings += check_versions()
    findings.append(check_graphviz())
    findings.append(check_data_folder(data_dir))
    findings += check_datasets(data_dir)
    findings.append(check_kernel())
    return findings


def report(findings=None, verbose=True, out=print):
    """Print the findings (verbose) or only the problems and a count; return True when there is no problem."""
    findings = run_checks() if findings is None else findings
    problems = [finding for finding in findings if not finding.ok]
    for finding in findings:
        if verbose or not finding.ok:
            for line in finding.lines():
                out(line)
    if problems:
        out(f"{len(problems)} of {len(findings)} checks found a problem: see the fixes above.")
    else:
        out(f"All {len(findings)} checks passed: Python, TensorFlow, Keras, Graphviz, the data folder, "
            "both datasets and the kernel.")
    return not problems


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return 0 if report() else 1


if __name__ == "__main__":
    sys.exit(main())
