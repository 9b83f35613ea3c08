"""JupyterLab as `make lab` starts it, and the JupyterLab settings the course ships.

    python -m course lab [--lang ko] [JupyterLab arguments, e.g. --no-browser --port 8888]
    python -m course lab --project DIR [...]     # another checkout (the browser tests use a copy)
    python -m course lab configure [--classroom] # write the settings into this Python environment (make does it)

`lab` brings the workbook up to date, then opens JupyterLab at the project's top folder, so workbook/ (the learner's
copies) and notebooks/ (the solved reference edition) sit side by side in its file browser; it opens at
workbook/00_start_here.ipynb. With --lang (a language of locale/, or a locale such as ko_KR.UTF-8, which
`make lab LANG=...` passes) it opens that edition: <lang>/workbook/ beside <lang>/notebooks/.

`configure` writes into the Python environment that runs it (its sys.prefix), so nothing outside it changes:
- share/jupyter/lab/settings/overrides.json: no "fetch official Jupyter news?" question, no update check, so no
  dialog or network call interrupts the first launch;
- etc/jupyter/labconfig/page_config.json: which of nbgrader's JupyterLab plugins are off. On one's own, all of them
  (a learner alone has no course to fetch from; teachers use `make classroom` and nbgrader's command line). With
  --classroom, students keep the assignment list (fetch and submit) and the Validate button; the formgrader, the
  course list and the create-assignment tools are off. A teacher can turn one back on for their own account only,
  e.g. `jupyter labextension enable --level=user @jupyter/nbgrader:formgrader`.
Both files are replaced, not merged.
"""
import json
import os
import sys
from pathlib import Path

from course import ROOT, workbook
from course.languages import SOURCE, from_locale

FIRST_PAGE = "workbook/00_start_here.ipynb"
SETTINGS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}
PAGE_CONFIG = {"disabledExtensions": {"@jupyter/nbgrader": True}}
# Students of a class need nbgrader's assignment-list and validate-assignment plugins (and its menu, which opens the
# assignment list); these three are for teachers.
CLASSROOM_PAGE_CONFIG = {"disabledExtensions": {"@jupyter/nbgrader:formgrader": True,
                                                "@jupyter/nbgrader:course-list": True,
                                                "@jupyter/nbgrader:create-assignment": True}}


def command(project, extra=(), lang=SOURCE):
    """The jupyter lab command line for ``project`` (a checkout's top folder)."""
    first = FIRST_PAGE if lang == SOURCE else f"{lang}/{FIRST_PAGE}"
    jupyter = Path(sys.executable).with_name("jupyter")
    root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [str(jupyter), "lab", f"--ServerApp.root_dir={project}", f"--LabApp.default_url=/lab/tree/{first}",
            *root, *extra]


def _write(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2) + "\n")


def configure(prefix=sys.prefix, classroom=False):
    """Write both settings files into the environment at ``prefix``: a learner's, or a class's with ``classroom``."""
    prefix = Path(prefix)
    _write(prefix / "share/jupyter/lab/settings/overrides.json", SETTINGS)
    _write(prefix / "etc/jupyter/labconfig/page_config.json", CLASSROOM_PAGE_CONFIG if classroom else PAGE_CONFIG)


def main(argv):
    """`python -m course lab ...`: the arguments it does not know are JupyterLab's."""
    if argv[:1] == ["configure"]:
        configure(classroom="--classroom" in argv[1:])
        return 0
    project, lang = ROOT, SOURCE
    while argv[:1] in (["--project"], ["--lang"]):
        if argv[0] == "--project":
            project = Path(argv[1]).resolve()
        else:
            lang = from_locale(argv[1], project)
        argv = argv[2:]
    workbook.update(*workbook.editions(lang, project), root=project)
    arguments = command(project, argv, lang)
    os.execv(arguments[0], arguments)
