"""The learner's workbook: the lessons with the solutions taken out, generated from notebooks/.

    python scripts/workbook.py update            # what `make lab` runs: add missing notebooks, never overwrite work
    python scripts/workbook.py refresh 05        # a fresh copy of one lesson; the learner's copy becomes a backup

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
import argparse
import datetime
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell

# What the generator writes around a lesson, in English; the Korean edition's text is in locale/ko/editions.po.
TEXT = {
    "workbook-intro-exercises": (
        "*Your workbook copy of **{title}**. Write your code where it says `# YOUR CODE HERE`, then run the check "
        "below it. The solved lesson, with all its outputs, is [{name}]({link}); the solutions are also at the end "
        "of this notebook.*"),
    "workbook-intro": (
        "*Your workbook copy of **{title}**: run it, change it, try things. The lesson with all its outputs is "
        "[{name}]({link}).*"),
    "workbook-solution-summary": "Solution: <code>{name}</code>",
    "workbook-solutions": "## Solutions\n\nTry the exercise and its hints first.",
}


def edition_text(key, lang="en"):
    """TEXT[key] in ``lang``; only another language than English needs scripts/translations.py (and Babel)."""
    if lang == "en":
        return TEXT[key]
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import translations
    return translations.Translator().text(key)

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "notebooks"
WORKBOOK = ROOT / "workbook"
HIDDEN_MARKERS = re.compile(r"^\s*### (BEGIN|END) HIDDEN TESTS\s*$")
SOLUTION_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


def editions(lang="en", root=ROOT):
    """(solved lessons' folder, workbook folder) of an edition; the Korean one is built from its catalogs first."""
    if lang == "en":
        return root / "notebooks", root / "workbook"
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import translations
    translations.build(root / lang, source=root / "notebooks")
    return root / lang / "notebooks", root / lang / "workbook"


def lessons(source=SOURCE):
    """The lesson notebooks, in course order: notebooks/NN_topic.ipynb."""
    return sorted(source.glob("[0-9][0-9]_*.ipynb"))


def fingerprint(nb):
    """A hash of what a learner writes: the cells' types and sources (not outputs, counts or metadata)."""
    cells = [[cell.cell_type, cell.source] for cell in nb.cells]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode()).hexdigest()


def _without(lines_pattern, source):
    return "\n".join(line for line in source.split("\n") if not lines_pattern.match(line))


def exercises(nb):
    """(grade_id, solved source) of each solution cell of a source notebook, in order."""
    return [(cell.metadata["nbgrader"]["grade_id"], _without(SOLUTION_MARKERS, cell.source))
            for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("solution")]


def hide_spoiler(cell):
    """Fold the code of a cell tagged "spoiler" (it demonstrates slips with code close to a solution): JupyterLab
    shows "..." until the learner clicks it, and still shows what the cell prints."""
    if "spoiler" in cell.metadata.get("tags", []):
        cell.metadata.setdefault("jupyter", {})["source_hidden"] = True


def make_workbook(source_path, reference_link):
    """The workbook edition of one lesson notebook, as a NotebookNode.

    source_path    -- notebooks/NN_topic.ipynb, solved and executed
    reference_link -- the link from the workbook notebook to the solved one, e.g. ../notebooks/05_....ipynb
    """
    from nbgrader.preprocessors import ClearSolutions

    nb = nbformat.read(source_path, as_version=4)
    lang = nb.metadata.get("course", {}).get("language", "en")  # the Korean edition's notebooks say "ko"
    solutions = exercises(nb)
    nb, _ = ClearSolutions(enforce_metadata=True).preprocess(nb, {})
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
        cell.metadata.pop("execution", None)
        hide_spoiler(cell)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.source = _without(HIDDEN_MARKERS, cell.source)
    title = nb.cells[0].source.splitlines()[0].lstrip("# ").strip()
    names = {"title": title, "name": source_path.name, "link": reference_link}
    intro = edition_text("workbook-intro-exercises" if solutions else "workbook-intro", lang).format(**names)
    nb.cells.insert(0, new_markdown_cell(intro))
    if solutions:
        summary = edition_text("workbook-solution-summary", lang)
        blocks = [f"<details>\n<summary>{summary.format(name=name)}</summary>\n\n```python\n{code}\n```\n</details>"
                  for name, code in solutions]
        nb.cells.append(new_markdown_cell(edition_text("workbook-solutions", lang) + "\n\n" + "\n\n".join(blocks)))
    nb.metadata["course"] = {"edition": "workbook", "source": f"{source_path.parent.name}/{source_path.name}"}
    if lang != "en":
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


def update(source=SOURCE, workbook=WORKBOOK, out=print):
    """Add missing workbook notebooks, bring untouched ones up to date, keep the learner's changes.

    Returns {notebook name: "added" | "updated" | "unchanged" | "kept"}.
    """
    report = {}
    _copy_images(source, workbook)
    for path in lessons(source):
        target = workbook / path.name
        fresh = make_workbook(path, _relative_link(path, workbook))
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
                f"{' LANG=ko' if workbook.parent.name == 'ko' else ''} (your copy then goes to "
                f"{_shown(workbook)}/backups/).")
    counts = {state: sum(1 for s in report.values() if s == state) for state in ("added", "updated", "kept")}
    out(f"{_shown(workbook)}/: {len(report)} notebooks ({counts['added']} added, {counts['updated']} updated, "
        f"{counts['kept']} with your changes kept)")
    return report


def _shown(folder):
    """The workbook folder as the learner knows it: workbook, or ko/workbook for the Korean edition."""
    try:
        return str(folder.relative_to(ROOT))
    except ValueError:
        return folder.name


def _relative_link(source_path, workbook):
    try:
        return str(Path("..") / source_path.parent.relative_to(workbook.parent) / source_path.name)
    except ValueError:
        return source_path.as_uri()


def refresh(number, source=SOURCE, workbook=WORKBOOK, now=None, out=print):
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
    _write(make_workbook(path, _relative_link(path, workbook)), target)
    out(f"{_shown(workbook)}/{path.name}: a fresh copy of the lesson")
    return backup


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("update", help="add missing workbook notebooks; never overwrite one you changed")
    one = commands.add_parser("refresh", help="a fresh copy of one lesson; yours goes to workbook/backups/")
    one.add_argument("number", help="the lesson's number, e.g. 05")
    parser.add_argument("--lang", choices=("en", "ko"), default="en",
                        help="the edition: en (notebooks/ -> workbook/) or ko (ko/notebooks/ -> ko/workbook/)")
    args = parser.parse_args(argv)
    source, workbook = editions(args.lang)
    if args.command == "update":
        update(source, workbook)
    else:
        refresh(args.number, source, workbook)


if __name__ == "__main__":
    sys.exit(main())
