"""The learner's workbook: the lessons with the solutions taken out, generated from notebooks/.

    python -m course workbook update             # what `make lab` runs: add missing notebooks, never overwrite work
    python -m course workbook refresh 05         # a fresh copy of one lesson; the learner's copy becomes a backup
    python -m course workbook --lang ko update   # a translated edition: <lang>/notebooks/ -> <lang>/workbook/

In a workbook notebook every solution region (### BEGIN SOLUTION ... ### END SOLUTION) is replaced by
nbgrader's stub (`# YOUR CODE HERE` and `raise NotImplementedError()`, by nbgrader's own ClearSolutions), the
outputs are cleared, the hidden-test markers are dropped (the learner keeps those checks), the code of the cells
tagged "spoiler" is folded (they demonstrate slips with code close to a solution), a first cell links
to the solved reference notebook, and a last cell holds each exercise's full solution in a closed <details>
block. The hints are already in the lessons, as <details> blocks above each exercise.

A learner's work is never lost. Each workbook notebook records a fingerprint of the cells it was generated with.
`update` creates the notebooks that are missing and replaces a notebook only when its cells are still exactly
as generated (the lesson changed, the learner did not touch it); a notebook the learner changed is kept, and
`update` says how to get the new version. `refresh` moves the learner's copy to workbook/backups/ with the date
and time in its name before writing the new one.
"""
import datetime
import hashlib
import json
import shutil
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell

from course import NOTEBOOKS, ROOT, lessons
from course.editions import HIDDEN_MARKERS, exercises, fold_spoilers, without
from course.languages import EDITION_TEXT, SOURCE, Language, from_locale

WORKBOOK = ROOT / "workbook"


def fingerprint(nb):
    """A hash of what a learner writes: the cells' types and sources (not outputs, counts or metadata)."""
    cells = [[cell.cell_type, cell.source] for cell in nb.cells]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode()).hexdigest()


def make_workbook(source_path, reference_link, root=ROOT):
    """The workbook edition of one lesson notebook, as a NotebookNode.

    source_path    -- notebooks/NN_topic.ipynb (or <lang>/notebooks/NN_topic.ipynb), solved and executed
    reference_link -- the link from the workbook notebook to the solved one, e.g. ../notebooks/05_....ipynb
    """
    from nbgrader.preprocessors import ClearSolutions

    nb = nbformat.read(source_path, as_version=4)
    lang = nb.metadata.get("course", {}).get("language", SOURCE)  # a translated edition's notebooks say which
    language = Language(lang, root)
    solutions = [(exercise.name, exercise.solution) for exercise in exercises(source_path)]
    nb, _ = ClearSolutions(enforce_metadata=True).preprocess(nb, {})
    fold_spoilers(nb)
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.source = without(HIDDEN_MARKERS, cell.source)
    title = nb.cells[0].source.splitlines()[0].lstrip("# ").strip()
    names = {"title": title, "name": source_path.name, "link": reference_link}
    key = "workbook-intro-exercises" if solutions else "workbook-intro"
    nb.cells.insert(0, new_markdown_cell(language.text(key, EDITION_TEXT[key]).format(**names)))
    if solutions:
        summary = language.text("workbook-solution-summary", EDITION_TEXT["workbook-solution-summary"])
        blocks = [f"<details>\n<summary>{summary.format(name=name)}</summary>\n\n```python\n{code}\n```\n</details>"
                  for name, code in solutions]
        heading = language.text("workbook-solutions", EDITION_TEXT["workbook-solutions"])
        nb.cells.append(new_markdown_cell(heading + "\n\n" + "\n\n".join(blocks)))
    nb.metadata["course"] = {"edition": "workbook", "source": f"{source_path.parent.name}/{source_path.name}"}
    if lang != SOURCE:
        nb.metadata["course"]["language"] = lang
    nb.metadata["course"]["fingerprint"] = fingerprint(nb)
    return nb


def _write(nb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.validate(nb)
    nbformat.write(nb, path)


def _state(path):
    """(recorded fingerprint, whether the learner changed the cells) of a workbook notebook; (None, True) when it
    cannot be read, so that it is never overwritten."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:
        return None, True
    recorded = nb.metadata.get("course", {}).get("fingerprint")
    return recorded, recorded != fingerprint(nb)


def _copy_images(source, workbook):
    """Copy notebooks/images/ files the workbook lacks (a learner's own photos there are never replaced)."""
    for image in sorted((source / "images").glob("*")):
        target = workbook / "images" / image.name
        if image.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(image, target)


def update(source=NOTEBOOKS, workbook=WORKBOOK, out=print, root=ROOT):
    """Add missing workbook notebooks, bring untouched ones up to date, keep the learner's changes.

    Returns {notebook name: "added" | "updated" | "unchanged" | "kept"}.
    """
    report = {}
    _copy_images(source, workbook)
    for path in lessons(source):
        target = workbook / path.name
        fresh = make_workbook(path, _relative_link(path, workbook), root)
        if not target.exists():
            _write(fresh, target)
            report[path.name] = "added"
            continue
        recorded, changed = _state(target)
        if recorded == fresh.metadata["course"]["fingerprint"]:
            report[path.name] = "unchanged"  # the lesson is as it was when this copy was made
        elif not changed:
            _write(fresh, target)  # the lesson changed and the learner had not touched the copy
            report[path.name] = "updated"
        else:
            report[path.name] = "kept"
            out(f"{_shown(workbook)}/{path.name}: the lesson has changed, and your copy has your own changes, so it was kept "
                f"as it is. To get the new version: make refresh NOTEBOOK={path.name[:2]}"
                f"{'' if workbook.parent == root else ' LANG=' + workbook.parent.name} (your copy then goes to "
                f"{_shown(workbook)}/backups/).")
    counts = {state: sum(1 for s in report.values() if s == state) for state in ("added", "updated", "kept")}
    out(f"{_shown(workbook)}/: {len(report)} notebooks ({counts['added']} added, {counts['updated']} updated, "
        f"{counts['kept']} with your changes kept)")
    return report


def _shown(folder):
    """The workbook folder as the learner knows it: workbook, or <lang>/workbook for a translated edition."""
    try:
        return str(folder.relative_to(ROOT))
    except ValueError:
        return folder.name


def _relative_link(source_path, workbook):
    try:
        return str(Path("..") / source_path.parent.relative_to(workbook.parent) / source_path.name)
    except ValueError:
        return source_path.as_uri()


def refresh(number, source=NOTEBOOKS, workbook=WORKBOOK, now=None, out=print, root=ROOT):
    """Replace workbook notebook ``number`` (e.g. "05") with a fresh copy; the old one goes to workbook/backups/.

    Returns the backup's path, or None when there was no copy to back up.
    """
    matches = [path for path in lessons(source) if path.name.startswith(f"{int(number):02d}_")]
    if not matches:
        names = ", ".join(path.name[:2] for path in lessons(source))
        raise SystemExit(f"No lesson numbered {number!r}: choose one of {names}.")
    path = matches[0]
    target = workbook / path.name
    backup = None
    if target.exists():
        stamp = (now or datetime.datetime.now()).strftime("%Y-%m-%d_%H%M%S")
        backup = workbook / "backups" / f"{path.stem}.{stamp}.ipynb"
        backup.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(target, backup)
        out(f"{_shown(workbook)}/{path.name}: your copy is now {backup.relative_to(workbook.parent)}")
    _write(make_workbook(path, _relative_link(path, workbook), root), target)
    out(f"{_shown(workbook)}/{path.name}: a fresh copy of the lesson")
    return backup


def editions(lang=SOURCE, root=ROOT):
    """(solved lessons' folder, workbook folder) of an edition; a translated one is built from its catalogs first."""
    if lang == SOURCE:
        return root / "notebooks", root / "workbook"
    from course import translations
    language = Language(lang, root)
    translations.build(language, report=lambda *_: None)
    return language.edition / "notebooks", language.edition / "workbook"


def main(args):
    source, workbook = editions(from_locale(args.lang))
    if args.command == "update":
        update(source, workbook)
    else:
        refresh(args.number, source, workbook)
    return 0


def add_arguments(parser):
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("update", help="add missing workbook notebooks; never overwrite one you changed")
    one = commands.add_parser("refresh", help="a fresh copy of one lesson; yours goes to workbook/backups/")
    one.add_argument("number", help="the lesson's number, e.g. 05")
    parser.add_argument("--lang", default=SOURCE, help="the edition: en (notebooks/ -> workbook/) or a language of "
                                                       "locale/, or a locale such as ko_KR.UTF-8 (<lang>/notebooks/ "
                                                       "-> <lang>/workbook/)")
