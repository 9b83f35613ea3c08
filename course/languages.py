"""The languages of the course: English, the source, and every language that has a folder in locale/.

A language is data, not code. Adding one means adding its catalogs (gettext .po files, the format of Sphinx and of
translators' tools such as Poedit and Weblate), in one folder per language:

    locale/<lang>/notebooks/NN_topic.po        one entry per markdown cell and per comment or string of a code
                                               cell (msgctxt = the cell's id, msgid = its English)
    locale/<lang>/pages.po                     the website's home page and data page, paragraph by paragraph
    locale/<lang>/editions.po                  the text the generators write (workbook, website, language switch)
    locale/<lang>/glossary.tsv                 the terms, English -> <lang> (optional; tested when present)
    locale/<lang>/fonts                        Debian packages with the fonts the language needs (optional; make reads it
                                               in scripts/ensure-fonts.sh, and apt.txt lists them for Binder)
    helpers/locale/<lang>/LC_MESSAGES/helpers.po   the helpers' messages (helpers.i18n)

`python -m course translations update --lang <lang>` creates the catalogs, with every entry empty. An entry whose
English changed keeps its translation, marked fuzzy with the old English beside it ("#| msgid"). A missing or
fuzzy translation is never used: the edition shows the English text, with a marker saying it is not translated
yet, and `make translations` lists it. What a translation must keep (placeholders, code, links, math, headings)
is checked by the tests, and a catalog entry whose English no longer exists fails them.
"""
import io
import re
from pathlib import Path

from course import ROOT

SOURCE = "en"


def languages(root=ROOT):
    """Every language of the course but English, as found in locale/: the folders that hold an editions.po."""
    return sorted(folder.name for folder in (Path(root) / "locale").glob("*") if (folder / "editions.po").is_file())


def from_locale(value, root=ROOT):
    """The course's language for a locale string such as "ko", "ko_KR.UTF-8" or "C.UTF-8" ("en" when there is no
    such edition): what `make lab LANG=...` opens."""
    value = (value or "").strip()
    for candidate in (value, value.split(".")[0], re.split(r"[_.@]", value)[0]):
        if candidate in languages(root):
            return candidate
        if candidate.replace("_", "-") in languages(root):
            return candidate.replace("_", "-")
    return SOURCE


class Language:
    """The catalogs and the edition folders of one language, in the project at ``root``."""

    def __init__(self, code, root=ROOT):
        self.code, self.root = code, Path(root)
        self.locale = self.root / "locale" / code
        self._catalogs = {}

    def notebook_catalog(self, stem):
        return self.locale / "notebooks" / f"{stem}.po"

    @property
    def pages_catalog(self):
        return self.locale / "pages.po"

    @property
    def editions_catalog(self):
        return self.locale / "editions.po"

    @property
    def helpers_catalog(self):
        return self.root / "helpers" / "locale" / self.code / "LC_MESSAGES" / "helpers.po"

    @property
    def edition(self):
        """The language's edition folder: <lang>/notebooks (the reference lessons) and <lang>/workbook."""
        return self.root / self.code

    def glossary(self):
        """The rows of locale/<lang>/glossary.tsv as dicts (english, translation, note, match, avoid); [] when the
        language has no glossary."""
        path = self.locale / "glossary.tsv"
        if not path.is_file():
            return []
        rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
        header = rows[0]
        return [dict(zip(header, row + [""] * (len(header) - len(row)))) for row in rows[1:]]

    # --- looking a text up: None when there is no current translation ---------------------------------------------
    def catalog(self, path):
        if path not in self._catalogs:
            self._catalogs[path] = load(path, self.code)
        return self._catalogs[path]

    def get(self, path, msgid, context=None):
        message = self.catalog(path).get(msgid, context=context)
        if message is None or not message.string or message.fuzzy:
            return None
        return message.string

    def text(self, key, english):
        """A generator's text (editions.po, by key) in this language; the English when it is not translated."""
        return self.get(self.editions_catalog, english, context=key) or english

    def untranslated(self, english_markdown):
        """The English Markdown of a cell or paragraph that has no current translation, with the language's marker
        saying so above it."""
        marker = self.text("untranslated", EDITION_TEXT["untranslated"])
        return f"{marker}\n\n{english_markdown}"

    def markdown(self, path, msgid, context=None):
        """A cell's or paragraph's Markdown in this language, or the English with the marker."""
        return self.get(path, msgid, context) or self.untranslated(msgid)


# The text the generators write around the lessons, by key, in English; each language's is in its editions.po.
EDITION_TEXT = {
    "workbook-intro-exercises": (
        "*Your workbook copy of **{title}**. Write your code where it says `# YOUR CODE HERE`, then run the check "
        "below it. The solved lesson, with all its outputs, is [{name}]({link}); the solutions are also at the end "
        "of this notebook.*"),
    "workbook-intro": (
        "*Your workbook copy of **{title}**: run it, change it, try things. The lesson with all its outputs is "
        "[{name}]({link}).*"),
    "workbook-solution-summary": "Solution: <code>{name}</code>",
    "workbook-solutions": "## Solutions\n\nTry the exercise and its hints first.",
    "book-title": "ConvNets course companion",
    "read-in-this-language": "Read in English",
    "untranslated": "*(Not translated yet: the English text follows.)*",
    # data/README.md's previews of the stand-ins (python -m course standins previews draws one set per language)
    "preview-happy-title": "Happy House stand-ins (training set)",
    "preview-signs-title": "SIGNS stand-ins (training set)",
    "preview-means-title": "Mean training image per class",
}


# --- catalogs on disk ------------------------------------------------------------------------------------------------
def babel_locale(lang):
    """A language code as gettext and Babel write it: "pt-BR" -> "pt_BR" (the folder keeps the code as given)."""
    return lang.replace("-", "_")


def load(path, lang):
    """The catalog at ``path`` (an empty one if there is none), with the previous English of fuzzy entries."""
    from babel.messages.catalog import Catalog  # Babel (a dependency of helpers) reads and writes .po files
    from babel.messages.pofile import read_po, unescape
    if not Path(path).is_file():
        return Catalog(locale=babel_locale(lang))
    # Babel writes a long "#| msgid" on wrapped comment lines that it cannot read back, so the previous msgids
    # are written (save) and read here in gettext's own form: '#| msgid ""' and one '#| "..."' line per line.
    kept, previous, pending, collecting = [], {}, [], False
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("#| "):
            text = line[3:]
            collecting = True
            pending.append(unescape(text[len("msgid "):] if text.startswith("msgid ") else text))
            continue
        if collecting and line.startswith("msgctxt "):
            previous[unescape(line[len("msgctxt "):])] = "".join(pending)
        if not line.startswith("#"):
            pending, collecting = [], False
        kept.append(line)
    catalog = read_po(io.BytesIO("\n".join(kept).encode("utf-8") + b"\n"), locale=babel_locale(lang))
    for message in catalog:
        if message.context in previous and message.fuzzy:
            message.previous_id = [previous[message.context]]
    return catalog


def save(catalog, path):
    from babel.messages.pofile import escape, write_po
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, no_location=True, omit_header=False, include_previous=False,
             ignore_obsolete=True)
    previous = {m.context: m.previous_id[0] for m in catalog if m.id and m.fuzzy and m.previous_id and m.context}
    lines = []
    for line in buffer.getvalue().decode("utf-8").splitlines():
        if line.startswith("msgctxt "):
            context = next((c for c in previous if line == f"msgctxt {escape(c)}"), None)
            if context is not None:
                lines.append('#| msgid ""')
                lines.extend(f"#| {escape(part)}" for part in previous[context].splitlines(keepends=True))
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


HEADER = """# {language} translation of {project}.
# Made and kept in step by `python -m course translations update`: translate each msgstr (Markdown; keep code in
# backticks, math, links and HTML as they are; terms from locale/{lang}/glossary.tsv), keep msgctxt, and remove
# the "fuzzy" flag once a changed English entry's translation is brought up to date."""


def merged(old, entries, project, lang):
    """A catalog with exactly ``entries`` [(msgctxt, msgid)], taking each translation from ``old``: the same msgctxt
    and msgid -> kept as it is; same msgctxt, other msgid (the English changed) -> kept, marked fuzzy with the old
    English as previous msgid; otherwise empty."""
    from babel.messages.catalog import Catalog
    new = Catalog(locale=babel_locale(lang), project=project, version="1", charset="utf-8", fuzzy=False,
                  header_comment=HEADER.format(language=lang, project=project, lang=lang),
                  creation_date=old.creation_date, revision_date=old.revision_date,
                  last_translator="the course's translators", language_team=lang)
    wanted = {}
    for context, msgid in entries:
        wanted.setdefault(context, set()).add(msgid)
    # an entry of the old catalog whose English is gone from its cell: the earlier version of a changed text
    gone = {}
    for message in old:
        if message.id and message.context is not None and message.string and message.id not in wanted.get(
                message.context, ()):
            gone.setdefault(message.context, []).append(message)
    seen = set()
    for context, msgid in entries:
        if (context, msgid) in seen:
            continue
        seen.add((context, msgid))
        same = old.get(msgid, context=context)
        if same is not None and same.string:
            new.add(msgid, same.string, context=context, flags=same.flags, previous_id=same.previous_id)
            continue
        before = gone.get(context, [])
        if context is not None and len(before) == 1:  # one text of the cell changed: its translation is kept, fuzzy
            previous = before[0].previous_id if before[0].fuzzy and before[0].previous_id else [before[0].id]
            new.add(msgid, before[0].string, context=context, flags={"fuzzy"}, previous_id=previous)
        else:
            new.add(msgid, "", context=context)
    return new
