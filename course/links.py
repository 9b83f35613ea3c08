"""Where the course lives in public, and the links made from it (Colab, Binder, pip).

One value, ``[project.urls] Repository`` in pyproject.toml, decides every launch link: the README's
table, the website's lesson pages and each notebook's Colab cell. tests/test_launch.py checks them all.
"""
import tomllib

from course import ROOT

BRANCH = "main"


def repository():
    """The course's GitHub address, https://github.com/<owner>/<name>."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["urls"]["Repository"].rstrip("/")


def _owner_name():
    url = repository()
    prefix = "https://github.com/"
    if not url.startswith(prefix):
        raise ValueError(f"[project.urls] Repository must be a GitHub address ({prefix}<owner>/<name>); got {url}")
    return url[len(prefix):]


def colab_url(stem):
    """Open notebooks/<stem>.ipynb from GitHub in Google Colab."""
    return f"https://colab.research.google.com/github/{_owner_name()}/blob/{BRANCH}/notebooks/{stem}.ipynb"


def binder_url(stem):
    """Build the repository on mybinder.org and open the workbook copy of <stem> (postBuild makes workbook/)."""
    return f"https://mybinder.org/v2/gh/{_owner_name()}/{BRANCH}?urlpath=lab/tree/workbook/{stem}.ipynb"


def pip_source():
    """What Colab's first cell gives pip: the repository itself."""
    return f"git+{repository()}"


def launch_line(stem):
    """The Markdown links shown at the top of a lesson on the website."""
    return f"[Open in Colab]({colab_url(stem)}) · [Launch Binder]({binder_url(stem)})"
