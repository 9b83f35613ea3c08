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

The Korean edition (한국어판) is built beside it, in book/_build/html/ko/, from the same notebooks with their
markdown and the helpers' printed messages taken from the catalogs in locale/ko/ (scripts/translations.py);
the home page's and the data page's text too. Every page links to the same page in the other language, and the
Korean pages use the English site's copy of MathJax.
"""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import links  # noqa: E402
import translations  # noqa: E402

ROOT = links.ROOT
BOOK = ROOT / "book"
BUILD = BOOK / "_build"
SRC = BUILD / "src"
HTML = BUILD / "html"
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
LANGUAGES = ("en", "ko")
SWITCH = {"en": "Read in English", "ko": "한국어로 읽기"}  # the language switch, in the language it leads to
MATHJAX = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"


def html_root(lang):
    return HTML if lang == "en" else HTML / lang


def language_switch(lang, page):
    """The link from ``page`` (e.g. "notebooks/05_identity_block", "index") to the same page in the other
    language, as inline HTML (a Markdown link would be taken for a cross-reference)."""
    other = "ko" if lang == "en" else "en"
    up = "../" * page.count("/")
    target = f"{up}{other}/{page}.html" if lang == "en" else f"{up}../{page}.html"
    return (f'<a class="language-switch" href="{target}" hreflang="{other}" lang="{other}">'
            f"{SWITCH[other]}</a>")


def _with_switch(text, lang, page):
    """A Markdown page with the language switch as its second paragraph (under its title)."""
    title, _, rest = text.partition("\n\n")
    return f"{title}\n\n{language_switch(lang, page)}\n\n{rest}"


def stage(lang="en"):
    """Copy the site's sources into book/_build/src (src-ko for Korean), adding the launch links and the language
    switch under each lesson's title; the Korean edition's notebooks and pages come from locale/ko/."""
    src = SRC if lang == "en" else BUILD / f"src-{lang}"
    translator = translations.Translator() if lang != "en" else None
    shutil.rmtree(src, ignore_errors=True)
    (src / "notebooks").mkdir(parents=True)
    index = (BOOK / "index.md").read_text(encoding="utf-8")
    (src / "index.md").write_text(_with_switch(translator.page(index) if translator else index, lang, "index"),
                                  encoding="utf-8")
    for path in LESSONS:
        nb = translations.korean_notebook(path, translator) if translator else json.loads(
            path.read_text(encoding="utf-8"))
        launch = {"cell_type": "markdown", "id": "launch-links", "metadata": {},
                  "source": [links.launch_line(path.stem) + " · " + language_switch(lang, f"notebooks/{path.stem}")]}
        nb["cells"].insert(1, launch)
        for cell in nb["cells"]:  # the Colab cell does nothing here: the launch links stand for it
            if cell.get("id") == "colab-setup":
                cell["metadata"].setdefault("tags", []).append("remove-cell")
        (src / "notebooks" / path.name).write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    shutil.copytree(ROOT / "notebooks" / "images", src / "notebooks" / "images")
    (src / "data").mkdir()
    data = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    (src / "data" / "README.md").write_text(
        _with_switch(translator.page(data) if translator else data, lang, "data/README"), encoding="utf-8")
    for png in (ROOT / "data").glob("*.png"):
        shutil.copy(png, src / "data" / png.name)
    return src


def build(lang="en", src=SRC):
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q", "-c", str(BOOK),
           "-d", str(BUILD / f"doctrees-{lang}")]
    if lang != "en":
        # The Korean site sits in html/ko/ and uses the English site's MathJax: mathjax_path is relative to
        # _static/, so ../../_static/ is html/_static/.
        title = translations.Translator().text("book-title")
        cmd += ["-D", f"language={lang}", "-D", f"html_title={title}", "-D", f"project={title}",
                "-D", f"mathjax_path=../../_static/{MATHJAX}"]
    subprocess.run(cmd + [str(src), str(html_root(lang))], check=True)
    if lang != "en":
        return
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
    shutil.rmtree(HTML / "ko", ignore_errors=True)
    build("en", stage("en"))  # first: the Korean site uses its MathJax
    build("ko", stage("ko"))
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
