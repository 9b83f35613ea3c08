"""A new language is catalogs only: a pseudo-locale goes through every generator with no code naming it.

In a copy of the project (the files git knows, as a contributor's checkout has them), `python -m course translations
update --lang en-XA` creates the catalogs of a language the course has never seen; this test fills every entry with
a pseudo-translation (letters accented, each message bracketed ⟦…⟧, code, math, links and placeholders left alone),
then runs the generators of that copy as a contributor would: the reference notebooks, the workbook, the website,
and a helpers message printed in a notebook of the edition. Everything the learner reads must come out bracketed.
"""
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from course import lessons

ROOT = Path(__file__).resolve().parent.parent
LANG = "en-XA"
ACCENTS = str.maketrans("aeiouAEIOUcnyCNY", "áéîõüÁÉÎÕÜçñýÇÑÝ")
# What a translation keeps as it is: code, math, HTML tags, link targets, {placeholders}, URLs
KEEP = re.compile(r"```.*?```|`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]*\$|<[^>\n]*>|\]\([^)\n]*\)|\{[^{}\n]*\}|https?://\S+",
                  re.S)
LINE_MARKUP = re.compile(r"^(\s*(?:#{1,6} |[-*] |\d+\. |> )?)(.*)$")


def accent(text):
    """Accent the letters of ``text`` outside what a translation keeps."""
    pieces, last = [], 0
    for m in KEEP.finditer(text):
        pieces += [text[last:m.start()].translate(ACCENTS), m.group(0)]
        last = m.end()
    return "".join(pieces + [text[last:].translate(ACCENTS)])


def pseudo(message):
    """⟦…⟧ around every line with words (after its Markdown line markup), letters accented; tables and fences kept."""
    lines, fenced = [], False
    for line in accent(message).split("\n"):
        fence = line.lstrip().startswith(("```", "~~~"))
        fenced ^= fence
        markup, text = LINE_MARKUP.match(line).groups()
        plain = fence or fenced or not text.strip() or text.lstrip().startswith(("|", "<", "$$", "![")) or text.strip() == "---"
        lines.append(line if plain else f"{markup}⟦{text}⟧")
    return "\n".join(lines)


def pseudo_code(source):
    """A code cell's pseudo-translation: its comments and the text of its learner-facing strings only."""
    from course.translations import MARKER, WORDS

    offsets = [0]
    for line in source.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(line))
    edits = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT and not MARKER.match(token.string):
            new = "# ⟦" + accent(token.string[1:].strip()) + "⟧"
        elif token.type == tokenize.STRING and WORDS.search(token.string):
            opening = re.match(r"[a-zA-Z]*(\"\"\"|'''|\"|')", token.string)
            quote = opening.group(1)
            body = token.string[opening.end():len(token.string) - len(quote)]
            new = token.string[:opening.end()] + "⟦" + accent(body) + "⟧" + quote
        else:
            continue
        begin = offsets[token.start[0] - 1] + token.start[1]
        end = offsets[token.end[0] - 1] + token.end[1]
        edits.append((begin, end, new))
    for begin, end, new in reversed(edits):
        source = source[:begin] + new + source[end:]
    return source


def run(copy, *args, cwd=None, env=None):
    environment = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    result = subprocess.run([sys.executable, *args], cwd=cwd or copy, env=environment, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """The project as git has it (committed or not, ignored files left out), with the datasets linked in."""
    copy = tmp_path_factory.mktemp("pseudo") / "course"
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    run(copy, "-m", "course", "translations", "update", "--lang", LANG)
    catalogs = sorted((copy / "locale" / LANG).rglob("*.po")) + sorted((copy / "helpers" / "locale" / LANG).rglob("*.po"))
    code_cells = {cell["id"] for path in lessons(copy / "notebooks")
                  for cell in json.loads(path.read_text(encoding="utf-8"))["cells"] if cell["cell_type"] == "code"}
    for path in catalogs:
        with open(path, "rb") as f:
            catalog = read_po(f)
        for message in catalog:
            if message.id:
                message.string = (pseudo_code if message.context in code_cells else pseudo)(message.id)
        with open(path, "wb") as f:
            write_po(f, catalog, width=0)
    return copy


def test_update_makes_every_catalog_of_a_new_language(copy):
    made = {path.relative_to(copy).as_posix() for path in (copy / "locale" / LANG).rglob("*.po")}
    stems = [path.stem for path in lessons(copy / "notebooks")]
    assert made == {f"locale/{LANG}/{name}.po" for name in ["pages", "editions", *(f"notebooks/{s}" for s in stems)]}
    assert (copy / "helpers" / "locale" / LANG / "LC_MESSAGES" / "helpers.po").is_file()
    assert pseudo("## 3. The `identity_block`: see [05](05_identity_block.ipynb) and {name}") == (
        "## ⟦3. Thé `identity_block`: séé [05](05_identity_block.ipynb) áñd {name}⟧")


def test_no_code_names_the_pseudo_locale():
    named = subprocess.run(["git", "grep", "-l", "-I", LANG, "--", ".", ":!tests/test_pseudo_locale.py"], cwd=ROOT,
                           capture_output=True, text=True).stdout.split()
    assert not named, f"these files name {LANG}: a language must be data only"


def _markdown(nb):
    return [cell for cell in nb["cells"] if cell["cell_type"] == "markdown"]


def test_the_reference_edition_and_the_workbook(copy):
    run(copy, "-m", "course", "translations", "build", "--lang", LANG)
    run(copy, "-m", "course", "workbook", "--lang", LANG, "update")
    assert (copy / LANG / ".course-language").read_text().strip() == LANG
    for folder in ("notebooks", "workbook"):
        made = sorted((copy / LANG / folder).glob("*.ipynb"))
        assert [path.name for path in made] == [p.name for p in lessons(copy / "notebooks")]
        for path in made:
            for cell in _markdown(json.loads(path.read_text(encoding="utf-8"))):
                text = "".join(cell["source"])
                assert "⟦" in text, f"{LANG}/{folder}/{path.name}, cell {cell.get('id')}: not translated:\n{text[:300]}"
                assert "Not translated yet" not in text
    workbook = json.loads((copy / LANG / "workbook" / "05_identity_block.ipynb").read_text(encoding="utf-8"))
    assert "⟦*Ýõür wõrkbõõk çõpý õf" in "".join(workbook["cells"][0]["source"])  # the generator's own text
    exercise = next("".join(c["source"]) for c in workbook["cells"] if "def identity_block" in "".join(c["source"]))
    assert "⟦" in exercise and "# YOUR CODE HERE" in exercise  # its specification translated, the stub nbgrader's


def test_the_helpers_speak_the_language_in_its_edition(copy):
    code = ("from helpers import checks\n"
            "try:\n    checks.check_accuracy(0.5, at_least=0.95, what='the accuracy', hint='Train longer.')\n"
            "except checks.CheckFailed as error:\n    print(error)\n")
    out = run(copy, "-c", code, cwd=copy / LANG / "notebooks", env={"CONVNETS_COURSE_LANG": ""})
    assert "⟦" in out and "the accuracy" in out and "Train longer." in out, out
    import helpers
    assert Path(helpers.__file__).is_relative_to(ROOT)  # this process kept the checkout's own helpers


def test_the_website_has_the_edition_with_a_language_switch(copy):
    run(copy, "-m", "course", "book", "--lang", LANG)
    page = (copy / "book" / "_build" / "html" / LANG / "notebooks" / "05_identity_block.html").read_text(encoding="utf-8")
    assert "⟦" in page and f'lang="{LANG}"' in page
    english = (copy / "book" / "_build" / "html" / "notebooks" / "05_identity_block.html").read_text(encoding="utf-8")
    link = re.search(rf'<a class="language-switch" href="../{LANG}/notebooks/05_identity_block.html"[^>]*>(.*?)</a>',
                     english)
    assert link and link.group(1) == "⟦Réád îñ Éñglîsh⟧", "the English page links to the edition, in its words"
    assert re.search(r'<a class="language-switch" href="../../notebooks/05_identity_block.html"[^>]*>Read in English</a>',
                     page), "the edition links back to English"
