"""helpers.doctor (`python -m helpers.doctor`, `make doctor`, notebook 00): every problem it knows, simulated.

Each check is given the broken thing (an old Python, Keras 2, a `dot` that is missing, fails or writes no PNG,
missing, damaged or altered datasets, a data folder that cannot be written, a kernel outside .venv) and must
say so with a fix; the real set-up must pass, and the command's exit status must follow.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

from helpers import _fixes, _standins, datasets, doctor, session

ROOT = Path(__file__).resolve().parent.parent


def run_doctor(env_changes=None):
    env = dict(os.environ, **(env_changes or {}))
    return subprocess.run([sys.executable, "-m", "helpers.doctor"], capture_output=True, text=True, env=env,
                          cwd="/", timeout=300)


def test_this_setup_passes_every_check():
    result = run_doctor()
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("All 9 checks passed"), result.stdout
    assert not any(line.startswith("PROBLEM") for line in lines)
    for check in ("Python", "TensorFlow", "Keras", "Graphviz", "data folder", "Happy House", "SIGNS", "kernel"):
        assert any(line.startswith(f"ok      {check}:") for line in lines), check
    assert result.stderr == "", "TensorFlow's C++ logs must stay quiet"


def test_exit_status_is_1_and_the_fix_is_printed_when_the_datasets_are_missing(tmp_path):
    result = run_doctor({datasets.DATA_ENV: str(tmp_path)})
    assert result.returncode == 1
    assert "PROBLEM Happy House: offline stand-ins: missing train_happy.h5, test_happy.h5" in result.stdout
    assert "fix: run `python -m helpers.datasets`" in result.stdout
    assert result.stdout.splitlines()[-1] == "2 of 9 checks found a problem: see the fixes above."


def test_python_other_than_3_11():
    finding = doctor.check_python((3, 10, 12), in_course_env=False)
    assert not finding.ok and "Python 3.10.12, the course needs 3.11" in finding.found
    assert "3.11" in finding.fix
    assert doctor.check_python((3, 11, 2)).ok
    # a newer Python: a problem in the course's .venv (made for 3.11's lock); elsewhere, Colab's, only noted
    assert not doctor.check_python((3, 13, 15), in_course_env=True).ok
    newer = doctor.check_python((3, 13, 15), in_course_env=False)
    assert newer.ok and newer.found == "Python 3.13.15 (the notebooks were run with 3.11: numbers may differ in " \
                                       "their last digits)"


def test_the_package_installs_on_newer_pythons():
    """Colab's first cell installs the package with pip, which refuses a Python outside requires-python: Colab's
    Python has been 3.12 since August 2025 and 3.13 since August 2026 (googlecolab/backend-info, os-info.txt)."""
    import tomllib

    from packaging.specifiers import SpecifierSet

    requires = SpecifierSet(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"])
    assert {"3.11.7", "3.12.1", "3.13.15"} <= set(requires.filter(["3.10.13", "3.11.7", "3.12.1", "3.13.15"]))
    assert "3.10.13" not in requires


def test_keras_2_and_missing_tensorflow():
    pinned = {"tensorflow": "2.21.0", "keras": "3.15.1"}
    tf, keras = doctor.check_versions({"keras": "2.15.0"}, pinned, in_course_env=False)
    assert not tf.ok and tf.found == "not installed"
    assert not keras.ok and "written for Keras 3" in keras.found and "make lab" in keras.fix


def test_other_versions_are_a_problem_in_the_course_env_only():
    pinned = {"tensorflow": "2.21.0", "keras": "3.15.1"}
    found = {"tensorflow": "2.23.0.dev20261026", "keras": "3.15.1"}
    tf, keras = doctor.check_versions(found, pinned, in_course_env=True)
    assert not tf.ok and "requirements.lock pins 2.21.0" in tf.found and keras.ok
    tf, _ = doctor.check_versions(found, pinned, in_course_env=False)  # Colab, say
    assert tf.ok and "numbers may differ" in tf.found


def test_locked_versions_are_read_from_the_lock():
    assert session.locked_versions(ROOT) == {"tensorflow": "2.21.0", "keras": "3.15.1", "jax": "0.10.2", "torch": "2.13.0"}


def test_one_lock_parser_for_the_learner_and_the_tools(tmp_path):
    """helpers.session.locked reads every pin (names as pip compares them, comments skipped); the doctor's versions
    and the tools (the canary, make backend-jax) read the locks through it."""
    (tmp_path / "requirements.lock").write_text("# tensorflow==9.9\nTensorFlow_CPU==2.21.0\nml.dtypes==0.5.1\n"
                                                "  # keras==2.0\nkeras==3.15.1\n")
    (tmp_path / "requirements-torch.lock").write_text("torch==2.13.0+cpu\n")
    assert session.locked(tmp_path / "requirements.lock") == {"tensorflow-cpu": "2.21.0", "ml-dtypes": "0.5.1",
                                                              "keras": "3.15.1"}
    assert session.locked_versions(tmp_path) == {"tensorflow": "2.21.0", "keras": "3.15.1", "torch": "2.13.0"}


def fake_dot(folder, script):
    folder.mkdir()
    dot = folder / "dot"
    dot.write_text("#!/bin/sh\n" + script + "\n")
    dot.chmod(0o755)
    return folder


@pytest.mark.parametrize("case, script, expected", [
    ("missing", None, "`dot` is not on the PATH"),
    ("fails", "echo 'dot: cannot load plugins' >&2; exit 1", "fails (dot: cannot load plugins)"),
    ("no png", "cat >/dev/null; echo 'not a picture'", "did not write a PNG"),
])
def test_graphviz_problems(tmp_path, monkeypatch, case, script, expected):
    folder = tmp_path / "bin"
    if script is None:
        folder.mkdir()
    else:
        fake_dot(folder, script)
    monkeypatch.setenv("PATH", str(folder))
    finding = doctor.check_graphviz()
    assert not finding.ok and expected in finding.found, finding
    assert "graphviz" in finding.fix
    # not there: install it and restart the kernel; there but broken: see what `dot -V` says
    assert ("restart the kernel" if case == "missing" else "`dot -V`") in finding.fix


def test_graphviz_fix_names_each_platforms_command(tmp_path, monkeypatch, capsys):
    assert doctor.graphviz_fix("Darwin").startswith("brew install graphviz")
    assert doctor.graphviz_fix("Windows").startswith("winget install graphviz")
    assert "brew install python@3.11" in doctor.python_fix("Darwin")
    assert "Apple silicon" in doctor.python_fix("Darwin")  # the lock's tensorflow-cpu has no macOS wheel
    monkeypatch.setattr(_fixes, "ETC", tmp_path)  # the tables are in helpers._fixes
    monkeypatch.setattr(_fixes.platform, "system", lambda: "Linux")
    assert doctor.graphviz_fix().startswith("install your system's graphviz package")  # no distribution's file
    for name, marker in _fixes.DISTRIBUTIONS:
        (tmp_path / marker).touch()
        assert doctor.main(["--graphviz-fix"]) == 0
        assert capsys.readouterr().out == _fixes.GRAPHVIZ_FIXES[name] + "\n"
        (tmp_path / marker).unlink()
    assert _fixes.GRAPHVIZ_FIXES["alpine"] == "sudo apk add graphviz"
    assert _fixes.GRAPHVIZ_FIXES["suse"] == "sudo zypper install graphviz"


@pytest.mark.parametrize("python", ["venv", "none"])
def test_make_prints_the_doctors_graphviz_command(tmp_path, python):
    """Off Debian/Ubuntu, without `dot`, make's graphviz step (scripts/ensure-graphviz.sh) stops with the doctor's
    command for the platform, the only table of them; before .venv exists, with a pointer to make doctor."""
    script = (ROOT / "scripts" / "ensure-graphviz.sh").read_text()
    assert script.count("/etc/debian_version") == 1
    off_debian = tmp_path / "ensure-graphviz.sh"
    off_debian.write_text(script.replace("/etc/debian_version", str(tmp_path / "no-debian_version")))
    given = sys.executable if python == "venv" else str(tmp_path / "missing-python")
    result = subprocess.run(["/bin/sh", str(off_debian), given], capture_output=True, text=True, timeout=60,
                            env={"PATH": str(tmp_path)})  # no dot
    assert result.returncode == 1
    printed = result.stderr.splitlines()
    assert printed[0] == "Graphviz's 'dot' is missing; the model diagrams need it. Install it with:"
    assert printed[1].strip() == (doctor.graphviz_fix() if python == "venv" else
                                  "your system's graphviz package (make doctor names the command once .venv is set up)")
    assert printed[2] == "then run the make command again."


def test_make_gives_the_graphviz_step_the_course_python():
    dry_run = subprocess.run(["make", "-n", "--no-print-directory", "graphviz"], cwd=ROOT, capture_output=True,
                             text=True, timeout=60)
    assert "sh scripts/ensure-graphviz.sh .venv/bin/python" in dry_run.stdout, dry_run.stdout + dry_run.stderr


def copy_stand_ins(data_dir):
    (data_dir / "generated").mkdir(parents=True)
    for spec in datasets.SPECS.values():
        for path in _standins.generated_files(spec, datasets.DATA_DIR):
            shutil.copy(path, data_dir / "generated" / path.name)


def test_datasets_pass_then_an_altered_image_and_a_damaged_file_are_found(tmp_path):
    copy_stand_ins(tmp_path)
    assert all(finding.ok for finding in doctor.check_datasets(tmp_path))
    with h5py.File(tmp_path / "generated" / "train_signs.h5", "r+") as f:
        images = f["train_set_x"][()]
        images[0, 0, 0, 0] ^= 1  # one bit of one pixel
        f["train_set_x"][...] = images
    (tmp_path / "generated" / "test_happy.h5").write_bytes(b"not an HDF5 file")
    happy, signs = doctor.check_datasets(tmp_path)
    assert not signs.ok and "train_signs.h5 holds other images than the renderer draws" in signs.found
    assert not happy.ok and "test_happy.h5" in happy.found
    assert "python -m helpers.datasets" in signs.fix


def test_stand_ins_that_other_versions_drew_are_noted_outside_the_course_env(tmp_path):
    """Another NumPy or Pillow (Colab's) draws other pixels: outside the course's .venv the doctor notes stand-ins
    that are as they were drawn (the checksum the file records), in it they are a problem; a change since is a
    problem everywhere."""
    copy_stand_ins(tmp_path)
    train, test = _standins.generated_files(datasets.SIGNS, tmp_path)
    for path, split, bit in ((train, "train", 1), (test, "test", 0)):  # drawn "elsewhere": one pixel off the lock's
        with h5py.File(path, "r") as f:
            X, y, classes = f[f"{split}_set_x"][()], f[f"{split}_set_y"][()], f["list_classes"][()]
        X[0, 0, 0, 0] ^= bit
        _standins.write_split(path, split, X, y, classes, {})
    signs = doctor.check_datasets(tmp_path, in_course_env=False)[1]
    import PIL
    assert signs.ok and signs.found.startswith(f"offline stand-ins drawn with NumPy {np.__version__}, Pillow "
                                               f"{PIL.__version__}: not exactly the images"), signs.found
    assert not doctor.check_datasets(tmp_path, in_course_env=True)[1].ok
    with h5py.File(test, "r+") as f:  # changed after it was drawn
        f["test_set_x"][0, 0, 0, 0] ^= 1
    signs = doctor.check_datasets(tmp_path, in_course_env=False)[1]
    assert not signs.ok and "test_signs.h5 holds other images than the renderer draws" in signs.found


def test_the_recorded_checksums_are_what_the_renderers_draw(tmp_path):
    """Read from the course's cache where it is current (its generator_version hashes the renderer's source, the
    spec's sizes and seeds and the NumPy and Pillow versions; make's set-up has just drawn it), else drawn anew."""
    for spec in datasets.SPECS.values():
        train, test = _standins.current_files(spec, datasets.DATA_DIR) or _standins.prepare(spec, tmp_path)
        assert _standins.content_sha256(train, "train") == _standins.STAND_IN_SHA256[(spec.name, "train")]
        assert _standins.content_sha256(test, "test") == _standins.STAND_IN_SHA256[(spec.name, "test")]


def test_course_files_are_checked_for_their_format(tmp_path):
    X = np.zeros((4, 64, 64, 3), np.uint8)
    _standins.write_split(tmp_path / "train_happy.h5", "train", X, np.array([0, 1, 0, 1]), np.array([0, 1]), {})
    _standins.write_split(tmp_path / "test_happy.h5", "test", X, np.array([0, 1, 7, 1]), np.array([0, 1]), {})
    happy = doctor.check_datasets(tmp_path)[0]
    assert not happy.ok and happy.found.startswith("the course's files") and "labels [7]" in happy.found


def test_a_data_folder_that_cannot_be_written(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    finding = doctor.check_data_folder(blocker / "data")  # even root cannot make a folder inside a file
    assert not finding.ok and "cannot be written" in finding.found
    assert datasets.DATA_ENV in finding.fix
    assert doctor.check_data_folder(tmp_path / "fresh").ok


def test_a_kernel_outside_the_course_venv(tmp_path):
    finding = doctor.check_kernel(prefix="/usr", root=ROOT)
    assert not finding.ok and "not the course's .venv" in finding.found and "make lab" in finding.fix
    assert doctor.check_kernel(prefix=ROOT / ".venv", root=ROOT).ok
    assert doctor.check_kernel(prefix="/usr", root=tmp_path).ok, "an installed package has no .venv to use"
    named = doctor.check_kernel(prefix=tmp_path, root=ROOT, environ={doctor.VENV_ENV: str(tmp_path)})
    assert named.ok and doctor.VENV_ENV in named.found, "make canary names its own environment"
    assert not doctor.check_kernel(prefix="/usr", root=ROOT, environ={doctor.VENV_ENV: str(tmp_path)}).ok


def test_report_prints_only_problems_when_not_verbose():
    lines = []
    good = doctor.Finding("Python", True, "Python 3.11.7")
    bad = doctor.Finding("Graphviz", False, "`dot` is not on the PATH", "brew install graphviz")
    assert not doctor.report([good, bad], verbose=False, out=lines.append)
    assert lines == ["PROBLEM Graphviz: `dot` is not on the PATH", "        fix: brew install graphviz",
                     "1 of 2 checks found a problem: see the fixes above."]


def test_the_backend_and_its_accelerators_are_reported_with_a_fix():
    from helpers import doctor

    os.environ["KERAS_BACKEND"] = "jax"
    try:
        findings = doctor.check_versions(found={"jax": "0.9.0", "keras": "3.15.1"},
                                         pinned={"jax": "0.10.2", "keras": "3.15.1"}, in_course_env=True)
        assert [f.check for f in findings] == ["JAX", "Keras"]
        assert not findings[0].ok and "requirements-jax.lock pins 0.10.2" in findings[0].found
        assert "make lab BACKEND=jax" in findings[0].fix
        missing = doctor.check_versions(found={"keras": "3.15.1"}, pinned={}, in_course_env=True)[0]
        assert not missing.ok and "make lab BACKEND=jax" in missing.fix
    finally:
        os.environ.pop("KERAS_BACKEND")
    gpu_unused = doctor.check_accelerators("torch", seen=[], gpu_present=True)
    assert not gpu_unused.ok and "PyTorch sees none" in gpu_unused.found and "GPU build" in gpu_unused.fix
    assert doctor.check_accelerators("torch", seen=["CUDA GPU: NVIDIA H200"], gpu_present=True).ok
    assert doctor.check_accelerators("jax", seen=[], gpu_present=False).ok
