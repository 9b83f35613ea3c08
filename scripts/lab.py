"""Start JupyterLab on the course as `make lab` does: bring the workbook up to date, then open it.

    python scripts/lab.py [JupyterLab arguments, e.g. --no-browser --port 8888]
    python scripts/lab.py --project DIR [...]   # another checkout (the browser tests use a copy)
    python scripts/lab.py --lang ko [...]       # the Korean edition: ko/workbook/ beside ko/notebooks/

JupyterLab serves the project's top folder, so workbook/ (the learner's copies) and notebooks/ (the solved
reference edition) sit side by side in its file browser; it opens at workbook/00_start_here.ipynb.
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import workbook  # noqa: E402  (scripts/workbook.py)

FIRST_PAGE = "workbook/00_start_here.ipynb"


def command(project, extra=(), lang="en"):
    """The jupyter lab command line for ``project`` (a checkout's top folder)."""
    first = FIRST_PAGE if lang == "en" else f"{lang}/{FIRST_PAGE}"
    jupyter = Path(sys.executable).with_name("jupyter")
    root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [str(jupyter), "lab", f"--ServerApp.root_dir={project}", f"--LabApp.default_url=/lab/tree/{first}",
            *root, *extra]


def main(argv):
    project, lang = workbook.ROOT, "en"
    while argv[:1] in (["--project"], ["--lang"]):
        if argv[0] == "--project":
            project = Path(argv[1]).resolve()
        else:
            lang = argv[1]
        argv = argv[2:]
    if lang not in ("en", "ko"):
        raise SystemExit(f"No {lang!r} edition: the course is in English (en) and Korean (ko).")
    workbook.update(*workbook.editions(lang, project))
    arguments = command(project, argv, lang)
    os.execv(arguments[0], arguments)


if __name__ == "__main__":
    main(sys.argv[1:])
