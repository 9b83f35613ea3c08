"""Every translated edition (one per folder of locale/): what a translation must keep, and what happens while it lags.

- a translated notebook has the English code cells and outputs (with the helpers' messages translated, and nothing
  else changed), the same images, and markdown that keeps the English cell's code, math, links, HTML and heading
  levels;
- a catalog holds no entry whose English is gone (structure: these fail);
- a changed English cell never blocks: its translation turns fuzzy, and the edition shows the English with a
  marker until a translator updates it (`make translations` lists it);
- the terms of locale/<lang>/glossary.tsv are the ones used;
- a translated workbook is made from the translated notebooks, and the helpers in it speak its language.
A few translated notebooks also run under nbval in `make test` (course.testing).
"""
import copy
import json
import re
import shutil
import types
import unicodedata

import pytest

from course import ROOT, lessons, translations, workbook
from course.languages import EDITION_TEXT, Language, languages, load
from helpers import i18n

LANGUAGES = [Language(code) for code in languages()]
LESSONS = lessons()


def letters_of_the_language(text):
    """True when ``text`` has letters that are not Latin: the edition's own script (Hangul for Korean, ...)."""
    return any(ch.isalpha() and "LATIN" not in unicodedata.name(ch, "") for ch in text)


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_no_catalog_entry_outlives_its_english(language):
    assert translations.stale(language) == []


def _copy_project(tmp_path):
    """The lessons, pages and catalogs copied to tmp_path, a project of their own."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns("output"))
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    for page in translations.PAGES:
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / page, tmp_path / page)
    return tmp_path


@pytest.mark.parametrize("code", languages())
def test_a_changed_english_cell_shows_in_english_with_a_marker_until_it_is_translated(tmp_path, code):
    project = _copy_project(tmp_path)
    language = Language(code, project)
    lesson = project / "notebooks" / "06_convolutional_block.ipynb"
    nb = json.loads(lesson.read_text(encoding="utf-8"))
    catalog = language.notebook_catalog(lesson.stem)
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown" and len("".join(c["source"])) > 200
                and language.get(catalog, "".join(c["source"]), c["id"]))  # a long cell that is translated
    old_english = "".join(cell["source"])
    translated = language.get(catalog, old_english, cell["id"])
    assert translated != old_english
    before = set(translations.untranslated(Language(code, project)))
    cell["source"] = [old_english.replace("the", "that", 1)]
    lesson.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")

    translations.update(Language(code, project), out=lambda *a: None)
    language = Language(code, project)
    catalog = load(language.notebook_catalog(lesson.stem), code)
    entry = catalog.get("".join(cell["source"]), context=cell["id"])
    assert entry.fuzzy and entry.string == translated and entry.previous_id == [old_english]
    po_text = language.notebook_catalog(lesson.stem).read_text(encoding="utf-8")
    flagged = po_text[max(0, po_text.index(f'msgctxt "{cell["id"]}"') - 3000):po_text.index(f'msgctxt "{cell["id"]}"')]
    assert "#, fuzzy" in flagged and '#| msgid ""' in flagged  # the old English, for the translator to compare
    translations.update(Language(code, project), out=lambda *a: None)  # a second update keeps the old English
    again = load(language.notebook_catalog(lesson.stem), code)
    assert again.get("".join(cell["source"]), context=cell["id"]).previous_id == [old_english]
    assert translations.stale(Language(code, project)) == []  # nothing structural is wrong: make test passes
    left = set(translations.untranslated(Language(code, project))) - before
    assert len(left) == 1 and cell["id"] in left.pop()  # `make translations` lists it
    # Until then the edition shows the new English cell under the marker, never the old translation.
    shown = next(c for c in translations.translated_notebook(lesson, Language(code, project))["cells"]
                 if c["id"] == cell["id"])
    marker = Language(code, project).text("untranslated", EDITION_TEXT["untranslated"])
    assert "".join(shown["source"]) == f"{marker}\n\n{''.join(cell['source'])}"
    # A translator updates it: current again.
    translations.fill(language.notebook_catalog(lesson.stem), {cell["id"]: translated}, code)
    assert set(translations.untranslated(Language(code, project))) == before


CODE_SPAN = re.compile(r"`[^`\n]*`")
FENCED = re.compile(r"^```.*?^```", re.S | re.M)
MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.S)
LINK_TARGET = re.compile(r"\]\(([^)\s]+)")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
HEADING = re.compile(r"^(#{1,6}) ", re.M)
BLANK_LINE = re.compile(r"\n[ \t]*\n")
LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d+\.) ", re.M)


def structure(markdown):
    """What a translation must keep: code, math, link targets, HTML tags, heading levels, paragraphs (blank lines)
    and list items (a directive's caption, such as the site's table of contents', is text and is translated). A lost
    blank line joins a paragraph to the list above it."""
    fenced = [re.sub(r"^:caption:.*$", ":caption:", block, flags=re.M) for block in FENCED.findall(markdown)]
    prose = FENCED.sub("", markdown)
    return {"code": sorted(CODE_SPAN.findall(prose)), "fenced": fenced, "math": sorted(MATH.findall(prose)),
            "links": sorted(LINK_TARGET.findall(prose)), "html": sorted(HTML_TAG.findall(prose)),
            "headings": HEADING.findall(prose), "paragraphs": len(BLANK_LINE.findall(prose.strip())),
            "list items": len(LIST_ITEM.findall(prose))}


CODE_CELLS = {(path.stem, cell["id"]) for path in LESSONS
              for cell in json.loads(path.read_text(encoding="utf-8"))["cells"] if cell["cell_type"] == "code"}


def _entries(language, code=False):
    """(where, English, translation) of every translated entry of ``language``'s catalogs: the prose, or with
    ``code`` the code cells."""
    for path, entries in translations.sources(language).items():
        catalog = load(path, language.code)
        for context, msgid in entries:
            if ((path.stem, context) in CODE_CELLS) != code:
                continue
            message = catalog.get(msgid, context=context)
            if message is not None and message.string and not message.fuzzy:
                yield f"{path.name}:{context or msgid[:30]}", msgid, message.string


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_a_translation_keeps_the_code_math_links_html_headings_paragraphs_and_lists_of_its_english(language):
    for where, english, translated in _entries(language):
        assert structure(translated) == structure(english), f"{where}: code/math/links/html/headings/paragraphs/list items changed"
        assert letters_of_the_language(translated), f"{where} is not translated:\n{translated[:200]}"


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_a_translated_code_cell_differs_only_in_its_comments_and_strings(language):
    for where, english, translated in _entries(language, code=True):
        assert translations.code_skeleton(translated) == translations.code_skeleton(english), (
            f"{where}: a translation may change comments and the text of strings only (the same statements, names, "
            "numbers and replacement fields)")
        assert letters_of_the_language(translated), f"{where} is not translated:\n{translated[:200]}"


def test_the_code_skeleton_sees_what_a_translation_must_keep():
    english = 'x = f(2)  # two\nprint(f"{x:.2f} is the value", "of x")\n'
    assert translations.code_texts(english) == ["# two", 'f"{x:.2f} is the value"']
    same = 'x = f(2)  # 둘\nprint(f"값은 {x:.2f}"\n      "입니다", "x의")\n'
    assert translations.code_skeleton(same) == translations.code_skeleton(english)
    for broken in ('x = f(3)  # 둘\nprint(f"{x:.2f} 값", "x의")\n', 'y = f(2)  # 둘\nprint(f"{x:.2f} 값", "x의")\n',
                   'x = f(2)  # 둘\nprint(f"{x:.3f} 값", "x의")\n', 'x = f(2)  # 둘\nprint(f"값", "x의")\n'):
        assert translations.code_skeleton(broken) != translations.code_skeleton(english), broken
    assert translations.code_texts("conv = Conv2D(8, 3, padding='same', name='conv1')\n") == []
    solved = "def f():\n    ### BEGIN SOLUTION\n    return 1  # one\n    ### END SOLUTION\n"
    assert translations.code_texts(solved) == ["# one"]  # nbgrader's markers are not text to translate
    assert translations.code_skeleton(solved.replace("### END SOLUTION", "### 풀이 끝")) != translations.code_skeleton(solved)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem[:2])
@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_a_translated_notebook_is_the_english_one_translated(language, path):
    english = json.loads(path.read_text(encoding="utf-8"))
    translated = translations.translated_notebook(path, language)
    assert [(c["cell_type"], c.get("id")) for c in translated["cells"]] == [(c["cell_type"], c.get("id"))
                                                                              for c in english["cells"]]
    assert translated["metadata"]["kernelspec"] == english["metadata"]["kernelspec"]
    for en, tr in zip(english["cells"], translated["cells"]):
        assert tr["metadata"] == en["metadata"]
        if en["cell_type"] != "code":
            continue
        assert translations.code_skeleton("".join(tr["source"])) == translations.code_skeleton("".join(en["source"]))
        assert tr["execution_count"] == en["execution_count"]
        assert tr["outputs"] == [translations.translate_output(output, language.code) for output in en["outputs"]]
        for out_en, out_tr in zip(en["outputs"], tr["outputs"]):  # images and the rest: the English, byte for byte
            for kind, data in out_en.get("data", {}).items():
                if kind != "text/plain":
                    assert out_tr["data"][kind] == data


def _glossaries():
    return [(language, row) for language in LANGUAGES for row in language.glossary()]


def _texts(language, translated_only=True):
    """(where, English, translation) of every text a learner reads: prose, the comments and strings of code cells
    (the code itself is not text), and the helpers' messages."""
    code = [(where, " ".join(translations.code_texts(en)), " ".join(translations.code_texts(tr)))
            for where, en, tr in _entries(language, code=True)]
    helpers_po = load(language.helpers_catalog, language.code)
    return list(_entries(language)) + code + [(f"helpers.po:{m.id[:30]}", m.id, m.string) for m in helpers_po
                                              if m.id and (m.string or not translated_only)]


@pytest.mark.parametrize("language, row", [(language, row) for language, row in _glossaries() if row["match"]],
                         ids=lambda value: value.code if isinstance(value, Language) else value["english"])
def test_translations_use_the_glossary_terms(language, row):
    title = re.compile(r"\*[A-Z][^*\n]+\*")  # a paper's or a course's title, in italics: not translated
    texts = _texts(language)
    missing = [where for where, en, tr in texts if re.search(row["match"], title.sub("", CODE_SPAN.sub("", en)), re.I)
               and row["translation"] not in re.sub(r"\s+", " ", tr)]
    assert not missing, f"these translate {row['english']!r} without {row['translation']!r}: {missing}"


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_translations_avoid_other_words_for_the_glossary_terms(language):
    texts = _texts(language, translated_only=False)
    avoided = [(word.strip(), row["translation"]) for row in language.glossary() for word in row["avoid"].split(",")
               if word.strip()]
    found = [(where, word, instead) for where, _, tr in texts for word, instead in avoided if word in tr]
    assert not found, found


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_a_translated_workbook_comes_from_the_translated_notebooks(tmp_path, language):
    out = translations.build(language, tmp_path / language.code, report=lambda *a: None)
    assert (tmp_path / language.code / ".course-language").read_text().strip() == language.code
    assert i18n.language(cwd=out) == language.code
    assert i18n.language(cwd=tmp_path / language.code / "workbook") == language.code
    assert (out / "images" / "my_image.jpg").is_file()
    report = workbook.update(out, tmp_path / language.code / "workbook", out=lambda *a: None)
    assert set(report.values()) == {"added"} and len(report) == len(LESSONS)
    for path in LESSONS:
        english = workbook.make_workbook(path, "../notebooks/" + path.name)
        nb = json.loads((tmp_path / language.code / "workbook" / path.name).read_text(encoding="utf-8"))
        assert [translations.code_skeleton("".join(c["source"])) for c in nb["cells"] if c["cell_type"] == "code"] == \
            [translations.code_skeleton(c.source) for c in english.cells if c.cell_type == "code"]
        first, last = "".join(nb["cells"][0]["source"]), "".join(nb["cells"][-1]["source"])
        assert letters_of_the_language(first) and "../notebooks/" + path.name in first, first
        assert nb["metadata"]["course"]["language"] == language.code
        if "YOUR CODE HERE" in json.dumps(nb):
            assert letters_of_the_language(last) and "<details>" in last  # the solutions, introduced translated


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_translate_output_changes_only_helpers_messages(language):
    english = {"output_type": "stream", "name": "stdout",
               "text": ["All tests passed.\n", "Epoch 1/2 loss 0.5\n"]}
    translated = translations.translate_output(english, language.code)
    assert translated["text"][1] == "Epoch 1/2 loss 0.5\n"
    assert letters_of_the_language(translated["text"][0]) and translated["text"][0].endswith("\n")
    assert english["text"][0] == "All tests passed.\n"  # the English output is not changed in place
    image = {"output_type": "display_data", "data": {"image/png": "iVBOR", "text/plain": ["<Figure>"]},
             "metadata": {}}
    assert translations.translate_output(copy.deepcopy(image), language.code) == image


def test_a_new_translation_of_a_helpers_message_asks_for_a_new_execution(monkeypatch):
    """The execution key covers every translated message of the helpers' catalog (a check's words, a figure's
    description: which of them a lesson prints, only its execution tells), so a new translation marks the translated
    lessons for execution (python -m course translations execute, make notebooks); a fuzzy one does not count, nor
    the catalog's header (whose Generated-By line Babel rewrites with its own version)."""
    path = LESSONS[0]
    nb = json.loads(path.read_text(encoding="utf-8"))

    def key(*entries):
        catalog = [types.SimpleNamespace(id=msgid, string=msgstr, fuzzy=fuzzy) for msgid, msgstr, fuzzy in entries]
        monkeypatch.setattr(translations.i18n, "_catalog", lambda lang: catalog)
        return translations.execution_key(nb, path, "xx")

    assert key(("Images", "이미지", False)) != key(("Images", "그림", False)) != key()
    assert key(("Images", "그림", True)) == key(("Images", "", False)) == key()  # not used in an output: no matter
    assert key(("", "Generated-By: Babel 2.19.0", False)) == key(("", "Generated-By: Babel 2.20.0", False)) == key()


def test_new_stand_ins_ask_for_a_new_execution(monkeypatch):
    """The execution key covers the offline stand-ins (their checksums): a renderer that draws other pictures changes
    the translated lessons' figures and the numbers of the runs on them, even where no compared English output
    changes (fails when the key leaves the stand-ins out)."""
    from helpers import _standins

    path = LESSONS[0]
    nb = json.loads(path.read_text(encoding="utf-8"))
    before = translations.execution_key(nb, path, "xx")
    monkeypatch.setitem(_standins.STAND_IN_SHA256, ("happy", "train"), "0" * 64)
    assert translations.execution_key(nb, path, "xx") != before


def test_new_pictures_of_one_stand_in_ask_only_its_lessons_for_a_new_execution(monkeypatch):
    """A lesson's key covers the stand-ins its code names, and only those: new Happy House pictures re-execute
    notebook 02, not notebook 03, which trains on SIGNS only (on another CPU its numbers would then differ from the
    English lesson's, which did not change), nor notebook 05, which loads neither (fails with one key for all)."""
    from helpers import _standins

    def keys():
        return {path.stem[:2]: translations.execution_key(json.loads(path.read_text(encoding="utf-8")), path, "xx")
                for path in LESSONS if path.stem[:2] in ("02", "03", "05")}

    before = keys()
    monkeypatch.setitem(_standins.STAND_IN_SHA256, ("happy", "test"), "0" * 64)
    after = keys()
    assert after["02"] != before["02"] and after["03"] == before["03"] and after["05"] == before["05"]
    monkeypatch.setitem(_standins.STAND_IN_SHA256, ("signs", "train"), "0" * 64)
    assert keys()["03"] != after["03"] and keys()["05"] == after["05"]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem[:2])
def test_every_lesson_names_the_stand_ins_it_loads(path):
    """stand_ins_used reads the names in a lesson's code: every stand-in the lesson loads must be named there. The
    lessons load them with load_happy_dataset() and load_signs_dataset() (named) and no other way: not with
    load_dataset(spec), a renderer of helpers._standins or the cached files' folder."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = "\n".join("".join(cell["source"]) for cell in nb["cells"] if cell["cell_type"] == "code")
    loads = set(re.findall(r"load_(\w+?)_dataset\b", code))
    assert loads <= set(translations.stand_ins_used(nb)), (loads, translations.stand_ins_used(nb))
    for other_way in ("load_dataset(", "_standins", "generated_files", "data/generated", "course_files"):
        assert other_way not in code, f"{path.name} loads a stand-in with {other_way}: stand_ins_used cannot see it"
    for language in LANGUAGES:  # the key reads the translated code: a translation must not drop a name
        translated = translations.stand_ins_used(translations.translated_notebook(path, language))
        assert translated == translations.stand_ins_used(nb), (language.code, translated)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem[:2])
@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_the_committed_edition_was_executed_from_what_it_shows(language, path):
    """<lang>/notebooks/ holds the outputs of its own execution (figures and printed text in the language): current
    as long as its code and the English outputs it depends on are unchanged (make notebooks executes it again)."""
    nb = translations.edition_notebook(path, language)
    assert nb["metadata"]["course"]["executed"], (
        f"{language.code}/notebooks/{path.name} is not the execution of its current code: run "
        f"python -m course translations execute --lang {language.code} (make notebooks does it) and commit it")
