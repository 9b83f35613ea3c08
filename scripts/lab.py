"""Start JupyterLab on the course as `make lab` does: bring the workbook up to date, then open it.

    python scripts/lab.py [JupyterLab arguments, e.g. --no-browser --port 8888]
    python scripts/lab.py --project DIR [...]   # another checkout (the browser tests use a copy)

JupyterLab serves the project's top folder, so workbook/ (the learner's copies) and notebooks/ (the solved
reference edition) sit side by side in its file browser; it opens at workbook/00_start_here.ipynb.
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import workbook  # noqa: E402  (scripts/workbook.py)

FIRST_PAGE = "workbook/00_start_here.ipynb"


def command(project, extra=()):
    """The jupyter lab command line for ``project`` (a checkout's top folder)."""
    jupyter = Path(sys.executable).with_name("jupyter")
    root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [str(jupyter), "lab", f"--ServerApp.root_dir={project}", f"--LabApp.default_url=/lab/tree/{FIRST_PAGE}",
            *root, *extra]


def main(argv):
    project = workbook.ROOT
    if argv[:1] == ["--project"]:
        project, argv = Path(argv[1]).resolve(), argv[2:]
    workbook.update(project / "notebooks", project / "workbook")
    arguments = command(project, argv)
    os.execv(arguments[0], arguments)


if __name__ == "__main__":
    main(sys.argv[1:])
