"""The helpers' messages in Korean (helpers.i18n): the catalog is current, and the translated messages are right.

- every message marked in helpers/ (``_()``, ``N_()``) has an entry in helpers/locale/ko/LC_MESSAGES/helpers.po,
  and the catalog holds no message the code no longer has (`make translations` brings it in step); an entry not
  translated yet, or out of date, shows the English and `make translations` lists it;
- a translation keeps its message's {placeholders} and `code`;
- a real check, dataset error and image error speak Korean in the Korean edition and the very same English as
  before everywhere else;
- the edition's language comes from CONVNETS_COURSE_LANG, else from a .course-language file;
- ``translate_text`` turns an English output into exactly what the same code prints in Korean.
"""
import ast
import re
import string

import h5py
import numpy as np
import pytest
from babel.messages.pofile import read_po

from course.translations import _numeric, _pattern, helpers_messages, translate_text as translate_to
from helpers import checks, datasets, i18n, images
from helpers.datasets import HAPPY, DatasetError

HANGUL = re.compile(r"[\uac00-\ud7a3]")
CODE_SPAN = re.compile(r"`[^`\n]*`")
FIELDS = string.Formatter()


def _catalog():
    with open(i18n.catalog_path("ko"), "rb") as po:
        return read_po(po, locale="ko", domain=i18n.DOMAIN)


def _fields(message):
    """The {placeholders} of a message, with their conversion and format spec: {('name', 'r', ''), ...}."""
    return {(name, conversion or "", spec or "") for _, name, spec, conversion in FIELDS.parse(message)
            if name is not None}


def translate_text(text):
    return translate_to(text, "ko")


def _korean(monkeypatch):
    monkeypatch.setenv("CONVNETS_COURSE_LANG", "ko")
    i18n.translations.cache_clear()


def _english(monkeypatch):
    monkeypatch.setenv("CONVNETS_COURSE_LANG", "en")
    i18n.translations.cache_clear()


# --- the catalog -------------------------------------------------------------------------------------------------
def _marked_in_source():
    """Every literal message in a _() or N_() call of every module of helpers, its private packages included (read
    with Python's own parser, not with Babel, which skips folders named with a leading "_")."""
    marked = set()
    for path in (i18n.LOCALE_DIR.parent).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_")
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                marked.add(node.args[0].value)
    return marked


def test_the_catalog_holds_the_messages_of_the_code_and_no_other():
    extracted = {message for _, message in helpers_messages()}
    assert len(extracted) > 140, len(extracted)  # checks, datasets, images, plots and the doctor
    assert extracted == _marked_in_source(), "course.translations.helpers_messages misses messages of the helpers"
    catalog = _catalog()
    assert catalog.locale_identifier == "ko" and catalog.charset.lower() == "utf-8"
    assert not catalog.obsolete, f"obsolete entries (#~) in helpers.po: {list(catalog.obsolete)}"
    assert {message.id for message in catalog if message.id} == extracted, "python -m course translations update"


def test_a_message_without_a_translation_is_shown_in_english(monkeypatch):
    _korean(monkeypatch)
    assert i18n._("A message the catalog does not have: {name}") == "A message the catalog does not have: {name}"


# A message not translated yet (or out of date) is shown in English, and `make translations` lists it; what is
# translated must be right.
TRANSLATED = [m for m in _catalog() if m.id and m.string and not m.fuzzy]


@pytest.mark.parametrize("message", TRANSLATED, ids=lambda m: m.id[:40])
def test_a_translation_keeps_the_placeholders_and_the_code(message):
    assert HANGUL.search(message.string), "not Korean"
    assert _fields(message.string) == _fields(message.id)
    assert sorted(CODE_SPAN.findall(message.string)) == sorted(CODE_SPAN.findall(message.id))
    # translate_text reads a field that opens or closes the English message as "the rest of the line": the Korean
    # one must open or close with it too, or the text around it lands inside the translation
    first, last = re.match(r"\{[^{}]*\}", message.id), re.search(r"\{[^{}]*\}$", message.id)
    if first:
        assert message.string.startswith(first.group()), message.string
    if last:
        assert message.string.endswith(last.group()), message.string


# --- a real check, in both languages ------------------------------------------------------------------------------
ACCURACY_EN = "x is 0.500, below the expected 0.95. y"
ONE_HOT_EN = ("convert_to_one_hot(Y, C) returned shape (5, 4), expected (C, m) = (4, 5): the course keeps one column "
              "per example. Transpose your result with .T")


def _transposed_one_hot(Y, C):
    """A learner's convert_to_one_hot that forgot the course's (C, m) layout."""
    return np.eye(C, dtype=np.float32)[np.ravel(Y)]


def test_a_failed_check_speaks_korean_in_the_korean_edition(monkeypatch):
    _korean(monkeypatch)
    with pytest.raises(checks.CheckFailed) as failed:
        checks.check_accuracy(0.5, 0.95, "x", "y")
    message = str(failed.value)
    assert HANGUL.search(message) and "0.500" in message and "0.95" in message and message != ACCURACY_EN
    assert message == "x: 0.500, 기대한 0.95보다 낮습니다. y"
    with pytest.raises(checks.CheckFailed) as failed:
        checks.check_one_hot(_transposed_one_hot, strict=True)
    assert HANGUL.search(str(failed.value)) and "(5, 4)" in str(failed.value) and "(4, 5)" in str(failed.value)


def test_a_failed_check_says_exactly_the_old_english_elsewhere(monkeypatch):
    _english(monkeypatch)
    with pytest.raises(checks.CheckFailed) as failed:
        checks.check_accuracy(0.5, 0.95, "x", "y")
    assert str(failed.value) == ACCURACY_EN
    with pytest.raises(checks.CheckFailed) as failed:
        checks.check_one_hot(_transposed_one_hot, strict=True)
    assert str(failed.value) == ONE_HOT_EN


def test_a_workbook_check_prints_its_verdict_in_korean(monkeypatch, capsys):
    _korean(monkeypatch)
    checks.check_one_hot(_transposed_one_hot, strict=False)
    printed = capsys.readouterr().out
    assert printed.startswith("✗ 확인 실패: convert_to_one_hot(Y, C)") and "(5, 4)" in printed
    assert "convert_to_one_hot(helpers에 있는 것)" in printed
    checks.check_one_hot(datasets.convert_to_one_hot)
    assert capsys.readouterr().out == "모든 테스트를 통과했습니다.\n"


# --- errors a learner can hit: data and images ---------------------------------------------------------------------
def test_a_missing_image_is_reported_in_korean(tmp_path, monkeypatch):
    _korean(monkeypatch)
    missing = tmp_path / "my_photo.jpg"
    with pytest.raises(FileNotFoundError) as error:
        images.load_own_image(missing)
    assert str(error.value).startswith(f"{missing}: 그런 파일이 없습니다.") and "PNG 또는 JPEG 사진" in str(error.value)
    not_an_image = tmp_path / "notes.jpg"
    not_an_image.write_text("not a photo")
    with pytest.raises(ValueError, match="Pillow가 읽을 수 있는 이미지 파일이 아닙니다") as error:
        images.load_own_image(not_an_image)
    assert str(error.value).startswith(f"{not_an_image}: ")


def test_a_broken_dataset_is_reported_in_korean(tmp_path, monkeypatch):
    _korean(monkeypatch)
    train, test = datasets.course_files(HAPPY, tmp_path)
    train.write_bytes(b"not an HDF5 file")
    with pytest.raises(DatasetError) as error:
        datasets.load_dataset(HAPPY, tmp_path, verbose=False)
    assert str(error.value) == (f"{train} 파일은 있지만 {test} 파일이 없습니다. 두 강좌 파일을 모두 {tmp_path}/에 넣거나, "
                                "생성된 대체 데이터셋을 쓰려면 train_happy.h5 파일을 다른 곳으로 옮기세요.")
    test.write_bytes(b"not an HDF5 file either")
    with pytest.raises(DatasetError, match="읽을 수 있는 HDF5 파일이 아닙니다") as error:
        datasets.load_dataset(HAPPY, tmp_path, verbose=False)
    assert str(error.value).startswith(f"{train}: ") and "train_happy.h5 파일을 강좌 파일의 새 사본으로" in str(error.value)


def test_a_dataset_with_wrong_arrays_lists_its_problems_in_korean(tmp_path, monkeypatch):
    path = tmp_path / "train_happy.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("train_set_x", data=np.zeros((2, 32, 32, 3), dtype=np.float32))
        f.create_dataset("train_set_y", data=np.zeros(3, dtype=np.int64))
    korean = (f"{path}: train_set_x의 형태는 (2, 32, 32, 3)이지만, (m, 64, 64, 3)이어야 합니다; train_set_x의 dtype은 "
              "float32이지만, uint8(픽셀 값 0-255)이어야 합니다; train_set_y에는 이미지 2개에 대해 레이블이 3개 있습니다. "
              f"{path} 파일을 지우고 다시 실행하세요. 새로 만들어집니다.")
    _korean(monkeypatch)
    with pytest.raises(DatasetError) as error:
        datasets.read_split(path, "train", HAPPY, "generated")
    assert str(error.value) == korean
    _english(monkeypatch)
    with pytest.raises(DatasetError) as error:
        datasets.read_split(path, "train", HAPPY, "generated")
    assert str(error.value) == (f"{path}: train_set_x has shape (2, 32, 32, 3), expected (m, 64, 64, 3); train_set_x "
                                "has dtype float32, expected uint8 (pixel values 0-255); train_set_y has 3 labels for 2 "
                                f"images. Delete {path} and run again: it will be generated anew.")
    assert translate_text(str(error.value)) == korean


# --- which language ------------------------------------------------------------------------------------------------
def test_the_language_comes_from_the_environment_else_the_editions_marker(tmp_path, monkeypatch):
    monkeypatch.delenv("CONVNETS_COURSE_LANG", raising=False)
    monkeypatch.chdir(tmp_path)
    assert i18n.language() == "en"
    (tmp_path / i18n.MARKER).write_text("ko\n", encoding="utf-8")
    assert i18n.language() == "ko"
    lesson_folder = tmp_path / "notebooks"
    lesson_folder.mkdir()
    monkeypatch.chdir(lesson_folder)  # Jupyter starts a notebook's kernel in the notebook's folder
    assert i18n.language() == "ko"
    monkeypatch.setenv("CONVNETS_COURSE_LANG", "en")  # the environment wins over the marker
    assert i18n.language() == "en"
    monkeypatch.setenv("CONVNETS_COURSE_LANG", "fr")  # a language the course does not have: English
    assert i18n.language() == "en"
    monkeypatch.delenv("CONVNETS_COURSE_LANG")
    (tmp_path / i18n.MARKER).write_text("fr\n", encoding="utf-8")
    assert i18n.language() == "en"


def test_a_korean_marker_makes_the_checks_speak_korean(tmp_path, monkeypatch):
    monkeypatch.delenv("CONVNETS_COURSE_LANG", raising=False)
    (tmp_path / i18n.MARKER).write_text("ko\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(checks.CheckFailed, match="기대한 0.95보다 낮습니다"):
        checks.check_accuracy(0.5, 0.95, "x", "y")


# --- stored outputs: translate_text -----------------------------------------------------------------------------
def _printed(monkeypatch, capsys, language, run):
    monkeypatch.setenv("CONVNETS_COURSE_LANG", language)
    i18n.translations.cache_clear()
    run()
    return capsys.readouterr().out


@pytest.mark.parametrize("run", [
    lambda: checks.check_one_hot(_transposed_one_hot),
    lambda: checks.check_one_hot(datasets.convert_to_one_hot),
    lambda: checks.check_accuracy(0.95, 0.95, "HappyModel's test accuracy after 30 epochs", "Train longer."),
    lambda: checks.check_tiny_signs_param_count(lambda: 25094),
    lambda: checks.check_tiny_signs_param_count(lambda: 3 * 3 * 3 * 16 + 4 * 16 + 16 * 16 * 16 * 6),
    lambda: checks.check_identity_block_param_count(lambda n_C, f, filters: 0),
], ids=["one-hot wrong", "one-hot right", "accuracy", "param count right", "param count wrong", "block count"])
def test_translate_text_gives_what_the_korean_edition_prints(monkeypatch, capsys, run):
    english = _printed(monkeypatch, capsys, "en", run)
    korean = _printed(monkeypatch, capsys, "ko", run)
    assert HANGUL.search(korean) and not HANGUL.search(english)
    assert translate_text(english) == korean


def _example(message):
    """Values for every field of ``message`` (a number where the format spec needs one, a whole number for a count),
    distinct and not English."""
    return {name: (1234.5678 if spec else 1234 + index) if _numeric(name, spec) else f"V{index}_{name}"
            for index, (name, _, spec) in enumerate(sorted(_fields(message)))}


@pytest.mark.parametrize("message", [m for m in TRANSLATED if _pattern(m.id)[0] is not None], ids=lambda m: m.id[:40])
def test_translate_text_translates_every_message(message):
    """Every message long enough to be recognised in an English output (a translated notebook shows the English
    outputs, translated, until it is executed again) is translated there exactly."""
    values = _example(message.id)
    english, korean = message.id.format(**values), message.string.format(**values)
    assert translate_text(english) == korean
    # after a notebook's own words on the same line, as in notebooks 04-06 ("  Check failed: {error}"), and as the
    # workbook's check prints it
    assert translate_text("  Check failed: " + english + "\n") == "  Check failed: " + korean + "\n"
    assert translate_text(f"✗ Check failed: {english}") == f"✗ 확인 실패: {korean}"


def _small_numbers(message):
    """Values for ``message``'s fields: a number's fields short numbers, padded where the spec has a width, negative
    where it is a decimal's (7, "       7", -0.50, -5.0e-01); the others as in _example."""
    return {name: (-0.5 if spec and spec[-1] in "eEfFgG%" else 7) if _numeric(name, spec) else f"V{index}_{name}"
            for index, (name, _, spec) in enumerate(sorted(_fields(message)))}


@pytest.mark.parametrize("message", [m for m in TRANSLATED if _pattern(m.id)[0] is not None
                                     and any(_numeric(name, spec) for name, _, spec in _fields(m.id))],
                         ids=lambda m: m.id[:40])
def test_translate_text_reads_padded_and_negative_numbers(message):
    """A number's field takes the spaces of a width ("conv0        by hand      224" in notebook 01) and a sign."""
    values = _small_numbers(message.id)
    english, korean = message.id.format(**values), message.string.format(**values)
    assert translate_text(english) == korean
    assert translate_text("  Check failed: " + english + "\n") == "  Check failed: " + korean + "\n"


@pytest.mark.parametrize("line", [
    "layer  1: 98% of values in [0.00, 1.00]   variation across images 4e-01",  # notebook 03's own print
    "Stage names, count images as they come",
    "Two runs, over both epochs: they agree.",  # "{title}, over {epochs} epochs: {curves}."
    # "Layer {index} ({name}, {kind}): is named ..."
    "Layer two (conv0, Conv2D): is named 'a', expected 'b'. Give the layer the course's name with name=...",
])
def test_translate_text_leaves_a_line_that_holds_no_message_as_it_is(line):
    """A field that prints a number ({count}, {epochs}, {index}, {x:.2f}) matches only a number: "{title}, {count}
    images" does not take a title and a count out of words that happen to end in "images"."""
    assert translate_text(line) == line
    assert translate_text("Happy House test set, 150 images") == "Happy House test set, 이미지 150장"
