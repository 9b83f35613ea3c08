"""The Korean edition (한국어판): its catalogs are complete and current, and its notebooks are the English ones.

- every markdown cell of every lesson, every paragraph of the site's pages and every generator text has a
  translation that is not out of date; a changed English cell makes the test fail until it is translated again;
- a Korean notebook has the English code cells, the English outputs with the helpers' messages in Korean (and
  nothing else changed), the same images, and markdown that keeps the English cell's code, math, links and HTML;
- the terms of locale/ko/glossary.tsv are the ones used;
- the Korean workbook is made from the Korean notebooks, and the helpers in a Korean notebook speak Korean.
One Korean notebook also runs under nbval in `make test` (Makefile: KOREAN_NBVAL).
"""
import copy
import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest

from helpers import i18n

ROOT = Path(__file__).resolve().parent.parent


def _script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


translations = _script("translations")
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def test_every_catalog_entry_is_translated_and_current():
    problems = translations.problems()
    assert not problems, "translate these (python scripts/translations.py status):\n" + "\n".join(problems)
    counted = sum(len(entries) for entries in translations.sources().values())
    assert counted > 190, counted  # 173 markdown cells, the pages' paragraphs, the generators' texts


def _copy_project(tmp_path, monkeypatch):
    """The lessons and catalogs copied to tmp_path, with translations pointed at the copies."""
    (tmp_path / "notebooks").mkdir()
    for path in LESSONS:
        shutil.copy(path, tmp_path / "notebooks" / path.name)
    shutil.copytree(ROOT / "notebooks" / "images", tmp_path / "notebooks" / "images")
    shutil.copytree(translations.LOCALE, tmp_path / "locale")
    monkeypatch.setattr(translations, "NOTEBOOKS", tmp_path / "notebooks")
    monkeypatch.setattr(translations, "LOCALE", tmp_path / "locale")
    return tmp_path / "notebooks" / "06_convolutional_block.ipynb"


def test_a_changed_english_cell_makes_its_translation_out_of_date(tmp_path, monkeypatch):
    lesson = _copy_project(tmp_path, monkeypatch)
    assert translations.problems() == []
    nb = json.loads(lesson.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown" and len("".join(c["source"])) > 200)
    old_english = "".join(cell["source"])
    korean = translations.Translator().cell(lesson.stem, cell["id"], old_english)
    assert korean != old_english and HANGUL.search(korean)
    cell["source"] = [old_english.replace("the", "that", 1)]
    lesson.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")

    problems = translations.problems()
    assert len(problems) == 1 and cell["id"] in problems[0] and "out of date" in problems[0], problems
    translations.update(out=lambda *a: None)
    catalog = translations.load(translations.notebook_catalog_path(lesson.stem))
    entry = catalog.get("".join(cell["source"]), context=cell["id"])
    assert entry.fuzzy and entry.string == korean and entry.previous_id == [old_english]
    po_text = translations.notebook_catalog_path(lesson.stem).read_text(encoding="utf-8")
    flagged = po_text[max(0, po_text.index(f'msgctxt "{cell["id"]}"') - 3000):po_text.index(f'msgctxt "{cell["id"]}"')]
    assert "#, fuzzy" in flagged and '#| msgid ""' in flagged  # the old English, for the translator to compare
    translations.update(out=lambda *a: None)  # a second update keeps the old English
    again = translations.load(translations.notebook_catalog_path(lesson.stem))
    assert again.get("".join(cell["source"]), context=cell["id"]).previous_id == [old_english]
    assert len(translations.problems()) == 1  # still out of date after update: a translator must look
    # Until then the Korean notebook shows the new English cell, never the old translation.
    ko = translations.korean_notebook(lesson)
    shown = next(c for c in ko["cells"] if c["id"] == cell["id"])
    assert "".join(shown["source"]) == "".join(cell["source"])
    # A translator updates it: current again.
    translations.fill(translations.notebook_catalog_path(lesson.stem), {cell["id"]: korean})
    assert translations.problems() == []


CODE_SPAN = re.compile(r"`[^`\n]*`")
FENCED = re.compile(r"^```.*?^```", re.S | re.M)
MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.S)
LINK_TARGET = re.compile(r"\]\(([^)\s]+)")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
HEADING = re.compile(r"^(#{1,6}) ", re.M)


def structure(markdown):
    """What a translation must keep: code, math, link targets, HTML tags and heading levels."""
    fenced = FENCED.findall(markdown)
    prose = FENCED.sub("", markdown)
    return {"code": sorted(CODE_SPAN.findall(prose)), "fenced": fenced, "math": sorted(MATH.findall(prose)),
            "links": sorted(LINK_TARGET.findall(prose)), "html": sorted(HTML_TAG.findall(prose)),
            "headings": HEADING.findall(prose)}


@pytest.fixture(scope="module")
def korean():
    return {path.stem: translations.korean_notebook(path) for path in LESSONS}


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem[:2])
def test_korean_notebook_is_the_english_one_translated(path, korean):
    english = json.loads(path.read_text(encoding="utf-8"))
    ko = korean[path.stem]
    assert [(c["cell_type"], c.get("id")) for c in ko["cells"]] == [(c["cell_type"], c.get("id"))
                                                                      for c in english["cells"]]
    assert ko["metadata"]["kernelspec"] == english["metadata"]["kernelspec"]
    translated_outputs = 0
    for en, k in zip(english["cells"], ko["cells"]):
        assert k["source"] == en["source"] if en["cell_type"] == "code" else True
        assert k["metadata"] == en["metadata"]
        if en["cell_type"] == "markdown":
            en_text, ko_text = "".join(en["source"]), "".join(k["source"])
            assert HANGUL.search(ko_text), f"{path.stem} cell {en['id']} is not in Korean:\n{ko_text[:200]}"
            assert structure(ko_text) == structure(en_text), f"{path.stem} cell {en['id']}: code/math/links changed"
            continue
        if en["cell_type"] != "code":
            continue
        assert k["execution_count"] == en["execution_count"]
        assert len(k["outputs"]) == len(en["outputs"])
        for out_en, out_ko in zip(en["outputs"], k["outputs"]):
            # Images and every other kind of output are the English ones, byte for byte; text is the English
            # text with the helpers' messages translated, and nothing else.
            expected = translations.translate_output(out_en)
            assert out_ko == expected
            if out_ko != out_en:
                translated_outputs += 1
                assert HANGUL.search(json.dumps(out_ko, ensure_ascii=False))
            for kind, data in out_en.get("data", {}).items():
                if kind != "text/plain":
                    assert out_ko["data"][kind] == data
    if path.stem in ("01_keras_convention", "05_identity_block", "06_convolutional_block"):
        assert translated_outputs > 0, f"{path.stem}: no check printed in Korean"


def _glossary():
    rows = [line.split("\t") for line in (translations.LOCALE / "glossary.tsv").read_text(encoding="utf-8")
            .splitlines() if line and not line.startswith("#")]
    return {row[0]: row[1] for row in rows[1:]}


# (English words in a cell, the Korean term its translation must use), from the glossary; and words a
# translation must not use instead of the glossary's.
REQUIRED_TERMS = [
    (r"\bidentity blocks?\b", "항등 블록"),
    (r"\bresidual blocks?\b", "잔차 블록"),
    (r"\bconvolutional blocks?\b", "합성곱 블록"),
    (r"\bvanishing gradients?\b|\bgradients? (?:vanish|that vanish)", "기울기 소실"),
    (r"\bbatch normali[sz]ation\b", "배치 정규화"),
    (r"\bconvolutions?\b", "합성곱"),
    (r"\bepochs?\b", "에포크"),
    (r"\bskip connections?\b", "스킵 연결"),
]
FORBIDDEN_TERMS = ["컨볼루션", "콘볼루션", "컨벌루션", "배치 노멀", "배치정규화", "레지듀얼", "잔여 블록", "에폭",
                   "항등블록", "잔차블록", "그래디언트 소실", "그라디언트", "훈련셋", "학습 세트", "테스트셋", "활성 함수"]


def test_the_glossary_is_the_lecture_notes_and_the_issue_terms():
    glossary = _glossary()
    assert glossary["convolution"] == "합성곱" and glossary["batch normalization"] == "배치 정규화"
    assert glossary["residual block"] == "잔차 블록" and glossary["identity block"] == "항등 블록"
    assert glossary["vanishing gradient"] == "기울기 소실"
    for _, term in REQUIRED_TERMS:
        assert term in glossary.values(), term


def _translated_texts():
    """(where, English, Korean) of every translated entry."""
    for path, entries in translations.sources().items():
        catalog = translations.load(path)
        for context, msgid in entries:
            message = catalog.get(msgid, context=context)
            yield f"{path.name}:{context or msgid[:30]}", msgid, message.string if message else ""
    helpers_po = translations.load(i18n.catalog_path("ko"))
    for message in helpers_po:
        if message.id:
            yield f"helpers.po:{message.id[:30]}", message.id, message.string


TITLE = re.compile(r"\*[A-Z][^*\n]+\*")  # a paper's or a course's title, in italics: not translated


@pytest.mark.parametrize("english, term", REQUIRED_TERMS, ids=[t for _, t in REQUIRED_TERMS])
def test_translations_use_the_glossary_terms(english, term):
    missing = [where for where, en, ko in _translated_texts()
               if re.search(english, TITLE.sub("", CODE_SPAN.sub("", en)), re.I)
               and term not in re.sub(r"\s+", " ", ko)]
    assert not missing, f"these translate {english!r} without {term!r}: {missing}"


def test_translations_avoid_other_words_for_the_glossary_terms():
    found = [(where, word) for where, _, ko in _translated_texts() for word in FORBIDDEN_TERMS if word in ko]
    assert not found, found


def test_the_korean_workbook_comes_from_the_korean_notebooks(tmp_path):
    workbook = _script("workbook")
    out = translations.build(tmp_path / "ko", report=lambda *a: None)
    assert (tmp_path / "ko" / ".course-language").read_text().strip() == "ko"
    assert i18n.language(cwd=out) == "ko" and i18n.language(cwd=tmp_path / "ko" / "workbook") == "ko"
    assert (out / "images" / "my_image.jpg").is_file()
    report = workbook.update(out, tmp_path / "ko" / "workbook", out=lambda *a: None)
    assert set(report.values()) == {"added"} and len(report) == len(LESSONS)
    for path in LESSONS:
        english = workbook.make_workbook(path, "../notebooks/" + path.name)
        ko = json.loads((tmp_path / "ko" / "workbook" / path.name).read_text(encoding="utf-8"))
        assert ["".join(c["source"]) for c in ko["cells"] if c["cell_type"] == "code"] == \
            [c.source for c in english.cells if c.cell_type == "code"]
        first, last = "".join(ko["cells"][0]["source"]), "".join(ko["cells"][-1]["source"])
        assert HANGUL.search(first) and "../notebooks/" + path.name in first, first
        assert ko["metadata"]["course"]["language"] == "ko"
        if "YOUR CODE HERE" in json.dumps(ko):
            assert HANGUL.search(last) and "<details>" in last  # the solutions, introduced in Korean
    assert not any(out.parent.joinpath("workbook").glob("*.ipynb.bak"))


def test_translate_output_changes_only_helpers_messages():
    english = {"output_type": "stream", "name": "stdout",
               "text": ["All tests passed.\n", "Epoch 1/2 loss 0.5\n"]}
    korean = translations.translate_output(english)
    assert korean["text"][1] == "Epoch 1/2 loss 0.5\n"
    assert HANGUL.search(korean["text"][0]) and korean["text"][0].endswith("\n")
    assert english["text"][0] == "All tests passed.\n"  # the English output is not changed in place
    image = {"output_type": "display_data", "data": {"image/png": "iVBOR", "text/plain": ["<Figure>"]},
             "metadata": {}}
    assert translations.translate_output(copy.deepcopy(image)) == image
