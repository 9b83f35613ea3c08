"""The exercise checks, slip by slip (the mutation matrix), and how they behave in a workbook.

Every graded exercise of the course (read from the lessons' nbgrader metadata) has at least four typical slips in
course/slips.py, and each must be caught by the checks of its check cells with its own targeted message. A slipped
solution is the lesson's solved cell with the slip's edits made, run after the lesson's set-up cell, as a learner's
cell runs. ``python tests/test_exercise_checks.py`` prints the table with the messages the checks give.
"""
import contextlib
import functools
import io
import re

import nbformat
import numpy as np
import pytest

from course import lessons
from course.editions import exercises
from course.slips import SLIPS, slipped
from helpers import checks
from helpers.checks import CheckFailed

EXERCISES = {exercise.name: exercise for path in lessons() for exercise in exercises(path)}
CHECK_CALL = re.compile(r"\b(check_\w+)\(")


@pytest.fixture(scope="module", autouse=True)
def quiet_session():
    from helpers.session import setup

    setup(seed=0, verbose=False)


@functools.lru_cache(maxsize=None)
def setup_cell(lesson):
    """The lesson's set-up cell: the one that calls setup() and imports what its exercises use."""
    nb = nbformat.read(f"notebooks/{lesson}.ipynb", as_version=4)
    return next(cell.source for cell in nb.cells if cell.cell_type == "code" and "setup(seed=0)" in cell.source)


def learners_function(exercise, source):
    """The exercise's function as a learner's cell defines it: ``source`` run after the lesson's set-up cell."""
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(setup_cell(exercise.lesson), f"<{exercise.lesson} setup>", "exec"), namespace)
        exec(compile(source, f"<{exercise.name}>", "exec"), namespace)
    return namespace[exercise.name]


def check_functions(exercise):
    """The helpers.checks functions its check cells call, in order (hidden tests included)."""
    return [getattr(checks, name) for _, _, source in exercise.checks for name in CHECK_CALL.findall(source)]


# Each exercise's first slip, then the others (marked further_slip: on JAX and PyTorch only make backends runs them).
ROWS = [pytest.param(name, slip, edits, message, id=f"{name}: {slip}",
                     marks=[pytest.mark.further_slip] if index else [])
        for name, slips in SLIPS.items() for index, (slip, edits, message) in enumerate(slips)]


@pytest.mark.parametrize("name, slip, edits, message", ROWS)
def test_the_check_names_the_slip(name, slip, edits, message):
    exercise = EXERCISES[name]
    function = learners_function(exercise, slipped(exercise.solution, edits))
    with pytest.raises(CheckFailed) as error:
        for check in check_functions(exercise):
            check(function, strict=True)
    assert re.search(message, str(error.value), flags=re.S), str(error.value)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_every_exercise_has_its_check_its_reference_and_four_slips_of_its_own(name):
    exercise = EXERCISES[name]
    functions = check_functions(exercise)
    assert exercise.checks and all(points > 0 for _, points, _ in exercise.checks), f"{name}: no graded check cell"
    assert functions and all(function.exercise == name for function in functions), \
        f"{name}: its check cells must call helpers.checks functions made with _exercise({name!r}, reference)"
    assert all(callable(function.reference()) for function in functions), f"{name}: a check has no reference"
    patterns = [message for _, _, message in SLIPS.get(name, [])]
    assert len(patterns) >= 4, f"{name} has {len(patterns)} slips in course/slips.py; give it at least four"
    assert len(set(patterns)) == len(patterns), f"two slips of {name} expect the same message"
    for function in functions:  # the solution itself passes
        function(learners_function(exercise, exercise.solution), strict=True)


def test_every_exercise_check_of_helpers_is_used_by_a_lesson():
    used = {function for exercise in EXERCISES.values() for function in check_functions(exercise)}
    defined = {getattr(checks, name) for name in dir(checks)
               if name.startswith("check_") and hasattr(getattr(checks, name), "exercise")}
    assert defined == used, f"checks no lesson calls: {sorted(f.__name__ for f in defined - used)}"


def bn_forward(variance_ddof=0):
    def forward(Z, gamma, beta, epsilon=1e-3):
        mu, var = Z.mean(axis=(0, 1, 2)), Z.var(axis=(0, 1, 2), ddof=variance_ddof)
        return gamma * (Z - mu) / np.sqrt(var + epsilon) + beta
    return forward


# ---- the same checks in a workbook: forgiving, so Run All goes on --------------------------------------


def test_a_passing_function_is_returned_as_written(capsys):
    from helpers import models

    def mine(input_shape):
        return models.HappyModel(input_shape)

    assert checks.check_happy_model(mine) is mine
    assert capsys.readouterr().out == "HappyModel matches the reference: 8 layers, 37,633 parameters\n"


def test_an_unwritten_exercise_says_so_and_the_reference_takes_over(capsys):
    from helpers import models

    def unwritten(X, f, filters, training=None, initializer=None, stage=None, block=None):
        # YOUR CODE HERE
        raise NotImplementedError()

    assert checks.check_identity_block(unwritten).__wrapped__ is models.identity_block
    assert capsys.readouterr().out.splitlines() == [
        "✗ Check failed: identity_block is not written yet: replace `raise NotImplementedError()` with your code.",
        "  Until it passes, the rest of this notebook uses the course's identity_block (helpers), so it still runs."]


def test_a_second_check_of_the_reference_it_put_in_stays_quiet(capsys):
    from helpers import models

    def unwritten(X, f, filters, training=None, initializer=None, stage=None, block=None):
        raise NotImplementedError()

    block = checks.check_identity_block(unwritten)
    capsys.readouterr()
    assert checks.check_identity_block_values(block) is block and block.__wrapped__ is models.identity_block
    assert capsys.readouterr().out == ""
    checks.check_identity_block_values(models.identity_block)  # the reference itself, given on purpose: checked
    assert capsys.readouterr().out == "identity_block computes the reference's values.\n"


def test_a_wrong_exercise_says_what_is_wrong_and_the_reference_takes_over(capsys):
    from helpers import datasets

    assert checks.check_one_hot(lambda Y, C: np.eye(C)[Y.reshape(-1)]).__wrapped__ is datasets.convert_to_one_hot
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("✗ Check failed: convert_to_one_hot(Y, C) returned shape (5, 4), expected (C, m)")
    assert out[1].startswith("  Until it passes, the rest of this notebook uses the course's convert_to_one_hot")


def test_an_exception_in_the_learners_code_is_reported_with_its_line(capsys):
    import linecache

    cell = "def convert_to_one_hot(Y, C):\n    return np.eye(C)[Y.reshape(-1)].T\n"  # np is not imported
    linecache.cache["<cell>"] = (len(cell), None, cell.splitlines(True), "<cell>")  # as IPython does for a cell
    namespace = {}
    exec(compile(cell, "<cell>", "exec"), namespace)
    checks.check_one_hot(namespace["convert_to_one_hot"])
    first = capsys.readouterr().out.splitlines()[0]
    assert first == ("✗ Check failed: calling your convert_to_one_hot raised NameError: name 'np' is not defined "
                     "(line 2: return np.eye(C)[Y.reshape(-1)].T). Call convert_to_one_hot yourself in a new cell "
                     "to see the whole error.")


def test_under_nbgrader_a_failed_check_fails_the_cell(monkeypatch):
    for step in ("autograde", "validate"):
        monkeypatch.setenv("NBGRADER_EXECUTION", step)
        with pytest.raises(CheckFailed, match="not written yet"):
            checks.check_batchnorm_forward(lambda Z, gamma, beta, epsilon=1e-3: (_ for _ in ()).throw(NotImplementedError()))
    monkeypatch.delenv("NBGRADER_EXECUTION")
    assert checks.check_batchnorm_forward(bn_forward(variance_ddof=1)).__wrapped__ is checks._keras_batchnorm_forward


@pytest.mark.parametrize("projection", [False, True])
def test_the_reference_counts_of_the_block_exercises_are_keras_counts(projection):
    import keras

    from helpers import models

    for n_C, f, filters in [(3, 2, [4, 4, 3]), (256, 3, [64, 64, 256]), (64, 3, [64, 64, 256])]:
        if not projection and n_C != filters[-1]:
            continue
        X_input = keras.Input((8, 8, n_C))
        make = models.convolutional_block if projection else models.identity_block
        expected = keras.Model(X_input, make(X_input, f, filters)).count_params()
        assert checks._block_param_count(n_C, f, filters, projection) == expected


def test_the_hidden_value_checks_pass_the_reference_and_catch_a_wrong_initializer(capsys):
    from helpers import models

    checks.check_identity_block_values(models.identity_block, strict=True)
    checks.check_convolutional_block_values(models.convolutional_block, strict=True)

    def fixed_initializer(X, f, filters, s=2, training=None, initializer=None, stage=None, block=None):
        return models.convolutional_block(X, f, filters, s, training=training, stage=stage, block=block)

    with pytest.raises(CheckFailed, match=r"Use kernel_initializer=initializer\(seed=0\) in every Conv2D"):
        checks.check_convolutional_block_values(fixed_initializer, strict=True)


def test_the_model_check_takes_an_axis_counted_from_the_end_as_the_same_axis(capsys):
    """No axis or axis=-1 (Keras' default), the reference's axis=3 counted from the end, passes; axis=-3 is another
    axis, named as written. (The slips the model checks name are course/slips.py's.)"""
    exercise = EXERCISES["TinySignsModel"]

    def written_with(opening):
        return learners_function(exercise, slipped(exercise.solution, [("BatchNormalization(axis=3, ", opening)]))

    for opening in ("BatchNormalization(", "BatchNormalization(axis=-1, "):
        checks.check_tiny_signs_model(written_with(opening), strict=True)
        assert "TinySignsModel matches the reference" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"Layer 3 \(bn1, BatchNormalization\): axis is -3, expected 3\."):
        checks.check_tiny_signs_model(written_with("BatchNormalization(axis=-3, "), strict=True)


if __name__ == "__main__":  # print the mutation matrix: exercise | slip | the check's message
    from helpers.session import setup

    setup(seed=0, verbose=False)
    print("| exercise | slip | message |\n|---|---|---|")
    for name, slip, edits, _ in (row.values for row in ROWS):
        function = learners_function(EXERCISES[name], slipped(EXERCISES[name].solution, edits))
        message = "NOT CAUGHT"
        try:
            for check in check_functions(EXERCISES[name]):
                check(function, strict=True)
        except CheckFailed as error:
            message = str(error).replace("\n", " ")
        print(f"| {name} | {slip} | {message} |")
