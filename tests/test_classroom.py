"""The classroom release (make classroom) graded end to end by nbgrader itself.

A course is generated from the lessons; in every assignment a small class submits the representative notebooks
(course.classroom.plan_class: the instructor's solution, an untouched release, and one typical slip per exercise
from course/slips.py, the others solved); nbgrader autogrades them and writes the feedback; the grades are read
from nbgrader's gradebook and compared with the marks each submission deserves (the points come from the lessons'
nbgrader metadata), and each feedback file must name what is wrong. `make class` grades a class of 30 per
assignment the same way (the scheduled workflow runs it).

`pytest tests/test_classroom.py -s` prints the time nbgrader took.
"""
import html
import logging
import os
import re

import nbformat
import pytest

from course import NOTEBOOKS, classroom
from course.editions import exercises
from course.slips import SLIPS


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
        last_check = max(i for i, cell in enumerate(source.cells) if cell.metadata.get("nbgrader", {}).get("grade"))
        for index, (before, after) in enumerate(zip(source.cells, release.cells)):
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
                # nbgrader runs a notebook up to its last check: what follows cannot change a grade
                assert (classroom.SKIP in after.metadata.get("tags", [])) == (index > last_check), (assignment, index)
            if "spoiler" in before.metadata.get("tags", []):
                assert after.metadata["jupyter"]["source_hidden"] is True


@pytest.mark.parametrize("assignment", [path.stem for path in classroom.graded_lessons()])
def test_representative_submissions_are_graded_and_get_feedback(course, assignment):
    students = classroom.plan_class(assignment)
    by_name = {exercise.name: exercise for exercise in exercises(NOTEBOOKS / f"{assignment}.ipynb")}
    assert len(students) == 2 + len(by_name)  # solution, untouched, one slip per exercise
    grades, seconds = classroom.grade(course, assignment, students)
    print(f"\n{assignment}: {len(students)} submissions autograded by nbgrader in {seconds:.0f} s "
          f"({seconds / len(students):.1f} s each)")  # reported, not asserted: make class times a class of 30
    points = {grade_id: points for exercise in by_name.values() for grade_id, points, _ in exercise.checks}
    for student, variants in students:
        expected = {grade_id: (points[grade_id] if variants[exercise.name] == "solution" else 0)
                    for exercise in by_name.values() for grade_id, _, _ in exercise.checks}
        assert grades[student] == expected, f"{student} {variants}: graded {grades[student]}"
        text = feedback_text(course, assignment, student)
        # the feedback shows a failed check's message, never a traceback through the helpers' code (a traceback of
        # the student's own code, when a later cell calls their unwritten function, shows their cell's lines)
        assert not re.search(r"helpers[/\\]\w+\.py", text), (student, text)
        for name, variant in variants.items():
            if variant == "untouched":
                assert f"CheckFailed: {name} is not written yet" in text, (student, name)
            elif variant != "solution":
                pattern = next(message for slip, _, message in SLIPS[name] if slip == variant)
                assert re.search(pattern, text, flags=re.S), (student, name, variant)


def test_a_class_of_30_is_planned_with_every_slip():
    for assignment in ("05_identity_block", "06_convolutional_block"):
        students = classroom.plan_class(assignment, size=30)
        assert len(students) == 30 and len({student for student, _ in students}) == 30
        seen = {(name, variant) for _, variants in students for name, variant in variants.items()}
        for name in {exercise.name for exercise in exercises(NOTEBOOKS / f"{assignment}.ipynb")}:
            assert {(name, slip) for slip, _, _ in SLIPS[name]} <= seen
            assert (name, "untouched") in seen and (name, "solution") in seen
        assert classroom.plan_class(assignment, size=30) == students  # the same class in every run


def test_nbgrader_leaves_the_environment_as_it_found_it_when_it_fails(tmp_path, monkeypatch):
    """nbgrader sets NBGRADER_EXECUTION while it autogrades and leaves it set when a kernel dies; in the process that
    runs it (a test worker, make class), every kernel started later would then have its checks raise."""
    import nbgrader.converters

    class DyingAutograde:
        def __init__(self, coursedir, config):
            self.log = logging.getLogger("dying-autograde")

        def start(self):
            os.environ.update(NBGRADER_EXECUTION="autograde", PATH="/nowhere")
            raise RuntimeError("Kernel died")

    monkeypatch.setattr(nbgrader.converters, "Autograde", DyingAutograde)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    path = os.environ["PATH"]
    (tmp_path / "nbgrader_config.py").write_text("")
    with pytest.raises(RuntimeError, match="(?s)nbgrader autograde 05_identity_block failed.*Kernel died"):
        classroom.nbgrader("autograde", "05_identity_block", course_dir=tmp_path)
    assert "NBGRADER_EXECUTION" not in os.environ and os.environ["PATH"] == path


def test_the_teachers_command_line_does_what_the_tests_run_in_process(course):
    """Teachers run nbgrader's command line in the course folder (CLASSROOM.md); the tests above run its converters
    in this process (course.classroom.nbgrader). The command line makes the same release, and `nbgrader export`
    writes every score the gradebook holds (after the tests above, every representative submission's)."""
    import csv
    import subprocess
    import sys
    from pathlib import Path

    from nbgrader.api import Gradebook

    nbgrader_command = str(Path(sys.executable).parent / "nbgrader")
    assignment = "05_identity_block"
    release = course / "release" / assignment / f"{assignment}.ipynb"
    made_in_process = release.read_text(encoding="utf-8")
    for step in (["generate_assignment", assignment, "--force"], ["export"]):
        result = subprocess.run([nbgrader_command, *step], cwd=course, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
    assert release.read_text(encoding="utf-8") == made_in_process
    with open(course / "grades.csv", newline="") as f:
        exported = {(row["assignment"], row["student_id"]): float(row["raw_score"]) for row in csv.DictReader(f)}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", classroom.COURSE_ID) as gradebook:
        held = {(submission.assignment.name, submission.student.id): submission.score
                for name in [path.name for path in (course / "release").iterdir()]
                for submission in gradebook.assignment_submissions(name)}
    assert held, "no submission graded: run the whole file (the tests above grade what this one exports)"
    assert held.items() <= exported.items()  # every submission's score; the students who submitted nothing get 0
    assert all(score == 0 for key, score in exported.items() if key not in held)
