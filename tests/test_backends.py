"""The course on Keras' JAX and PyTorch backends, on the CPU, on a machine without TensorFlow.

Each backend runs in its own process (a process has one Keras backend) in which `import tensorflow` fails
(tests/no_tensorflow): the unit tests of the models, the exercise checks (every slip named, the mutation matrix) and
the training helpers pass there, and lessons 05 and 06 execute top to bottom with every printed number within the
tolerance of course.backends (relative 2e-2, absolute 2e-3) of the TensorFlow edition's. `make backends` runs every
lesson on both backends (the scheduled workflow).
"""
import os
import subprocess
import sys

import pytest

from course import NOTEBOOKS, ROOT, backends

UNIT_TESTS = ["tests/test_exercise_checks.py", "tests/test_resnet.py", "tests/test_batchnorm_and_init.py"]


def without_tensorflow(backend):
    return {**os.environ, "KERAS_BACKEND": backend,
            "PYTHONPATH": os.pathsep.join([str(backends.NO_TENSORFLOW), str(ROOT)])}


@pytest.mark.parametrize("backend", backends.BACKENDS)
def test_the_models_checks_and_training_helpers_pass_their_tests(backend):
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", *UNIT_TESTS],
                            cwd=ROOT, env=without_tensorflow(backend), capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


@pytest.mark.parametrize("backend", backends.BACKENDS)
def test_the_backend_runs_without_tensorflow(backend):
    code = ("import sys, helpers, keras\nfrom helpers import training\n"
            "print(keras.backend.backend(), sys.modules.get('tensorflow'))")
    result = subprocess.run([sys.executable, "-c", code], cwd="/", env=without_tensorflow(backend),
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
