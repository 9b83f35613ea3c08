"""`make book`: the course as a static website, in book/_build/html (git-ignored), in every language of locale/.

Made from the committed, executed notebooks without running them (MyST-NB renders the stored outputs), the data
page and book/index.md, in course order. The sources are staged first in book/_build/src (src-<lang> for another
language), where each lesson gets one line under its title, its Open in Colab and Launch Binder links
(course.links), which stand in for its Colab cell (left out of the page), and links to the same page in the other
languages. MathJax comes from the jupyter-server-mathjax package and is copied into the site, so no page asks the
network for anything; this module checks the HTML for references to other hosts, and tests/test_book.py loads every
page in a browser with the network cut off.

    python -m course book [--lang L ...]        # build (default: English and every language of locale/)
    python -m http.server -d book/_build/html   # then open http://localhost:8000

A translated edition sits in html/<lang>/, made from <lang>/notebooks/ (course.translations), with the home page's
and the data page's text from locale/<lang>/pages.po, and uses the English site's copy of MathJax.
"""
import json
import re
import shutil
import subprocess
import sys

from course import ROOT, lessons, links
from course.languages import EDITION_TEXT, SOURCE, Language, languages
from course.translations import edition_notebook, paragraphs

BOOK = ROOT / "book"
BUILD = BOOK / "_build"
HTML = BUILD / "html"
MATHJAX = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"


def html_root(lang):
    return HTML if lang == SOURCE else HTML / lang


def language_switch(lang, page, editions):
    """Links from ``page`` (e.g. "notebooks/05_identity_block", "index") in ``lang`` to the same page in every other
    edition of ``editions``, as inline HTML, each in the language it leads to (a Markdown link would be taken for a
    cross-reference)."""
    up = "../" * page.count("/") + ("../" if lang != SOURCE else "")
    found = []
    for other in editions:
        if other == lang:
            continue
        target = f"{up}{page}.html" if other == SOURCE else f"{up}{other}/{page}.html"
        text = Language(other).text("read-in-this-language", EDITION_TEXT["read-in-this-language"])
        found.append(f'<a class="language-switch" href="{target}" hreflang="{other}" lang="{other}">{text}</a>')
    return " · ".join(found)


def _with_switch(text, lang, page, editions):
    """A Markdown page with the language switch as its second paragraph (under its title)."""
    title, _, rest = text.partition("\n\n")
    return f"{title}\n\n{language_switch(lang, page, editions)}\n\n{rest}"


def _page(language, text):
    """A Markdown page of the site in ``language``, paragraph by paragraph."""
    if language is None:
        return text
    return "\n\n".join(language.markdown(language.pages_catalog, block) for block in paragraphs(text)) + "\n"


def stage(lang, editions):
    """Copy the site's sources into book/_build/src (src-<lang>), adding the launch links and the language switch
    under each lesson's title; a translated edition's notebooks and pages come from locale/<lang>/."""
    src = BUILD / ("src" if lang == SOURCE else f"src-{lang}")
    language = None if lang == SOURCE else Language(lang)
    shutil.rmtree(src, ignore_errors=True)
    (src / "notebooks").mkdir(parents=True)
    index = (BOOK / "index.md").read_text(encoding="utf-8")
    (src / "index.md").write_text(_with_switch(_page(language, index), lang, "index", editions), encoding="utf-8")
    for path in lessons():
        nb = edition_notebook(path, language) if language else json.loads(path.read_text(encoding="utf-8"))
        switch = language_switch(lang, f"notebooks/{path.stem}", editions)
        launch = {"cell_type": "markdown", "id": "launch-links", "metadata": {},
                  "source": [links.launch_line(path.stem) + (" · " + switch if switch else "")]}
        nb["cells"].insert(1, launch)
        for cell in nb["cells"]:  # the Colab cell does nothing here: the launch links stand for it
            if cell.get("id") == "colab-setup":
                cell["metadata"].setdefault("tags", []).append("remove-cell")
        (src / "notebooks" / path.name).write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    shutil.copytree(ROOT / "notebooks" / "images", src / "notebooks" / "images")
    (src / "data").mkdir()
    data = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    (src / "data" / "README.md").write_text(_with_switch(_page(language, data), lang, "data/README", editions),
                                            encoding="utf-8")
    for png in (ROOT / "data").glob("*.png"):  # the previews, in the language where data/<lang>/ has them
        translated = ROOT / "data" / lang / png.name
        shutil.copy(translated if lang != SOURCE and translated.is_file() else png, src / "data" / png.name)
    return src


def build(lang, src):
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q", "-c", str(BOOK),
           "-d", str(BUILD / f"doctrees-{lang}")]
    if lang != SOURCE:
        # A translated site sits in html/<lang>/ and uses the English site's MathJax: mathjax_path is relative to
        # _static/, so ../../_static/ is html/_static/.
        title = Language(lang).text("book-title", EDITION_TEXT["book-title"])
        cmd += ["-D", f"language={lang}", "-D", f"html_title={title}", "-D", f"project={title}",
                "-D", f"mathjax_path=../../_static/{MATHJAX}"]
    subprocess.run(cmd + [str(src), str(html_root(lang))], check=True)
    if lang != SOURCE:
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
                    if 'rel="canonical"' not in m.group(0):
                        found.append(f"{path.relative_to(HTML)}: {line.strip()[:160]}")
        elif path.suffix == ".css" and "mathjax" not in path.parts:
            if CSS_URL.search(path.read_text(encoding="utf-8", errors="replace")):
                found.append(f"{path.relative_to(HTML)}: url(//...)")
    return found


def main(args):
    editions = [SOURCE, *(args.lang or languages())]
    for lang in editions[1:]:
        shutil.rmtree(html_root(lang), ignore_errors=True)
    for lang in editions:  # English first: the other editions use its MathJax
        build(lang, stage(lang, editions))
    bad = external_resources()
    if bad:
        sys.exit("The site would load these from the network:\n  " + "\n  ".join(bad))
    pages = sorted(p for p in HTML.rglob("*.html")
                   if p.name not in ("genindex.html", "search.html") and "_static" not in p.parts)
    size = sum(p.stat().st_size for p in HTML.rglob("*") if p.is_file())
    print(f"book: {len(pages)} pages (+ search and index), {size / 2**20:.1f} MiB in {HTML.relative_to(ROOT)}/")
    print(f"      open {HTML.relative_to(ROOT)}/index.html, or serve it: python -m http.server -d {HTML.relative_to(ROOT)}")
    return 0


def add_arguments(parser):
    parser.add_argument("--lang", nargs="+", help="the translated editions to build (default: every one of locale/)")
