"""Configure the course's JupyterLab, for a learner on their own or for the students of a class.

    python scripts/configure_lab.py               # what `make` runs: a learner on their own (.venv)
    python scripts/configure_lab.py --classroom   # a class on a JupyterHub (hub/Dockerfile, CLASSROOM.md)

Written into the Python environment that runs it (its sys.prefix), so nothing outside it changes:
- share/jupyter/lab/settings/overrides.json: no "fetch official Jupyter news?" question, no update check, so no
  dialog or network call interrupts the first launch;
- etc/jupyter/labconfig/page_config.json: which of nbgrader's JupyterLab plugins are off. On one's own, all of them
  (a learner alone has no course to fetch from; teachers use `make classroom` and nbgrader's command line). With
  --classroom, students keep the assignment list (fetch and submit) and the Validate button; the formgrader, the
  course list and the create-assignment tools are off. A teacher can turn one back on for their own account only,
  e.g. `jupyter labextension enable --level=user @jupyter/nbgrader:formgrader`.
Both files are replaced, not merged.
"""
import argparse
import json
import sys
from pathlib import Path

SETTINGS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}
PAGE_CONFIG = {"disabledExtensions": {"@jupyter/nbgrader": True}}
# Students of a class need nbgrader's assignment-list and validate-assignment plugins (and its menu, which opens the
# assignment list); these three are for teachers.
CLASSROOM_PAGE_CONFIG = {"disabledExtensions": {"@jupyter/nbgrader:formgrader": True,
                                                "@jupyter/nbgrader:course-list": True,
                                                "@jupyter/nbgrader:create-assignment": True}}


def write(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2) + "\n")


def configure(prefix, classroom=False):
    """Write both files into the environment at ``prefix``: a learner's set-up, or a class's with ``classroom``."""
    prefix = Path(prefix)
    write(prefix / "share/jupyter/lab/settings/overrides.json", SETTINGS)
    write(prefix / "etc/jupyter/labconfig/page_config.json", CLASSROOM_PAGE_CONFIG if classroom else PAGE_CONFIG)


def main(prefix=sys.prefix):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classroom", action="store_true",
                        help="students of a JupyterHub class: keep nbgrader's assignment list and Validate button")
    args = parser.parse_args(sys.argv[1:])
    configure(prefix, classroom=args.classroom)


if __name__ == "__main__":
    main()
