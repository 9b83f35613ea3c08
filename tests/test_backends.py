"""The course on Keras' JAX and PyTorch backends, on the CPU, on a machine without TensorFlow.

Each backend runs in its own process (a process has one Keras backend) in which `import tensorflow` fails
(tests/no_tensorflow): the unit tests of the models, the exercise checks (one slip of each exercise here, every slip
in `make backends`; TensorFlow runs them all in make test) and the training helpers pass there, and lessons 05 and 06
execute top to bottom with every printed number within the tolerance of course.backends (relative 2e-2, absolute 2e-3)
of the TensorFlow edition's. `make backends` runs every lesson on both backends (the scheduled workflow).
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from course import NOTEBOOKS, ROOT, backends
from course.slips import SLIPS


@pytest.mark.parametrize("backend", backends.BACKENDS)
def test_the_models_checks_and_training_helpers_pass_their_tests(backend):
    result = backends.unit_tests(backend, marks="not further_slip")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
    slips = sum(map(len, SLIPS.values()))
    assert f"{slips - len(SLIPS)} deselected" in result.stdout, result.stdout[-500:]  # one slip of each exercise ran


def test_jax_is_seen_only_by_a_process_on_it_and_has_what_it_requires():
    """TensorFlow's processes do not see JAX (make installs it outside site-packages, course/backends.py says why); a
    process started with KERAS_BACKEND=jax does (make lab BACKEND=jax's kernels), with every package that
    JAX requires, in the versions it requires, installed (pip check)."""
    code = "import importlib.util; print(importlib.util.find_spec('jax') is not None)"
    base = {key: value for key, value in os.environ.items() if key != "KERAS_BACKEND"}
    seen = {backend: subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                    env={**base, **({"KERAS_BACKEND": backend} if backend else {})}).stdout.strip()
            for backend in (None, "tensorflow", "torch", "jax")}
    assert seen["jax"] == "True", "no JAX for KERAS_BACKEND=jax: rm .venv/backends/jax.stamp && make backend-jax"
    assert seen == {None: "False", "tensorflow": "False", "torch": "False", "jax": "True"}, (
        f"{seen}: JAX is in .venv's site-packages: .venv/bin/pip uninstall jax jaxlib scipy")
    check = subprocess.run([sys.executable, "-m", "pip", "check"], env={**base, "KERAS_BACKEND": "jax"},
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    jax_in_check = subprocess.run([sys.executable, "-m", "pip", "show", "jax", "jaxlib"], capture_output=True,
                                  text=True, env={**base, "KERAS_BACKEND": "jax"})
    assert jax_in_check.stdout.count("Location: " + str(backends.jax_folder())) == 2, jax_in_check.stdout


def test_the_jax_path_file_is_written_and_an_older_makes_jax_uninstalled(tmp_path, monkeypatch):
    """make backend-jax writes the .pth line; where an older make had put requirements-jax.lock into site-packages
    (its stamp says so), the packages that only that lock pins (names compared as pip does) are uninstalled, once."""
    import sysconfig
    locks = tmp_path / "checkout"
    locks.mkdir()
    (locks / "requirements.lock").write_text("numpy==2.1\nml-dtypes==0.5\n")
    (locks / "requirements-jax.lock").write_text("# JAX\njax==0.10.2\njaxlib==0.10.2\nML_Dtypes==0.5\nscipy==1.17\n"
                                                 "typing.extensions==4\n")
    (locks / "requirements-torch.lock").write_text("torch==2.13.0\ntyping_extensions==4\n")
    monkeypatch.setattr(backends, "ROOT", locks)
    site_packages = Path(sysconfig.get_paths(vars={"base": str(tmp_path), "platbase": str(tmp_path)})["purelib"])
    site_packages.mkdir(parents=True)
    calls = []
    backends.install_jax_path(tmp_path, run=lambda command, check: calls.append(command))
    assert (site_packages / backends.JAX_PATH_FILE).read_text() == backends.JAX_PATH_LINE and calls == []
    (tmp_path / backends.OLDER_JAX_STAMP).touch()
    backends.install_jax_path(tmp_path, run=lambda command, check: calls.append(command))
    assert calls == [[str(tmp_path / "bin" / "python"), "-m", "pip", "uninstall", "--quiet", "--yes",
                      "jax", "jaxlib", "scipy"]]
    assert not (tmp_path / backends.OLDER_JAX_STAMP).exists()


@pytest.mark.parametrize("backend", backends.BACKENDS)
def test_setup_is_quiet_on_the_backend_beside_tensorflow(backend):
    """On a machine with TensorFlow too (make lab BACKEND=...), Keras' set_random_seed imports it on every backend:
    setup() imports it first, quietly, so that its C++ notices do not land in the set-up cell's output."""
    code = "import helpers\nfrom helpers.session import setup\nsetup()\nimport sys\nprint('tensorflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True, text=True, timeout=300,
                            env=backends.environ(backend, base={**os.environ, "PYTHONPATH": str(ROOT)}))
    assert result.returncode == 0 and result.stdout.split("\n")[1] == "True", result.stdout + result.stderr
    assert result.stderr == "", result.stderr


def test_setup_goes_on_when_tensorflow_is_there_but_does_not_import(tmp_path):
    """A TensorFlow that is installed but fails to import (a broken wheel, a missing DLL) does not stop setup() on
    another backend: Keras itself then goes on without it."""
    broken = tmp_path / "tensorflow"
    broken.mkdir()
    (broken / "__init__.py").write_text("raise ImportError('a broken TensorFlow')\n")
    code = "import helpers\nfrom helpers.session import setup\nsetup()"
    result = subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True, text=True, timeout=300,
                            env=backends.environ("torch", base={**os.environ, "PYTHONPATH": f"{tmp_path}:{ROOT}"}))
    assert result.returncode == 0 and "PyTorch" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize("backend", backends.BACKENDS)
def test_the_backend_runs_without_tensorflow(backend):
    code = ("import sys, helpers, keras\nfrom helpers import training\n"
            "print(keras.backend.backend(), sys.modules.get('tensorflow'))")
    result = subprocess.run([sys.executable, "-c", code], cwd="/",
                            env=backends.environ(backend, without_tensorflow=True,
                                                 base={**os.environ, "PYTHONPATH": str(ROOT)}),
                            capture_output=True, text=True, timeout=300)
    assert result.stdout.split() == [backend, "None"], result.stdout + result.stderr


@pytest.mark.parametrize("lesson", ["05_identity_block", "06_convolutional_block"])
@pytest.mark.parametrize("backend", backends.BACKENDS)
def test_lessons_05_and_06_print_the_tensorflow_numbers(backend, lesson):
    seconds, problems = backends.run(backend, NOTEBOOKS / f"{lesson}.ipynb", without_tensorflow=True)
    assert not problems, "\n".join(f"cell {cell}: {problem}" for cell, problem in problems)


def test_the_comparison_sees_a_wrong_number_and_forgives_rounding():
    assert backends.differences("loss 0.50 after 3 epochs", "loss 0.5004 after 3 epochs") == []
    assert backends.differences("loss 0.50 after 3 epochs", "loss 0.60 after 3 epochs") == ["0.50 became 0.60"]
    assert backends.differences("TensorFlow 2.21.0 | seed 0", "JAX 0.10.2 | seed 0") == []
    assert backends.differences("shape (3, 4)", "shape (3, 4, 1)")  # a number more: the words differ
