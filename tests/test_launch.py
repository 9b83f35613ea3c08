"""The ways to open the course online: every launch link, Colab's first cell, Binder's set-up.

All the links come from one value, pyproject.toml's [project.urls] Repository (course/links.py). The Colab
path itself is played out in tests/test_install.py; the website's links are checked in tests/test_book.py.
"""
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course import lessons, links
from helpers import _standins, datasets

ROOT = Path(__file__).resolve().parent.parent
LESSONS = [path.stem for path in lessons()]


def test_links_are_made_from_the_repository():
    assert links.repository().startswith("https://github.com/")
    owner_name = links.repository().removeprefix("https://github.com/")
    assert links.colab_url("05_identity_block") == (
        f"https://colab.research.google.com/github/{owner_name}/blob/main/notebooks/05_identity_block.ipynb")
    assert links.binder_url("05_identity_block") == (
        f"https://mybinder.org/v2/gh/{owner_name}/main?urlpath=lab/tree/workbook/05_identity_block.ipynb")


@pytest.mark.parametrize("stem", LESSONS)
def test_readme_row_has_both_launch_links(stem):
    rows = [line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith(f"| [`{stem}`]")]
    assert len(rows) == 1, f"README.md has {len(rows)} rows for {stem}"
    assert f"[Colab]({links.colab_url(stem)})" in rows[0] and f"[Binder]({links.binder_url(stem)})" in rows[0]


@pytest.mark.parametrize("stem", LESSONS)
def test_colab_cell_comes_first_and_installs_this_repository(stem):
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    colab, setup = code[0], code[1]
    assert colab.get("id") == "colab-setup" and 'if "google.colab" in sys.modules:' in colab.source
    assert f'"{links.pip_source()}"' in colab.source, "the Colab cell installs from another repository"
    assert "-m helpers.prepare" in colab.source and not colab.outputs
    assert "from helpers" in setup.source, "the set-up cell must follow the Colab cell"
    assert colab.metadata["nbgrader"]["locked"] and not colab.metadata["nbgrader"]["grade"]


def test_binder_builds_graphviz_the_lock_and_runs_postbuild():
    environment = (ROOT / "environment.yml").read_text()
    assert "- graphviz" in environment and "-r requirements.lock" in environment and "python=3.11" in environment
    assert os.access(ROOT / "postBuild", os.X_OK) or (ROOT / "postBuild").stat().st_mode & stat.S_IXUSR


def test_postbuild_prepares_the_data_and_the_workbook(tmp_path):
    """postBuild run as repo2docker runs it, in a copy of the repository; pip is only recorded (installing the
    copy would re-point this environment's own install), python is this environment's."""
    copy = tmp_path / "repo"
    subprocess.run(["git", "clone", "--quiet", f"file://{ROOT}", str(copy)], check=True)
    shutil.copy(ROOT / "postBuild", copy / "postBuild")
    shutil.copytree(ROOT / "notebooks", copy / "notebooks", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("output"))
    # The stand-ins this checkout drew (make's set-up runs postBuild's command), where the copy's code that draws
    # them is the same (no uncommitted change): postBuild must find them current and keep them
    drawing = ["helpers/datasets.py", *(path.relative_to(ROOT) for path in (ROOT / "helpers/_standins").glob("*.py"))]
    same = all((copy / path).is_file() and (copy / path).read_bytes() == (ROOT / path).read_bytes() for path in drawing)
    cached = [path for spec in datasets.SPECS.values() if same
              for path in _standins.current_files(spec, datasets.DATA_DIR) or ()]
    (copy / "data" / "generated").mkdir(parents=True, exist_ok=True)
    for path in cached:
        shutil.copy2(path, copy / "data" / "generated" / path.name)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "pip").write_text(f'#!/bin/sh\necho "$@" >> {tmp_path / "pip.log"}\n')
    (bin_dir / "pip").chmod(0o755)
    (bin_dir / "python").write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
    (bin_dir / "python").chmod(0o755)
    prefix = tmp_path / "prefix"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "PYTHONPATH": str(copy)}
    # `course lab configure` writes into sys.prefix: here, into a scratch prefix instead
    lab = copy / "course" / "lab.py"
    source = lab.read_text()
    assert "def configure(prefix=sys.prefix," in source
    lab.write_text(source.replace("def configure(prefix=sys.prefix,", f"def configure(prefix={str(prefix)!r},"))
    result = subprocess.run(["bash", "postBuild"], cwd=copy, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "pip.log").read_text().split() == ["install", "--no-deps", "-e", "."]
    for spec in datasets.SPECS.values():
        assert f"{spec.title}: stand-ins ready in data/generated/" in result.stdout, result.stdout
        assert len(list((copy / "data" / "generated").glob(f"*_{spec.name}.h5"))) == 2, spec.name
        assert not same or _standins.current_files(spec, copy / "data"), spec.name
    if len(cached) == 2 * len(datasets.SPECS):
        assert " images in " not in result.stdout, result.stdout  # kept, not drawn again
    else:
        assert " images in " in result.stdout, result.stdout  # drawn
    assert sorted(p.stem for p in (copy / "workbook").glob("*.ipynb")) == LESSONS
    assert sorted(p.stem for p in (copy / "ko" / "workbook").glob("*.ipynb")) == LESSONS  # 한국어판
    assert (copy / "ko" / ".course-language").read_text().strip() == "ko"
    assert (prefix / "etc/jupyter/labconfig/page_config.json").is_file()


def test_colab_cell_is_the_same_in_every_lesson():
    sources = {stem: next(cell.source for cell in nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4).cells
                          if cell.cell_type == "code") for stem in LESSONS}
    assert len(set(sources.values())) == 1, "the lessons' Colab cells differ: make them the same"


def test_binder_installs_the_fonts_of_every_language():
    """repo2docker installs apt.txt's packages: every font package that a language of locale/ lists."""
    wanted = {package for path in (ROOT / "locale").glob("*/fonts") for package in path.read_text().split()}
    listed = {line.strip() for line in (ROOT / "apt.txt").read_text().splitlines()
              if line.strip() and not line.startswith("#")}
    assert wanted and wanted <= listed, f"apt.txt lacks {wanted - listed}"
