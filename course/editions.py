"""What every edition of a lesson shares: its exercises, read from nbgrader's cell metadata, and its spoilers.

A lesson's exercise is defined once, in the lesson: the solution cell (nbgrader ``solution``, its ``grade_id`` the
function's name) between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, and the check cell after it (nbgrader
``grade``, ``grade_id`` check_<name>, ``points``). The workbook, the classroom release and the tests read them
from there.
"""
import re
from dataclasses import dataclass

import nbformat

SOLUTION_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
HIDDEN_MARKERS = re.compile(r"^\s*### (BEGIN|END) HIDDEN TESTS\s*$")


@dataclass(frozen=True)
class Exercise:
    """One exercise of a lesson: the function to write, its solved code, and the graded checks after it."""
    lesson: str          # e.g. "05_identity_block"
    name: str            # the solution cell's grade_id: the function's name, e.g. "identity_block"
    solution: str        # the solved cell, without its markers
    checks: tuple        # ((grade_id, points, the check cell's source), ...) until the next exercise


def without(pattern, source):
    return "\n".join(line for line in source.split("\n") if not pattern.match(line))


def exercises(path):
    """The exercises of a lesson notebook, in order (an empty list for a lesson without any)."""
    nb = nbformat.read(path, as_version=4)
    found = []
    for cell in nb.cells:
        grading = cell.metadata.get("nbgrader", {})
        if grading.get("solution"):
            found.append([grading["grade_id"], without(SOLUTION_MARKERS, cell.source), []])
        elif grading.get("grade") and found:
            found[-1][2].append((grading["grade_id"], grading.get("points", 0), cell.source))
    return [Exercise(path.stem, name, solution, tuple(checks)) for name, solution, checks in found]


def fold_spoilers(nb):
    """Fold the code of the cells tagged "spoiler" (they demonstrate slips with code close to a solution): JupyterLab
    shows "..." until the learner clicks it, and still shows what the cell prints."""
    for cell in nb.cells:
        if "spoiler" in cell.metadata.get("tags", []):
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    return nb
