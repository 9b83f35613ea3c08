"""The classroom release (make classroom) graded end to end by nbgrader itself.

A course is generated from the lessons; a simulated class of 30 submits notebooks 05 and 06 (the instructor's
solution, an untouched release, every typical slip of the mutation matrix, and mixtures of them); nbgrader
autogrades them and writes the feedback; the grades are read from nbgrader's gradebook and compared with the
marks each submission deserves, and each feedback file must name what is wrong. The other assignments are
autograded once, with the instructor's solution (full marks).

`pytest tests/test_classroom.py -s` prints the grade table and the time nbgrader took.
"""
import html
import importlib.util
import random
import re
import time
from pathlib import Path

import nbformat
import pytest

from test_exercise_checks import SLIPS

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("classroom", ROOT / "scripts" / "classroom.py")
classroom = importlib.util.module_from_spec(spec)
spec.loader.exec_module(classroom)

CLASS_SIZE = 30
MARKERS = re.compile(r"^\s*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$")

# Slips as a student would type them: (old text, new text) edits of the solved cell, named as in SLIPS
BLOCK_SLIPS = {
    "identity_block": {
        "ReLU before the addition": [("    X = Add()([X, X_shortcut])\n    X = Activation('relu')(X)",
                                      "    X = Activation('relu')(X)\n    X = Add()([X, X_shortcut])")],
        "'valid' middle CONV": [("padding='same'", "padding='valid'")],
        "missing BatchNormalization": [
            ("    X = BatchNormalization(axis=3, name=named(bn_name_base, '2c'))(X, training=training)\n", "")],
        "shortcut saved after the first ReLU": [("    X_shortcut = X\n", ""),
                                                ("    X = Activation('relu')(X)\n",
                                                 "    X = Activation('relu')(X)\n    X_shortcut = X\n")],
        "training not passed on": [("(X, training=training)", "(X)")],
    },
    "convolutional_block": {
        "stride on the middle CONV": [("strides=(s, s), padding='valid', name=named(conv_name_base, '2a')",
                                       "strides=(1, 1), padding='valid', name=named(conv_name_base, '2a')"),
                                      ("kernel_size=(f, f), strides=(1, 1)", "kernel_size=(f, f), strides=(s, s)")],
        "no BatchNormalization on the shortcut": [
            ("    X_shortcut = BatchNormalization(axis=3, name=named(bn_name_base, '1'))(X_shortcut, "
             "training=training)\n", "")],
        "shortcut CONV without the stride": [("X_shortcut = Conv2D(filters=F3, kernel_size=1, strides=(s, s)",
                                              "X_shortcut = Conv2D(filters=F3, kernel_size=1, strides=(1, 1)")],
        "shortcut saved after the first ReLU": [("    X_shortcut = X\n", ""),
                                                ("    X = Activation('relu')(X)\n",
                                                 "    X = Activation('relu')(X)\n    X_shortcut = X\n")],
        "'valid' middle CONV": [("padding='same'", "padding='valid'")],
    },
    "identity_block_param_count": {
        "no biases": [(" + 1) * F", ") * F")],
        "BN as 2 per channel": [("4 * (F1 + F2 + F3)", "2 * (F1 + F2 + F3)")],
        "f x f everywhere": [("(1 * 1 * n_C", "(f * f * n_C"), ("(1 * 1 * F2", "(f * f * F2")],
        "middle CONV fed n_C": [("(f * f * F1 + 1)", "(f * f * n_C + 1)")],
    },
    "convolutional_block_param_count": {
        "shortcut forgotten": [("return main_path + shortcut", "return main_path")],
        "no biases": [(" + 1) * ", ") * ")],
        "BN as 2 per channel": [("4 * (F1 + F2 + F3)", "2 * (F1 + F2 + F3)"), ("4 * F3", "2 * F3")],
        "f x f everywhere": [("(n_C + 1) * F1", "(f * f * n_C + 1) * F1"), ("(F2 + 1) * F3", "(f * f * F2 + 1) * F3"),
                             ("shortcut = (n_C + 1)", "shortcut = (f * f * n_C + 1)")],
    },
}
ASSIGNMENTS = {  # assignment: (exercise graded by the first check, points; the counting exercise, points)
    "05_identity_block": (("identity_block", 4), ("identity_block_param_count", 1)),
    "06_convolutional_block": (("convolutional_block", 4), ("convolutional_block_param_count", 1)),
}


def message(exercise, slip):
    """The message the mutation matrix expects for this slip (tests/test_exercise_checks.py)."""
    return next(pattern for check, name, _, pattern in SLIPS if check == f"check_{exercise}" and name == slip)


def without_markers(source):
    return "\n".join(line for line in source.split("\n") if not MARKERS.match(line))


def solutions(lesson):
    """{grade_id: the solved cell without its markers} of a lesson notebook."""
    nb = nbformat.read(lesson, as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"]: without_markers(cell.source)
            for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("solution")}


def slipped(source, edits):
    for old, new in edits:
        assert old in source, f"the slip's text {old!r} is not in the solution any more: update BLOCK_SLIPS"
        source = source.replace(old, new, 1 if old.endswith("Activation('relu')(X)\n") else -1)
    return source


def submit(course, assignment, student, answers):
    """Copy the released notebook into submitted/<student>/, with ``answers`` {grade_id: source} typed in."""
    release = course / "release" / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(release, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")


def feedback_text(course, assignment, student):
    page = (course / "feedback" / student / assignment / f"{assignment}.html").read_text(encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("classroom")
    classroom.build(course, out=lambda *args: None)
    return course


def test_the_release_has_stubs_no_solutions_no_hidden_tests_and_locked_cells(course):
    assignments = sorted(path.name for path in (course / "release").iterdir())
    assert assignments == [path.stem for path in classroom.graded_lessons()]
    assert "03_why_resnets" not in assignments  # no exercises, no assignment
    for assignment in assignments:
        source = nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", as_version=4)
        release = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4)
        assert len(release.cells) == len(source.cells)
        for before, after in zip(source.cells, release.cells):
            grading = before.metadata.get("nbgrader", {})
            assert "### BEGIN" not in after.source and "### END" not in after.source
            if grading.get("solution"):
                assert "# YOUR CODE HERE\n" in after.source and "raise NotImplementedError()" in after.source
                head, rest = before.source.split("### BEGIN SOLUTION")
                region, tail = rest.split("### END SOLUTION")
                given = (head + tail).splitlines()  # lines the exercise gives may repeat in the solution
                for line in region.strip().splitlines():
                    if line.strip() and not line.strip().startswith("#") and line not in given:
                        assert line not in after.source, f"{assignment}: solution line left in the release: {line}"
            if "### BEGIN HIDDEN TESTS" in before.source:
                hidden = before.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
                assert hidden.strip() and hidden.strip() not in after.source
            if grading.get("grade"):
                assert grading["points"] > 0 and after.metadata["nbgrader"]["points"] == grading["points"]
            if grading.get("locked"):
                assert after.metadata.get("editable") is False and after.metadata.get("deletable") is False
            if after.cell_type == "code":
                assert after.outputs == [] and after.execution_count is None
            if "spoiler" in before.metadata.get("tags", []):
                assert after.metadata["jupyter"]["source_hidden"] is True


def class_of(assignment, size=CLASS_SIZE):
    """The simulated class: [(student, {exercise: variant})]; a variant is "solution", "untouched" or a slip."""
    (block, _), (count, _) = ASSIGNMENTS[assignment]
    block_variants = ["solution", *BLOCK_SLIPS[block], "untouched"]
    count_variants = ["solution", *BLOCK_SLIPS[count], "untouched"]
    plan = [{block: "solution", count: "solution"}, {block: "untouched", count: "untouched"}]
    plan += [{block: slip, count: "solution"} for slip in BLOCK_SLIPS[block]]
    plan += [{block: "solution", count: slip} for slip in BLOCK_SLIPS[count]]
    pairings = [(b, c) for b in block_variants for c in count_variants]
    random.Random(assignment).shuffle(pairings)  # the rest of the class: other pairings, the same in every run
    plan += [{block: b, count: c} for b, c in pairings[:size - len(plan)]]
    return [(f"student{number:02d}", variants) for number, variants in enumerate(plan, start=1)]


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_a_class_of_30_is_autograded_with_nbgrader(course, assignment):
    from nbgrader.api import Gradebook

    answers = solutions(ROOT / "notebooks" / f"{assignment}.ipynb")
    students = class_of(assignment)
    assert len(students) == CLASS_SIZE
    for student, variants in students:
        typed = {}
        for exercise, variant in variants.items():
            if variant == "solution":
                typed[exercise] = answers[exercise]
            elif variant != "untouched":
                typed[exercise] = slipped(answers[exercise], BLOCK_SLIPS[exercise][variant])
        submit(course, assignment, student, typed)

    start = time.perf_counter()
    classroom.nbgrader("autograde", assignment, "--force", course_dir=course)
    autograde_seconds = time.perf_counter() - start
    classroom.nbgrader("generate_feedback", assignment, "--force", course_dir=course)

    points = dict(ASSIGNMENTS[assignment])
    table = []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", classroom.COURSE_ID) as gradebook:
        for student, variants in students:
            submission = gradebook.find_submission(assignment, student)
            grades = {grade.name.removeprefix("check_"): grade.score
                      for notebook in submission.notebooks for grade in notebook.grades}
            expected = {exercise: points[exercise] if variant == "solution" else 0
                        for exercise, variant in variants.items()}
            assert grades == expected, f"{student} {variants}: graded {grades}"
            assert submission.max_score == sum(points.values())
            text = feedback_text(course, assignment, student)
            for exercise, variant in variants.items():
                if variant == "untouched":
                    assert f"CheckFailed: {exercise} is not written yet" in text, (student, exercise)
                elif variant != "solution":
                    assert re.search(message(exercise, variant), text, flags=re.S), (student, exercise, variant)
            table.append((student, variants, submission.score))
    print(f"\n{assignment}: {CLASS_SIZE} submissions autograded by nbgrader in {autograde_seconds:.0f} s")
    for student, variants, score in table:
        print(f"  {student}  {score:3.0f}/{sum(points.values())}  " + ", ".join(f"{k}: {v}" for k, v in variants.items()))
    scores = [score for _, _, score in table]
    assert max(scores) == sum(points.values()) and min(scores) == 0
    assert any(0 < score < sum(points.values()) for score in scores)  # partial marks


@pytest.mark.parametrize("assignment", [
    "00_start_here", "01_keras_convention", "02_happy_model", "04_batchnorm_and_init",
    # autograding 07 trains ResNet50 again (about 4 minutes on 2 cores): with it the grading worker of make test
    # ran 19.7 minutes; `pytest tests/test_classroom.py -m slow` grades it
    pytest.param("07_resnet50", marks=pytest.mark.slow)])
def test_the_other_assignments_give_full_marks_to_the_solution(course, assignment):
    from nbgrader.api import Gradebook

    submit(course, assignment, "instructor", solutions(ROOT / "notebooks" / f"{assignment}.ipynb"))
    images = course / "release" / assignment / "images"
    if images.exists():  # the learner's folder has the release's other files too
        import shutil

        shutil.copytree(images, course / "submitted" / "instructor" / assignment / "images")
    classroom.nbgrader("autograde", assignment, "--force", "--student=instructor", course_dir=course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", classroom.COURSE_ID) as gradebook:
        submission = gradebook.find_submission(assignment, "instructor")
        assert submission.max_score > 0 and submission.score == submission.max_score
