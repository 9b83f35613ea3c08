"""The Korean edition (한국어판): gettext catalogs of the English sources, and the Korean notebooks made from them.

The English notebooks stay the only source. Their prose is translated in gettext catalogs (.po files, the format
of Sphinx's internationalisation and of translators' tools such as Poedit and Weblate):

    locale/ko/notebooks/NN_topic.po   one entry per markdown cell (hints included: they are <details> blocks
                                      in the lessons' markdown); msgctxt = the cell's id, msgid = its English
    locale/ko/pages.po                the website's home page and data page, paragraph by paragraph
    locale/ko/editions.po             the text the generators write (workbook, website)
    helpers/locale/ko/LC_MESSAGES/helpers.po   the helpers' messages (helpers.i18n)
    locale/ko/glossary.tsv            the terms, English -> Korean, used everywhere

An entry is keyed by its English text. When an English cell changes, `update` keeps the old translation but marks
it fuzzy ("#, fuzzy", with the old English as "#| msgid"), and a fuzzy translation is never used: the Korean
notebook shows the English cell until a translator updates the entry and removes the flag. `status` (and
tests/test_translations.py) fail while any entry is missing or fuzzy.

    python scripts/translations.py update            # bring the catalogs in step with the English sources
    python scripts/translations.py status            # missing and out-of-date entries; exit 1 if any
    python scripts/translations.py build [--out DIR] # the Korean reference edition, ko/notebooks/ by default

The Korean notebooks have the English code cells unchanged, and the English outputs with the helpers' messages
translated (helpers.i18n.translate_text); images are the English ones. ko/.course-language tells the helpers
running in a Korean notebook to speak Korean.
"""
import argparse
import copy
import io
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from helpers import i18n  # noqa: E402
import workbook  # noqa: E402  (scripts/workbook.py: the workbook's text)

LANG = "ko"
LOCALE = ROOT / "locale" / LANG
NOTEBOOKS = ROOT / "notebooks"
EDITION = ROOT / LANG  # ko/notebooks (reference), ko/workbook (the learner's copies, scripts/workbook.py)
PAGES = [ROOT / "book" / "index.md", ROOT / "data" / "README.md"]

# The text the generators write around the lessons, by key: scripts/workbook.py's, and the website's title.
EDITION_TEXT = {**workbook.TEXT, "book-title": "ConvNets course companion"}


def lessons():
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def notebook_catalog_path(stem):
    return LOCALE / "notebooks" / f"{stem}.po"


# --- reading the English sources -----------------------------------------------------------------------------------
def notebook_entries(path):
    """[(cell id, English markdown)] of a lesson notebook, in order."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    return [(cell["id"], "".join(cell["source"])) for cell in nb["cells"] if cell["cell_type"] == "markdown"]


FENCE = re.compile(r"^(```|~~~)")


def paragraphs(text):
    """A Markdown page cut into blocks at blank lines (a fenced block, blank lines and all, stays one block)."""
    blocks, current, fenced = [], [], False
    for line in text.split("\n"):
        if FENCE.match(line):
            fenced = not fenced
        if not line.strip() and not fenced:
            if current:
                blocks.append("\n".join(current))
                current = []
            continue
        current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def page_entries():
    """[(page, paragraph)] of the website's Markdown pages."""
    return [(str(page.relative_to(ROOT)), block) for page in PAGES
            for block in paragraphs(page.read_text(encoding="utf-8"))]


def sources():
    """{catalog path: [(msgctxt, English msgid)]} for every catalog made from the English sources."""
    wanted = {notebook_catalog_path(path.stem): notebook_entries(path) for path in lessons()}
    wanted[LOCALE / "pages.po"] = [(None, text) for _, text in page_entries()]
    wanted[LOCALE / "editions.po"] = [(key, text) for key, text in EDITION_TEXT.items()]
    return wanted


# --- catalogs ------------------------------------------------------------------------------------------------------
def _shown(path):
    path = Path(path)
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def load(path):
    """The catalog at ``path`` (an empty one if there is none), with the previous English of fuzzy entries."""
    from babel.messages.catalog import Catalog  # Babel (with Sphinx in the lock) reads and writes .po files
    from babel.messages.pofile import read_po, unescape
    if not Path(path).is_file():
        return Catalog(locale=LANG)
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
    catalog = read_po(io.BytesIO("\n".join(kept).encode("utf-8") + b"\n"), locale=LANG)
    for message in catalog:
        if message.context in previous and message.fuzzy:
            message.previous_id = [previous[message.context]]
    return catalog


def save(catalog, path):
    from babel.messages.pofile import escape, write_po
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


HEADER = """# Korean translation of {project}.
# Made and kept in step by `python scripts/translations.py update`: translate each msgstr (Markdown; keep
# code in backticks, math, links and HTML as they are; terms from locale/ko/glossary.tsv), keep msgctxt, and
# remove the "fuzzy" flag once a changed English entry's translation is brought up to date."""


def merged(old, entries, project):
    """A catalog with exactly ``entries`` [(msgctxt, msgid)], taking each translation from ``old``: the same
    msgctxt and msgid -> kept as it is; same msgctxt, other msgid (the English changed) -> kept, marked fuzzy with
    the old English as previous msgid; otherwise empty."""
    from babel.messages.catalog import Catalog
    new = Catalog(locale=LANG, project=project, version="1", charset="utf-8", fuzzy=False,
                  header_comment=HEADER.format(project=project), creation_date=old.creation_date,
                  revision_date=old.revision_date, last_translator="the course's translators",
                  language_team="Korean")
    by_context = {m.context: m for m in old if m.id and m.context is not None}
    seen = set()
    for context, msgid in entries:
        if (context, msgid) in seen:
            continue
        seen.add((context, msgid))
        same = old.get(msgid, context=context)
        if same is not None and same.string:
            new.add(msgid, same.string, context=context, flags=same.flags, previous_id=same.previous_id)
            continue
        before = by_context.get(context)
        if context is not None and before is not None and before.string:
            previous = before.previous_id if before.fuzzy and before.previous_id else [before.id]
            new.add(msgid, before.string, context=context, flags={"fuzzy"}, previous_id=previous)
        else:
            new.add(msgid, "", context=context)
    return new


def fill(path, translations):
    """Set translations from {msgctxt or msgid: Korean} (a translator's JSON) in the catalog at ``path``; an entry
    it sets is no longer fuzzy. Returns how many were set."""
    catalog, count = load(path), 0
    for message in catalog:
        key = message.context if message.context is not None else message.id
        if message.id and key in translations:
            message.string = translations[key]
            message.flags.discard("fuzzy")
            message.previous_id = []
            count += 1
    save(catalog, path)
    return count


def update(out=print):
    """Bring every catalog in step with the English sources. Returns {catalog path: (total, missing, fuzzy)}."""
    report = {}
    for path, entries in sources().items():
        catalog = merged(load(path), entries, project=f"convnets-course {path.stem}")
        save(catalog, path)
        report[path] = _counts(catalog)
    for path, (total, missing, fuzzy) in report.items():
        if missing or fuzzy:
            out(f"{_shown(path)}: {total} entries, {missing} to translate, {fuzzy} out of date")
    return report


def _counts(catalog):
    messages = [m for m in catalog if m.id]
    return (len(messages), sum(1 for m in messages if not m.string),
            sum(1 for m in messages if m.string and m.fuzzy))


def problems():
    """What is missing or out of date, as lines: an English entry with no translation, a fuzzy one, or a catalog
    entry for English text that no longer exists."""
    lines = []
    for path, entries in sources().items():
        catalog = load(path)
        name = _shown(path)
        for context, msgid in entries:
            message = catalog.get(msgid, context=context)
            where = f"{name}: {context + ': ' if context else ''}{msgid.splitlines()[0][:60]!r}"
            if message is None or not message.string:
                old = [m for m in catalog if m.id and m.context == context] if context else []
                lines.append(where + (" changed in English: translation out of date" if old else " not translated"))
            elif message.fuzzy:
                lines.append(where + " marked fuzzy: translation out of date")
        wanted = set(entries)
        contexts = {context for context, _ in entries if context is not None}
        for message in catalog:
            if message.id and (message.context, message.id) not in wanted and message.context not in contexts:
                lines.append(f"{name}: {message.context or ''} has no English source any more (run update)")
    return lines


class Translator:
    """Look-ups in the catalogs; an entry missing or fuzzy gives back the English."""

    def __init__(self):
        self.catalogs = {}

    def _catalog(self, path):
        if path not in self.catalogs:
            self.catalogs[path] = load(path)
        return self.catalogs[path]

    def get(self, path, msgid, context=None):
        message = self._catalog(path).get(msgid, context=context)
        if message is None or not message.string or message.fuzzy:
            return None
        return message.string

    def cell(self, stem, cell_id, english):
        return self.get(notebook_catalog_path(stem), english, context=cell_id) or english

    def page(self, text):
        """A Markdown page, paragraph by paragraph (an untranslated paragraph stays English)."""
        return "\n\n".join(self.get(LOCALE / "pages.po", block) or block for block in paragraphs(text)) + "\n"

    def text(self, key):
        return self.get(LOCALE / "editions.po", EDITION_TEXT[key], context=key) or EDITION_TEXT[key]


# --- the Korean notebooks ------------------------------------------------------------------------------------------
def translate_output(output):
    """One English output of a code cell, with the helpers' messages in Korean (images unchanged)."""
    output = copy.deepcopy(output)
    kind = output.get("output_type")
    if kind == "stream":
        output["text"] = _lines(i18n.translate_text("".join(output["text"]), LANG))
    elif kind in ("execute_result", "display_data") and "text/plain" in output.get("data", {}):
        output["data"]["text/plain"] = _lines(i18n.translate_text("".join(output["data"]["text/plain"]), LANG))
    elif kind == "error":
        output["evalue"] = i18n.translate_text(output["evalue"], LANG)
        output["traceback"] = [i18n.translate_text(line, LANG) for line in output["traceback"]]
    return output


def _lines(text):
    return text.splitlines(keepends=True)


def korean_notebook(path, translator=None):
    """The Korean edition of a lesson notebook, as a dict (nbformat JSON)."""
    translator = translator or Translator()
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = _lines(translator.cell(path.stem, cell["id"], "".join(cell["source"])))
        elif cell["cell_type"] == "code":
            cell["outputs"] = [translate_output(o) for o in cell["outputs"]]
    nb["metadata"]["language_info"] = nb["metadata"].get("language_info", {})
    nb["metadata"]["course"] = {"edition": "reference", "language": LANG, "source": f"notebooks/{path.name}"}
    return nb


def build(out=None, source=None, report=print):
    """Write the Korean reference edition: ``out``/notebooks/*.ipynb, the images, and ``out``/.course-language,
    from the English lessons in ``source`` (notebooks/)."""
    out, source = Path(out or EDITION), Path(source or NOTEBOOKS)
    target = out / "notebooks"
    target.mkdir(parents=True, exist_ok=True)
    (out / i18n.MARKER).write_text(LANG + "\n", encoding="utf-8")
    translator = Translator()
    for path in sorted(source.glob("[0-9][0-9]_*.ipynb")):
        text = json.dumps(korean_notebook(path, translator), ensure_ascii=False, indent=1) + "\n"
        destination = target / path.name
        if not destination.is_file() or destination.read_text(encoding="utf-8") != text:
            destination.write_text(text, encoding="utf-8")
    shutil.copytree(source / "images", target / "images", dirs_exist_ok=True)
    left = problems()
    report(f"{_shown(target)}: {len(list(source.glob('[0-9][0-9]_*.ipynb')))} Korean notebooks" + (f"; {len(left)} entries untranslated or out of date, shown in English "
                           "(python scripts/translations.py status)" if left else ""))
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("update", help="bring the catalogs in step with the English sources")
    commands.add_parser("status", help="list missing and out-of-date translations; exit 1 if any")
    filling = commands.add_parser("fill", help="set translations from a JSON object {msgctxt or msgid: text}")
    filling.add_argument("catalog")
    filling.add_argument("json")
    one = commands.add_parser("build", help="write the Korean reference notebooks")
    one.add_argument("--out", default=str(EDITION), help="the edition's folder (default ko/)")
    args = parser.parse_args(argv)
    if args.command == "update":
        update()
    elif args.command == "status":
        left = problems()
        print("\n".join(left) if left else "Every entry of the Korean catalogs is translated and current.")
        return 1 if left else 0
    elif args.command == "fill":
        texts = json.loads(Path(args.json).read_text(encoding="utf-8"))
        print(f"{args.catalog}: {fill(Path(args.catalog), texts)} entries set")
    else:
        build(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
