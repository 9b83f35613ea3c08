"""Configure the JupyterLab of .venv for a learner: no dialog or network call interrupts the first launch.

Written into the virtual environment (its sys.prefix), so nothing outside the project changes:
- share/jupyter/lab/settings/overrides.json: no "fetch official Jupyter news?" question, no update check;
- etc/jupyter/labconfig/page_config.json: nbgrader's teacher panels (formgrader, assignment list) are off in the
  learner's JupyterLab; teachers use `make classroom` and nbgrader's command line.
"""
import json
import sys
from pathlib import Path

SETTINGS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}
PAGE_CONFIG = {"disabledExtensions": {"@jupyter/nbgrader": True}}


def write(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2) + "\n")


def main(prefix=sys.prefix):
    prefix = Path(prefix)
    write(prefix / "share/jupyter/lab/settings/overrides.json", SETTINGS)
    write(prefix / "etc/jupyter/labconfig/page_config.json", PAGE_CONFIG)


if __name__ == "__main__":
    main()
