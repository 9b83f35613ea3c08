"""`make book`: the course as a static website, in book/_build/html (git-ignored).

Made from the committed, executed notebooks without running them (MyST-NB renders the stored outputs),
the data page and book/index.md, in course order. The sources are staged first in book/_build/src, where
each lesson gets one line under its title, its Open in Colab and Launch Binder links (scripts/links.py),
which stand in for its Colab cell (left out of the page).
MathJax comes from the jupyter-server-mathjax package and is copied into the site, so no page asks the
network for anything; this script checks the HTML for references to other hosts, and
tests/test_book.py loads every page in a browser with the network cut off.

    .venv/bin/python scripts/book.py            # build
    python -m http.server -d book/_build/html   # then open http://localhost:8000
"""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import links  # noqa: E402

ROOT = links.ROOT
BOOK = ROOT / "book"
BUILD = BOOK / "_build"
SRC = BUILD / "src"
HTML = BUILD / "html"
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def stage():
    """Copy the site's sources into book/_build/src, adding the launch links under each lesson's title."""
    shutil.rmtree(SRC, ignore_errors=True)
    (SRC / "notebooks").mkdir(parents=True)
    shutil.copy(BOOK / "index.md", SRC / "index.md")
    for path in LESSONS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        launch = {"cell_type": "markdown", "id": "launch-links", "metadata": {},
                  "source": [links.launch_line(path.stem)]}
        nb["cells"].insert(1, launch)
        for cell in nb["cells"]:  # the Colab cell does nothing here: the launch links stand for it
            if cell.get("id") == "colab-setup":
                cell["metadata"].setdefault("tags", []).append("remove-cell")
        (SRC / "notebooks" / path.name).write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    shutil.copytree(ROOT / "notebooks" / "images", SRC / "notebooks" / "images")
    (SRC / "data").mkdir()
    shutil.copy(ROOT / "data" / "README.md", SRC / "data" / "README.md")
    for png in (ROOT / "data").glob("*.png"):
        shutil.copy(png, SRC / "data" / png.name)


def build():
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q", "-c", str(BOOK),
           "-d", str(BUILD / "doctrees"), str(SRC), str(HTML)]
    subprocess.run(cmd, check=True)
    conf = {}
    exec(compile((BOOK / "conf.py").read_text(), str(BOOK / "conf.py"), "exec"), conf)
    target = HTML / "_static" / "mathjax"
    shutil.rmtree(target, ignore_errors=True)
    # MathJax 2.7: TeX in, HTML-CSS out with the STIX web fonts; the SVG output and its fonts are not used.
    shutil.copytree(conf["MATHJAX_STATIC"], target, ignore=shutil.ignore_patterns("SVG"))


# A page may link to other sites (papers, Keras docs, Colab); it may not load anything from them.
RESOURCE = re.compile(r"<(?:script|img|link|iframe|source)\b[^>]*?\b(?:src|href)=[\"'](?:https?:)?//", re.I)
CSS_URL = re.compile(r"url\(\s*[\"']?(?:https?:)?//", re.I)


def external_resources():
    found = []
    for path in sorted(HTML.rglob("*")):
        if path.suffix == ".html":
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                for m in RESOURCE.finditer(line):
                    link = m.group(0)
                    if 'rel="canonical"' not in link:
                        found.append(f"{path.relative_to(HTML)}: {line.strip()[:160]}")
        elif path.suffix == ".css" and "mathjax" not in path.parts:
            if CSS_URL.search(path.read_text(encoding="utf-8", errors="replace")):
                found.append(f"{path.relative_to(HTML)}: url(//...)")
    return found


def main():
    stage()
    build()
    bad = external_resources()
    if bad:
        sys.exit("The site would load these from the network:\n  " + "\n  ".join(bad))
    pages = sorted(p for p in HTML.rglob("*.html")
                   if p.name not in ("genindex.html", "search.html") and "_static" not in p.parts)
    size = sum(p.stat().st_size for p in HTML.rglob("*") if p.is_file())
    print(f"book: {len(pages)} pages (+ search and index), {size / 2**20:.1f} MiB in {HTML.relative_to(ROOT)}/")
    print(f"      open {HTML.relative_to(ROOT)}/index.html, or serve it: python -m http.server -d {HTML.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
