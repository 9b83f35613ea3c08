"""``python -m helpers.doctor``: is this set-up ready for the course? It checks what the notebooks need and,
for every problem, prints what to do on this platform. Exit status 0 when all is well, 1 otherwise.

It checks, in this order (``run_checks``):
- Python: the version the stored outputs were made with (``REQUIRED_PYTHON`` in helpers/session.py); a newer one
  outside the course's own environment, on Colab say, is only noted;
- the backend (TensorFlow, or KERAS_BACKEND's) and Keras: Keras 3; inside the course's own environment
  (``.venv``, made by ``make``), exactly the versions of the backend's lock (``requirements.lock`` for
  TensorFlow), with which the stored outputs were made; elsewhere another version is only noted;
- the accelerators the backend sees (a problem only when it sees none on a machine with an NVIDIA GPU);
- Graphviz: that ``dot`` really turns a small graph into a PNG (in a notebook, ``plot_model`` only prints a
  message when pydot or ``dot`` is missing, and the diagram is silently missing);
- the data folder: that it can be written (the stand-ins are drawn there, once);
- the datasets: present, readable in the course's format, and, for the offline stand-ins, the same images as
  the renderers draw with the lock's NumPy and Pillow (SHA-256 of their contents,
  ``helpers._standins.STAND_IN_SHA256``; outside the course's own environment, stand-ins that other versions
  drew are only noted, if unchanged since they were drawn);
- the kernel: that it runs in the checkout's ``.venv`` when the checkout has one (a kernel of another Python
  misses the pinned packages).

Notebook 00 runs the same checks (``report(verbose=False)``). ``python -m helpers.doctor --graphviz-fix`` prints only
how to install Graphviz on this platform (make prints it where it cannot install Graphviz itself).
"""
import importlib
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from helpers import _standins, datasets
from helpers._fixes import (GraphvizMissingError, backend_fix, graphviz_fix, python_fix, reinstall_fix,
                            require_graphviz)
from helpers.datasets import is_checkout
from helpers.i18n import N_, _
from helpers.session import (BACKENDS, CHECKOUT, MIN_KERAS_MAJOR, REQUIRED_PYTHON, backend,
                             import_tensorflow_quietly, locked_versions)


@dataclass
class Finding:
    """The result of one check: what was checked, whether it is fine, what was found, and what to do."""
    check: str
    ok: bool
    found: str
    fix: str = ""

    def lines(self):
        """The finding as printed: one line, and a second with the fix for a problem that has one."""
        if self.ok:
            message = _("ok      {check}: {found}")
        elif self.fix:
            message = _("PROBLEM {check}: {found}\n        fix: {fix}")
        else:
            message = _("PROBLEM {check}: {found}")
        yield from message.format(check=self.check, found=self.found, fix=self.fix).split("\n")


def check_python(version_info=None, in_course_env=None, root=CHECKOUT):
    """REQUIRED_PYTHON, with which the stored outputs were made: a newer one is only noted outside the course's own
    environment (Colab's, say), as other versions of the packages are."""
    version_info = version_info or sys.version_info
    version = f"{version_info[0]}.{version_info[1]}.{version_info[2]}"
    required = "{}.{}".format(*REQUIRED_PYTHON)
    if tuple(version_info[:2]) == REQUIRED_PYTHON:
        return Finding("Python", True, f"Python {version}", python_fix())
    in_course_env = runs_in_checkout_venv(root=root) if in_course_env is None else in_course_env
    if tuple(version_info[:2]) > REQUIRED_PYTHON and not in_course_env:
        return Finding("Python", True, _("{version} (the notebooks were run with {locked}: numbers may differ in "
                                         "their last digits)").format(version=f"Python {version}", locked=required))
    return Finding("Python", False, _("Python {version}, the course needs {required}").format(
        version=version, required=required), python_fix())


def check_versions(found=None, pinned=None, in_course_env=None, root=CHECKOUT):
    """The backend and Keras 3: the locked versions in the course's own environment; elsewhere only noted."""
    name = backend()
    title, module = BACKENDS.get(name, (name, name))
    if found is None:
        found = {}
        try:
            if name == "tensorflow":
                import_tensorflow_quietly()
            found[name] = importlib.import_module(module).__version__.split("+")[0]
            import keras
            found["keras"] = keras.__version__
        except ImportError:
            pass
    pinned = locked_versions(root) if pinned is None else pinned
    in_course_env = runs_in_checkout_venv(root=root) if in_course_env is None else in_course_env
    lock = "requirements.lock" if name == "tensorflow" else f"requirements-{name}.lock"
    findings = []
    for package, shown_as in ((name, title), ("keras", "Keras")):
        version, want = found.get(package), pinned.get(package)
        fix = reinstall_fix(root) if package == "keras" or name == "tensorflow" else backend_fix(name, root)
        if version is None:
            finding = Finding(shown_as, False, _("not installed"), fix)
        elif package == "keras" and int(version.split(".")[0]) < MIN_KERAS_MAJOR:
            finding = Finding(shown_as, False, _("{version}; the course is written for Keras {major}").format(
                version=version, major=MIN_KERAS_MAJOR), reinstall_fix(root))
        elif want is None:
            finding = Finding(shown_as, True, version)
        elif version == want:
            finding = Finding(shown_as, True, _("{version} (the locked version)").format(version=version))
        elif in_course_env:
            finding = Finding(shown_as, False, _("{version}, but {lock} pins {locked}").format(
                version=version, lock=lock, locked=want), fix)
        else:
            finding = Finding(shown_as, True, _("{version} (the notebooks were run with {locked}: numbers may differ "
                                                "in their last digits)").format(version=version, locked=want))
        findings.append(finding)
    return findings


def accelerators(name=None):
    """The accelerators the backend sees: ["CUDA GPU: ...", "Apple MPS"], [] for none (the CPU does everything)."""
    name = name or backend()
    try:
        if name == "tensorflow":
            return [f"GPU: {d.name}" for d in import_tensorflow_quietly().config.list_physical_devices("GPU")]
        if name == "jax":
            import jax
            return [f"{d.platform.upper()}: {d.device_kind}" for d in jax.devices() if d.platform != "cpu"]
        if name == "torch":
            import torch
            found = [f"CUDA GPU: {torch.cuda.get_device_name(i)}" for i in range(torch.cuda.device_count())]
            return found + (["Apple MPS"] if torch.backends.mps.is_available() else [])
    except ImportError:
        pass
    return []


def check_accelerators(name=None, seen=None, gpu_present=None):
    """Which accelerators the backend uses; a problem only when it does not see the machine's NVIDIA GPU."""
    name = name or backend()
    seen = accelerators(name) if seen is None else seen
    gpu_present = shutil.which("nvidia-smi") is not None if gpu_present is None else gpu_present
    title = BACKENDS.get(name, (name,))[0]
    if seen:
        return Finding("accelerators", True, ", ".join(seen))
    if gpu_present:
        return Finding("accelerators", False, _("this machine has an NVIDIA GPU, but {backend} sees none: it runs "
                                                "on the CPU").format(backend=title),
                       _("install {backend}'s GPU build: see the README's section on GPUs").format(backend=title))
    return Finding("accelerators", True, _("none: the CPU runs everything"))


def check_graphviz():
    """pydot imports and Graphviz's ``dot`` draws a PNG (``require_graphviz``), as a finding."""
    try:
        require_graphviz()
    except GraphvizMissingError as error:
        return Finding("Graphviz", False, error.problem, error.fix)
    return Finding("Graphviz", True, _("`dot` draws diagrams"))


def dataset_files(spec, data_dir):
    """("course" or "generated", (train path, test path)): the files ``helpers.datasets`` loads."""
    course = datasets.course_files(spec, data_dir)
    if all(path.exists() for path in course):
        return "course", course
    return "generated", _standins.generated_files(spec, data_dir)


DATASET_MESSAGES = {  # (owner, what) -> what check_datasets says of a dataset it could read (English; shown with _())
    ("course", "problems"): N_("the course's files: {problems}"),
    ("course", "fix"): N_("put back the course's original files, or delete them to use the offline stand-ins"),
    ("course", "ok"): N_("the course's files, in the course's format"),
    ("generated", "problems"): N_("offline stand-ins: {problems}"),
    ("generated", "fix"): N_("delete the two files and run `python -m helpers.datasets` to draw them again"),
    ("generated", "ok"): N_("offline stand-ins, checksums match"),
}


def check_datasets(data_dir=None, in_course_env=None):
    """Each dataset: present, readable in the course's format, and the stand-ins the images the renderers draw with
    the lock's NumPy and Pillow. Outside the course's environment, stand-ins that other versions drew are noted, if
    they are still as drawn (the checksum recorded in the file)."""
    data_dir = Path(data_dir) if data_dir is not None else datasets.DATA_DIR
    in_course_env = runs_in_checkout_venv() if in_course_env is None else in_course_env
    findings = []
    for spec in datasets.SPECS.values():
        owner, paths = dataset_files(spec, data_dir)
        missing = [path for path in paths if not path.exists()]
        if missing:  # only stand-ins can be missing: the course's files are used when both are there
            fix = _("run `python -m helpers.datasets` (`make lab` and `make test` do it): it draws the stand-ins "
                    "offline")
            findings.append(Finding(spec.title, False, _("offline stand-ins: missing {files} in {folder}").format(
                files=", ".join(path.name for path in missing), folder=shown(missing[0].parent)), fix))
            continue
        problems, drawn_with = [], None  # each a whole message; listed after the owner, separated by "; "
        for path, split in zip(paths, ("train", "test")):
            try:
                datasets.read_split(path, split, spec, owner)
            except (datasets.DatasetError, OSError) as exc:
                problems.append(str(exc).splitlines()[0])
                continue
            if owner == "generated":
                digest = _standins.content_sha256(path, split)
                expected = _standins.STAND_IN_SHA256[(spec.name, split)]
                recorded, versions = _standins.recorded(path) if digest != expected else (None, None)
                if recorded == digest and not in_course_env:
                    drawn_with = versions  # by another NumPy or Pillow (Colab's, say), and unchanged since
                elif digest != expected:
                    problems.append(_("{file} holds other images than the renderer draws (SHA-256 {digest}…, "
                                      "expected {expected}…)").format(file=path.name, digest=digest[:12],
                                                                      expected=expected[:12]))
        says = {what: _(DATASET_MESSAGES[owner, what]) for what in ("problems", "fix", "ok")}
        if drawn_with and not problems:
            says["ok"] = _("offline stand-ins drawn with {versions}: not exactly the images of the stored outputs "
                           "(numbers may differ a little)").format(versions=drawn_with)
        findings.append(Finding(spec.title, False, says["problems"].format(problems="; ".join(problems)), says["fix"])
                        if problems else Finding(spec.title, True, says["ok"]))
    return findings


def check_data_folder(data_dir=None):
    """The data folder can be written (the stand-ins are drawn there)."""
    data_dir = Path(data_dir) if data_dir is not None else datasets.DATA_DIR
    check = _("data folder")
    fix = _("set {variable} to a folder you can write, e.g. `export {variable}=~/convnets-data`, or make this one "
            "writable").format(variable=datasets.DATA_ENV)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Finding(check, False, _("{folder} cannot be written ({error})").format(
            folder=shown(data_dir), error=exc.strerror or exc), fix)
    return Finding(check, True, _("{folder} can be written").format(folder=shown(data_dir)))


VENV_ENV = "CONVNETS_COURSE_VENV"  # another environment that counts as the course's (make canary sets it)


def runs_in_checkout_venv(prefix=None, root=CHECKOUT):
    """True if this Python is the checkout's .venv (the environment requirements.lock describes)."""
    venv = Path(root) / ".venv"
    return venv.is_dir() and Path(prefix or sys.prefix).resolve() == venv.resolve()


def check_kernel(prefix=None, root=CHECKOUT, environ=None):
    """In a checkout that has a .venv, this Python must be that .venv's, or the one CONVNETS_COURSE_VENV names."""
    prefix, root, environ = Path(prefix or sys.prefix), Path(root), os.environ if environ is None else environ
    check = _("kernel")
    if not is_checkout(root):
        return Finding(check, True, _("the course is installed as a package (Colab, pip): no .venv to use"))
    venv = root / ".venv"
    if not venv.is_dir():
        return Finding(check, True, _("Python in {prefix} (the checkout has no .venv: an environment of yours, "
                                      "conda's or Binder's)").format(prefix=prefix))
    if runs_in_checkout_venv(prefix, root):
        return Finding(check, True, _("runs in the course's .venv"))
    if environ.get(VENV_ENV) and prefix.resolve() == Path(environ[VENV_ENV]).resolve():
        return Finding(check, True, _("runs in {environment}, named by {variable}").format(
            environment=environ[VENV_ENV], variable=VENV_ENV))
    return Finding(check, False, _("runs the Python in {prefix}, not the course's .venv").format(prefix=prefix),
                   _("start JupyterLab with `make lab` (its kernel is the .venv's), or pick the kernel of {python}; "
                     "from a shell: .venv/bin/python -m helpers.doctor").format(python=venv / "bin" / "python"))


def shown(path):
    """A path as the learner knows it: relative to the checkout, or with ~ for the home folder."""
    path = Path(path)
    for folder, shown_as in ((CHECKOUT, ""), (Path.home().resolve(), "~/")):
        if path.resolve().is_relative_to(folder):
            return shown_as + str(path.resolve().relative_to(folder)) + "/"
    return str(path) + "/"


def run_checks(data_dir=None):
    return [check_python(), *check_versions(), check_accelerators(), check_graphviz(), check_data_folder(data_dir),
            *check_datasets(data_dir), check_kernel()]


def report(findings=None, verbose=True, out=print):
    """Print the findings (verbose) or only the problems and a count; return True when there is no problem."""
    findings = run_checks() if findings is None else findings
    problems = [finding for finding in findings if not finding.ok]
    for finding in findings:
        if verbose or not finding.ok:
            for line in finding.lines():
                out(line)
    if problems:
        out(_("{problems} of {count} checks found a problem: see the fixes above.").format(
            problems=len(problems), count=len(findings)))
    else:
        out(_("All {count} checks passed: Python, {backend}, Keras, the accelerators, Graphviz, the data folder, both "
              "datasets and the kernel.").format(count=len(findings), backend=BACKENDS.get(backend(), (backend(),))[0]))
    return not problems


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if argv[:1] == ["--graphviz-fix"]:
        print(graphviz_fix())
        return 0
    return 0 if report() else 1


if __name__ == "__main__":
    sys.exit(main())
