"""The language of the helpers' messages: English, or Korean in the Korean edition.

Every message a learner can read (a check's verdict, an error about a dataset, an image or Graphviz) is written
as ``_("... {name} ...").format(name=...)``: ``_`` looks the English text up in the Korean catalog
``helpers/locale/ko/LC_MESSAGES/helpers.po`` (Python's ``gettext``, compiled in memory) when the language is
Korean, and returns it unchanged otherwise.

The language follows the notebook's edition. A Korean notebook lives in a folder of the Korean edition
(``ko/notebooks/``, ``ko/workbook/``), and Jupyter starts its kernel in that folder; the edition's top folder
holds a file ``.course-language`` that says ``ko``. So ``language()`` is, in order:

1. the environment variable ``CONVNETS_COURSE_LANG`` (``en`` or ``ko``), when it is set;
2. the contents of ``.course-language`` in the working folder or one of its two parents;
3. ``en``.

``translate_text(text)`` turns a whole English output (what a cell printed) into Korean, message by message:
the Korean edition's stored outputs are made from the English ones with it.
"""
import functools
import gettext
import io
import os
import re
from pathlib import Path

DOMAIN = "helpers"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "ko")
MARKER = ".course-language"


def language(cwd=None):
    """'en' or 'ko': the language of this notebook's edition (see the module's docstring)."""
    chosen = os.environ.get("CONVNETS_COURSE_LANG", "").strip()
    if chosen:
        return chosen if chosen in LANGUAGES else "en"
    here = Path(cwd or os.getcwd())
    for folder in [here, *here.parents][:3]:
        marker = folder / MARKER
        if marker.is_file():
            text = marker.read_text(encoding="utf-8").strip()
            return text if text in LANGUAGES else "en"
    return "en"


def catalog_path(lang="ko"):
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.lru_cache(maxsize=None)
def _catalog(lang):
    """The Babel catalog of ``lang``'s .po file, read once; None for English, or when the catalog or Babel, which
    reads it, is missing (Babel comes with Sphinx in the course's lock; elsewhere the messages stay English)."""
    if lang == "en" or not catalog_path(lang).is_file():
        return None
    try:
        from babel.messages.pofile import read_po
    except ImportError:
        return None
    with open(catalog_path(lang), "rb") as po:
        return read_po(po, locale=lang, domain=DOMAIN)


@functools.lru_cache(maxsize=None)
def translations(lang):
    """A gettext translations object for ``lang``, compiled in memory from the .po catalog (NullTranslations
    when there is none)."""
    catalog = _catalog(lang)
    if catalog is None:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)  # an out-of-date (fuzzy) translation is not used
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _(message):
    """``message`` (English, with ``{placeholders}`` not yet filled) in the edition's language."""
    return translations(language()).gettext(message)


N_ = str  # marks a message for the catalog where it is defined; it is translated with _() where it is shown


# --- whole outputs -------------------------------------------------------------------------------------------------
_FIELD = re.compile(r"\{(\w*)(?:![rsa])?(?::[^{}]*)?\}")


def _pattern(msgid):
    """A regex for the printed form of ``msgid``: each {field} matches the text of one line (as little as
    possible; a field that ends the message, the rest of its line). None when the message is mostly fields."""
    parts, names, last = [], [], 0
    fields = list(_FIELD.finditer(msgid))
    for m in fields:
        parts.append(re.escape(msgid[last:m.start()].replace("{{", "{").replace("}}", "}")))
        parts.append("(.+)" if m.end() == len(msgid) else "(.+?)")
        names.append(m.group(1))
        last = m.end()
    literal = msgid[last:]
    parts.append(re.escape(literal.replace("{{", "{").replace("}}", "}")))
    if literal:  # not in the middle of a word or number: "at least {x:.2f}." must take all of "0.95." as x and "."
        parts.append(r"(?!\w)")
    if len(_FIELD.sub("", msgid).strip()) < 8:
        return None, names
    return re.compile("".join(parts)), names


@functools.lru_cache(maxsize=None)
def _rules(lang):
    """(regex, msgid's field names, msgstr) for every translated message, the most specific first: the most
    literal text ("has 0 blocks (none)" before "has {count} blocks ({blocks})"), then the longest msgid."""
    rules = []
    for message in _catalog(lang) or []:
        if message.id and message.string and not message.fuzzy and isinstance(message.id, str):
            regex, names = _pattern(message.id)
            if regex is None:
                continue
            rules.append(((len(_FIELD.sub("", message.id)), len(message.id)), regex, names, message.string))
    rules.sort(key=lambda rule: rule[0], reverse=True)
    return [rule[1:] for rule in rules]


def _fill(msgstr, names, values):
    """``msgstr`` with its {fields} replaced by the already formatted ``values`` of the msgid's fields."""
    by_name = {}
    positional = []
    for name, value in zip(names, values):
        (positional.append(value) if name == "" else by_name.setdefault(name, value))
    counter = iter(positional)

    def field(m):
        return by_name[m.group(1)] if m.group(1) else next(counter)
    return _FIELD.sub(field, msgstr).replace("{{", "{").replace("}}", "}")


def translate_text(text, lang="ko"):
    """``text`` (an English cell output) with every helpers message in it replaced by its translation."""
    for regex, names, msgstr in _rules(lang):
        def one(m, names=names, msgstr=msgstr):
            return _fill(msgstr, names, [translate_text(v, lang) for v in m.groups()])
        text = regex.sub(one, text)
    return text
