"""The learner's workbook (make lab): what it holds, that a learner's work is never lost, and that Run All
never dead-ends in a fresh workbook notebook (up to the training in those that train after their checks:
TRAINS_AFTER_ITS_CHECKS)."""
import datetime
import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from course import ROOT, lessons, workbook
from course.editions import exercises

GRADED = [path.stem for path in lessons() if exercises(path)]


@pytest.fixture
def project(tmp_path):
    """A copy of the lessons (notebooks/) beside an empty place for the workbook, as in a checkout."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns("output"))
    return tmp_path


def update(project):
    messages = []
    report = workbook.update(project / "notebooks", project / "workbook", out=messages.append, root=project)
    return report, messages


def test_a_workbook_notebook_has_stubs_hints_and_solutions_but_no_outputs(project):
    report, messages = update(project)
    assert set(report.values()) == {"added"} and len(report) == len(lessons())
    assert messages == [f"workbook/: {len(report)} notebooks ({len(report)} added, 0 updated, 0 with your changes kept)"]
    assert (project / "workbook" / "images" / "my_image.jpg").exists()
    for name in GRADED:
        source = nbformat.read(project / "notebooks" / f"{name}.ipynb", as_version=4)
        nb = nbformat.read(project / "workbook" / f"{name}.ipynb", as_version=4)
        assert f"[{name}.ipynb](../notebooks/{name}.ipynb)" in nb.cells[0].source
        solved = [cell for cell in source.cells if cell.metadata.get("nbgrader", {}).get("solution")]
        assert solved
        for cell in nb.cells:
            assert "### BEGIN" not in cell.source and "### END" not in cell.source
            assert "nbgrader" not in cell.metadata
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None
        stubs = [i for i, cell in enumerate(nb.cells) if "# YOUR CODE HERE\n" in cell.source]
        assert len(stubs) == len(solved)
        for index in stubs:  # at least two hints, in closed <details> blocks, right above each exercise
            assert nb.cells[index - 1].cell_type == "markdown"
            assert nb.cells[index - 1].source.count("<details>") >= 2
            assert "raise NotImplementedError()" in nb.cells[index].source
        solutions = nb.cells[-1].source
        assert solutions.startswith("## Solutions") and solutions.count("<details>") == len(solved)
        for exercise in exercises(project / "notebooks" / f"{name}.ipynb"):  # the full solution, without markers
            assert f"```python\n{exercise.solution}\n```" in solutions
        spoilers = [cell for cell in nb.cells if "spoiler" in cell.metadata.get("tags", [])]
        assert all(cell.metadata["jupyter"]["source_hidden"] for cell in spoilers)
        assert not any(cell.metadata.get("jupyter", {}).get("source_hidden") for cell in nb.cells
                       if cell not in spoilers)
    lesson = nbformat.read(project / "workbook" / "03_why_resnets.ipynb", as_version=4)
    assert "## Solutions" not in lesson.cells[-1].source


def test_the_cells_that_show_slips_near_a_solution_are_tagged_spoiler():
    """Code that demonstrates a slip is a near-solution: the editions fold it (course.editions.fold_spoilers)."""
    for name, text in [("00_start_here", "def convert_to_one_hot_rows("), ("04_batchnorm_and_init", "def forward_unbiased("),
                       ("05_identity_block", "def slipped_identity_block("),
                       ("06_convolutional_block", "def slipped_convolutional_block(")]:
        nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        cell = next(cell for cell in nb.cells if text in cell.source)
        assert "spoiler" in cell.metadata.get("tags", []), name


def test_update_adds_and_updates_but_never_overwrites_the_learners_work(project):
    update(project)
    mine = project / "workbook" / "05_identity_block.ipynb"
    nb = nbformat.read(mine, as_version=4)
    stub = next(cell for cell in nb.cells if "# YOUR CODE HERE\n" in cell.source)
    stub.source = stub.source.replace("raise NotImplementedError()", "X = Add()([X, X_shortcut])  # my attempt")
    nbformat.write(nb, mine)
    ran = project / "workbook" / "03_why_resnets.ipynb"  # only run, not edited: outputs are not work
    nb = nbformat.read(ran, as_version=4)
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", text="ran\n")]
    nbformat.write(nb, ran)
    my_copy = mine.read_bytes()

    # git pull brings a new lesson and changes to every old one
    for path in lessons(project / "notebooks"):
        lesson = nbformat.read(path, as_version=4)
        lesson.cells[0].source += "\n\n(Revised.)"
        nbformat.write(lesson, path)
    shutil.copy(project / "notebooks" / "03_why_resnets.ipynb", project / "notebooks" / "08_new_lesson.ipynb")
    report, messages = update(project)

    assert report["08_new_lesson.ipynb"] == "added"
    assert report["05_identity_block.ipynb"] == "kept" and mine.read_bytes() == my_copy
    assert report["03_why_resnets.ipynb"] == "updated"
    assert "(Revised.)" in nbformat.read(ran, as_version=4).cells[1].source
    assert sum(state == "updated" for state in report.values()) == 7
    assert ("workbook/05_identity_block.ipynb: the lesson has changed, and your copy has your own changes, so it "
            "was kept as it is. To get the new version: make refresh NOTEBOOK=05 (your copy then goes to "
            "workbook/backups/).") in messages
    assert update(project)[0]["05_identity_block.ipynb"] == "kept"  # and again on the next make lab

    # refresh: a fresh copy, and the learner's copy kept as a dated backup
    backup = workbook.refresh("05", project / "notebooks", project / "workbook",
                              now=datetime.datetime(2026, 11, 29, 14, 5, 9), out=lambda *args: None, root=project)
    assert backup == project / "workbook" / "backups" / "05_identity_block.2026-11-29_140509.ipynb"
    assert backup.read_bytes() == my_copy
    fresh = nbformat.read(mine, as_version=4)
    assert "# my attempt" not in mine.read_text() and "(Revised.)" in fresh.cells[1].source
    assert update(project)[0]["05_identity_block.ipynb"] == "unchanged"
    with pytest.raises(SystemExit, match="No lesson numbered '42'"):
        workbook.refresh("42", project / "notebooks", project / "workbook", root=project)


def test_an_unreadable_workbook_notebook_is_kept(project):
    update(project)
    broken = project / "workbook" / "00_start_here.ipynb"
    broken.write_text("{ not json")
    lesson = project / "notebooks" / "00_start_here.ipynb"
    nb = nbformat.read(lesson, as_version=4)
    nb.cells[0].source += " (revised)"
    nbformat.write(nb, lesson)
    assert update(project)[0]["00_start_here.ipynb"] == "kept" and broken.read_text() == "{ not json"


def run_all(path, stop_after=None):
    """Execute a workbook notebook top to bottom in a fresh kernel, as Run All does; raise at the first error.

    stop_after -- the index of the last cell to run (None: all of them)
    """
    nb = nbformat.read(path, as_version=4)
    if stop_after is not None:
        nb.cells = nb.cells[:stop_after + 1]
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def check_outputs(nb):
    """The text each check cell printed, for the cells that call a helpers.checks exercise check."""
    return {cell.source.split(" = ")[0]: "".join(output.get("text", "") for output in cell.outputs)
            for cell in nb.cells if cell.cell_type == "code" and re.match(r"^\w+ = check_\w+\(\w+\)", cell.source)}


# Lessons that train after their checks, for a minute or more in 02 and 07 (HappyModel for 30 epochs, ResNet50) and
# for most of 04's time after them (HappyModel for 8 epochs): Run All is followed up to that training, with the
# course's versions (helpers) standing in for the unwritten exercises. The training and the cells after it
# (evaluation, learning curves, the own-photo and save cells, 04's experiments with BatchNormalization and
# initialisers) are then run only by the nbval run of notebooks/, with the solution, not in the workbook.
TRAINS_AFTER_ITS_CHECKS = {"02_happy_model", "04_batchnorm_and_init", "07_resnet50"}
assert TRAINS_AFTER_ITS_CHECKS <= set(GRADED), TRAINS_AFTER_ITS_CHECKS - set(GRADED)


def before_training(cells):
    """The index of the last cell before the first code cell that calls ``.fit(`` after the last exercise check."""
    code = [(i, cell.source) for i, cell in enumerate(cells) if cell.cell_type == "code"]
    last_check = max(i for i, source in code if re.match(r"^\w+ = check_\w+\(\w+\)", source))
    fits = [i for i, source in code if i > last_check and ".fit(" in source]
    assert fits, "no code cell calls .fit( after the last check: take the lesson out of TRAINS_AFTER_ITS_CHECKS"
    return fits[0] - 1


@pytest.mark.parametrize("name", GRADED)
def test_run_all_in_a_fresh_workbook_notebook_never_dead_ends(project, name):
    update(project)
    path = project / "workbook" / f"{name}.ipynb"
    stop = before_training(nbformat.read(path, as_version=4).cells) if name in TRAINS_AFTER_ITS_CHECKS else None
    nb = run_all(path, stop_after=stop)
    printed = check_outputs(nb)
    assert sorted(printed) == sorted(exercise.name for exercise in exercises(project / "notebooks" / f"{name}.ipynb"))
    for exercise, text in printed.items():
        assert text.startswith(f"✗ Check failed: {exercise} is not written yet: replace `raise NotImplementedError()`")
        assert text.splitlines()[1] == (f"  Until it passes, the rest of this notebook uses the course's {exercise} "
                                        "(helpers), so it still runs.")
        assert len(text.splitlines()) == 2
    if name == "07_resnet50":  # the course's ResNet50 stood in, whole
        assert "Total params:         23,600,006" in "".join(output.get("text", "") for cell in nb.cells
                                                             for output in cell.get("outputs", []))


def test_a_passing_exercise_is_used_as_written(project):
    update(project)
    path = project / "workbook" / "00_start_here.ipynb"
    nb = nbformat.read(path, as_version=4)
    exercise = next(cell for cell in nb.cells if "# YOUR CODE HERE\n" in cell.source)
    exercise.source = exercise.source.replace("# YOUR CODE HERE\n    raise NotImplementedError()",
                                              "print('my version ran')\n    return np.eye(C)[Y.reshape(-1)].T")
    nbformat.write(nb, path)
    nb = run_all(path)
    assert check_outputs(nb)["convert_to_one_hot"].startswith("my version ran\n")
    assert check_outputs(nb)["convert_to_one_hot"].endswith("All tests passed.\n")
    later = next(cell for cell in nb.cells if cell.source.startswith("Y_train = convert_to_one_hot("))
    assert "my version ran" in "".join(output.get("text", "") for output in later.outputs)
