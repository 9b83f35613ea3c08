"""`make book`, then every page of the website in a browser that cannot reach the network.

The site is built by `make book` (course/book.py) and served from 127.0.0.1 by a small HTTP server in this
process. Chromium may load nothing from anywhere else (tests/browser_tools.chromium(offline=True)), and the
test asserts, page by page: no console errors and no request to another host; every image loaded
(naturalWidth > 0) and every image a notebook stored is on its page; all math typeset by MathJax, with no raw
$…$ left in the text; the Colab and Binder links; then that every internal link (and #anchor) resolves,
and that search finds a lesson. Screenshots of the home page and lesson 05 go to $BROWSER_SCREENSHOTS.

Every translated edition (html/<lang>/, one per language of locale/) passes the same test, and more: its pages say
lang="<lang>" and are written in the language, and every page of every edition links to the same page in the others.

Accessibility (WCAG 2.1 AA): axe-core, pinned in tests/a11y/package.json and installed by `make browser`, runs on every
page of every edition in the light and the dark colour theme, with its WCAG 2.0 and 2.1 A and AA rules: no violation.
"""
import functools
import json
import re
import subprocess
import threading
import urllib.parse
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from browser_tools import chromium, free_port, screenshot_folder, wait_for

from course import ROOT, lessons, links
from course.languages import Language, languages

HTML = ROOT / "book" / "_build" / "html"
LESSONS = [path.stem for path in lessons()]
PAGES = ["index.html", *(f"notebooks/{stem}.html" for stem in LESSONS), "data/README.html"]
EDITIONS = {"en": "", **{lang: f"{lang}/" for lang in languages()}}  # each edition's folder in the site


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    subprocess.run(["make", "--no-print-directory", "book"], cwd=ROOT, check=True)
    port = free_port()
    httpd = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(QuietHandler, directory=str(HTML)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    driver = chromium(offline=True)
    yield driver
    driver.quit()


def requested_urls(driver):
    """Every URL the page asked the network for since the last call (Chrome's performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def load(driver, url):
    driver.get(url)
    wait_for(lambda: driver.execute_script("return document.readyState") == "complete", 30, f"{url} to load")
    # MathJax 2 is on the pages that have math: wait until its queue has typeset everything.
    driver.set_script_timeout(60)
    driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        if (!document.querySelector('.math.notranslate')) { done(); return; }
        const wait = () => (window.MathJax && MathJax.Hub && MathJax.Hub.Queue)
            ? MathJax.Hub.Queue(() => done()) : setTimeout(wait, 100);
        wait();""")


PAGE_FACTS = """
    const math = [...document.querySelectorAll('.math.notranslate')];
    const text = (() => {
        const body = document.querySelector('main').cloneNode(true);
        body.querySelectorAll('pre, code, script, style, .math.notranslate, .MathJax_Preview').forEach(e => e.remove());
        return body.textContent;
    })();
    return {
        title: document.title,
        images: [...document.images].map(i => ({src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0})),
        outputImages: document.querySelectorAll('.cell_output img').length,
        math: math.length,
        mathTypeset: math.filter(e => e.querySelector('.MathJax, .MathJax_Display, .MathJax_SVG')).length,
        mathErrors: document.querySelectorAll('.MathJax .merror, .MathJax_Error').length,
        rawMath: (text.match(/\\$[^$\\n]{1,80}\\$|\\\\\\(|\\\\\\[/g) || []),
        links: [...document.querySelectorAll('a[href]')].map(a => a.href),
        lang: document.documentElement.lang,
        native: (text.match(/(?![\p{Script=Latin}])\p{L}/gu) || []).length,
        letters: (text.match(/\p{L}/gu) || []).length,
        switches: [...document.querySelectorAll('main a.language-switch')].map(a => a.href),
        navigation: [...document.querySelectorAll('.prev-next-area a')].map(a => a.href),
    };"""


def stored_images(stem):
    nb = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
    return sum(any(kind.startswith("image/") for kind in output.get("data", {}))
               or '<img src="data:image/' in "".join(output.get("data", {}).get("text/html", ""))
               for cell in nb["cells"] for output in cell.get("outputs", []))


@pytest.mark.parametrize("lang", EDITIONS)
def test_every_page_offline(site, browser, tmp_path_factory, lang):
    shots = screenshot_folder(tmp_path_factory)
    requested_urls(browser)  # forget the browser's start
    facts = {}
    for page in PAGES:
        load(browser, f"{site}/{EDITIONS[lang]}{page}")
        facts[page] = browser.execute_script(PAGE_FACTS)
        errors = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        assert not errors, f"{page}: console errors: {errors}"
        foreign = [url for url in requested_urls(browser)
                   if not url.startswith((site + "/", "data:", "blob:", "about:"))]
        assert not foreign, f"{page} asked another host for: {foreign}"
        broken = [image["src"] for image in facts[page]["images"] if not image["ok"]]
        assert not broken, f"{page}: images that did not load: {broken}"
        assert facts[page]["mathTypeset"] == facts[page]["math"], f"{page}: math left untypeset"
        assert facts[page]["mathErrors"] == 0, f"{page}: MathJax errors"
        assert not facts[page]["rawMath"], f"{page}: raw math in the text: {facts[page]['rawMath']}"
        assert facts[page]["lang"] == lang, f"{lang}/{page}: <html lang={facts[page]['lang']!r}>"
        if lang != "en":  # the prose is translated: most letters (code and math left out) are the language's own
            assert facts[page]["native"] > 0.5 * facts[page]["letters"], (
                f"{lang}/{page}: {facts[page]['native']} letters of its script of {facts[page]['letters']}")
        assert facts[page]["switches"] == [f"{site}/{EDITIONS[other]}{page}" for other in EDITIONS if other != lang], (
            f"{lang}/{page}: the language switch leads to {facts[page]['switches']}")
        suffix = "" if lang == "en" else f"_{lang}"
        if page == "index.html":
            browser.save_screenshot(str(shots / f"book_index{suffix}.png"))
        if page.startswith("notebooks/05"):
            browser.execute_script("document.querySelector('.math.notranslate').scrollIntoView({block: 'center'})")
            browser.save_screenshot(str(shots / f"book_05_identity_block{suffix}.png"))

    for stem in LESSONS:
        page = facts[f"notebooks/{stem}.html"]
        assert page["outputImages"] == stored_images(stem) > 0, (
            f"{stem}: {page['outputImages']} output images on the page, {stored_images(stem)} in the notebook")
        assert links.colab_url(stem) in page["links"] and links.binder_url(stem) in page["links"], (
            f"{stem}: the Open in Colab / Launch Binder links are missing")
    assert sum(page["math"] for page in facts.values()) > 0, "no page has math: the check above checked nothing"

    # Course order: the home page's next page is lesson 00, each lesson's next is the one after it.
    order = ["index.html", *(f"notebooks/{stem}.html" for stem in LESSONS), "data/README.html"]
    for here, there in zip(order, order[1:]):
        assert f"{site}/{EDITIONS[lang]}{there}" in facts[here]["navigation"], f"{here} does not lead on to {there}"

    # Every internal link resolves, and every #anchor exists on its page.
    targets = {}
    for page, page_facts in facts.items():
        for url in page_facts["links"]:
            if url.startswith(site + "/"):
                targets.setdefault(url, page)
    assert len(targets) > 50
    ids = {}
    for url, page in sorted(targets.items()):
        address, _, anchor = url.partition("#")
        path = urllib.parse.urlparse(address).path
        if path not in ids:
            with urllib.request.urlopen(address, timeout=10) as response:
                assert response.status == 200, f"{page} links to {url}: HTTP {response.status}"
                html = response.read().decode("utf-8", errors="replace")
            ids[path] = set(re.findall(r'\bid="([^"]+)"', html))
        if anchor:
            assert urllib.parse.unquote(anchor) in ids[path], f"{page} links to {url}: no such anchor"


def _search_words():
    """A word of lesson 05 in every edition: "shortcut", and its translation from each language's glossary."""
    found = [("en", "shortcut")]
    for lang in languages():
        row = next((row for row in Language(lang).glossary() if row["english"] == "main path"), None)
        if row:
            found.append((lang, row["translation"]))
    return found


@pytest.mark.parametrize("lang, word", _search_words())
def test_search_finds_a_lesson(site, browser, lang, word):
    load(browser, f"{site}/{EDITIONS[lang]}search.html?q={urllib.parse.quote(word)}")
    results = wait_for(lambda: browser.execute_script(
        "return [...document.querySelectorAll('#search-results li a')].map(a => a.href)"), 30, "search results")
    found = [url.split("?")[0].split("#")[0] for url in results]
    assert f"{site}/{EDITIONS[lang]}notebooks/05_identity_block.html" in found, found


AXE = ROOT / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(driver):
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page in ``driver``: [(rule, impact, where, why)]."""
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(120)
    result = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
           .then(r => done(r.violations.map(v => [v.id, v.impact, v.nodes.slice(0, 3).map(n => n.target.join(' ')),
                                                 v.nodes.slice(0, 1).map(n => n.failureSummary).join('')])))
           .catch(e => done([['axe-error', 'critical', [], String(e)]]));""", WCAG)
    return [tuple(v) for v in result]


@pytest.mark.parametrize("lang", EDITIONS)
def test_every_page_meets_wcag_2_1_aa_in_both_themes(site, browser, lang):
    assert AXE.is_file(), "axe-core is missing: make browser installs it (npm ci in tests/a11y)"
    found = {}
    for page in PAGES:
        load(browser, f"{site}/{EDITIONS[lang]}{page}")
        # the theme fades its colours in when they change: axe must see them settled, so no transitions here
        browser.execute_script("const s = document.createElement('style'); s.textContent = "
                               "'*, *::before, *::after { transition: none !important; }'; document.head.append(s);")
        for theme in ("light", "dark"):
            browser.execute_script(
                "document.documentElement.dataset.theme = arguments[0]; document.documentElement.dataset.mode = "
                "arguments[0];", theme)
            violations = axe_violations(browser)
            if violations:
                found[f"{EDITIONS[lang]}{page} ({theme})"] = violations
    assert not found, "WCAG 2.1 AA violations (axe-core):\n" + "\n".join(
        f"{where}: {rule} [{impact}] at {targets}: {why[:300]}" for where, violations in found.items()
        for rule, impact, targets, why in violations)


def test_every_translation_has_the_data_page_previews():
    """A translated edition's website shows the pictures of data/<lang>/ (python -m course standins previews draws
    them with the labels of the language's editions.po); one that lacks them would show English labels."""
    english = sorted(path.name for path in (ROOT / "data").glob("*.png"))
    assert english, "data/ has no previews: run python -m course standins previews"
    for code in languages():
        translated = sorted(path.name for path in (ROOT / "data" / code).glob("*.png"))
        assert translated == english, (f"data/{code}/ holds {translated}, data/ {english}: run "
                                       f"python -m course standins previews and commit data/{code}/")
