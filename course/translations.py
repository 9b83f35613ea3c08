"""The translated editions: notebooks, pages and generator texts made from the English sources and a language's
catalogs (course.languages says where they are and what they hold).

    python -m course translations update [--lang L]   # bring the catalogs in step with the English sources
    python -m course translations status [--lang L]   # what is not translated yet, or out of date; exit 1 if any
    python -m course translations fill CATALOG JSON    # set entries from {msgctxt or msgid: text}
    python -m course translations build [--lang L]    # the reference edition, L/notebooks/
    python -m course translations execute [--lang L]  # build, then execute what changed (make notebooks does)

Without --lang, every language of locale/. A translated notebook has the English notebook's cells with its markdown,
comments and strings from the catalog (or the English, the markdown with a marker, while they are not translated),
and L/.course-language, which tells the helpers running in a notebook below it which language to speak. Its outputs
are those of its own execution, committed like the English notebooks' ones; until it is executed again after a
change of its code or of the English outputs, it shows the English outputs with the helpers' messages translated
(``translate_text``).
"""
import ast
import copy
import functools
import hashlib
import io
import json
import re
import shutil
import string
import tokenize
from pathlib import Path

from course import ROOT, lessons
from course.languages import EDITION_TEXT, Language, languages, load, merged, save
from helpers import i18n

PAGES = ["book/index.md", "data/README.md"]


# --- the English sources -----------------------------------------------------------------------------------------
def notebook_entries(path):
    """[(cell id, English text)] of a lesson notebook, in order: every markdown cell, and every code cell with
    something to translate (``code_texts``)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    entries = []
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" or (cell["cell_type"] == "code" and code_texts(source)):
            entries.append((cell["id"], source))
    return entries


# --- code cells: a translation changes comments and the text of strings, nothing else ----------------------------
# A string is text for the learner when it holds two words (a setting such as 'same' or a name such as "conv1" does
# not); docstrings and printed labels do. Keys and settings with spaces must stay as they are: the translated
# notebooks are executed, so a translated key that breaks the code shows there.
MARKER = re.compile(r"#+ (BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$")  # nbgrader's markers: kept as they are
WORDS = re.compile(r"[^\W\d_]{2,}[ ,.:;!?'’()-]+[^\W\d_]{2,}")


def _tokens(source):
    return list(tokenize.generate_tokens(io.StringIO(source).readline))


def code_texts(source):
    """The comments and learner-facing strings of a code cell, as their source text; [] when there are none (or
    when the cell is not Python, such as a cell of shell commands)."""
    try:
        tokens = _tokens(source)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    return [t.string for t in tokens if (t.type == tokenize.COMMENT and not MARKER.match(t.string))
            or (t.type == tokenize.STRING and WORDS.search(t.string))]


def _fields(literal):
    """The {replacement fields} of a string literal: the expressions of an f-string, the {names} of a string that
    will be .format()-ted; sorted, since a translation may put them in another order."""
    value = ast.parse(literal, mode="eval").body
    if isinstance(value, ast.JoinedStr):
        return sorted(ast.unparse(part) for part in value.values if isinstance(part, ast.FormattedValue))
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        try:
            return sorted("{" + name + "}" for _, name, _, _ in string.Formatter().parse(value.value) if name is not None)
        except ValueError:  # not a format string (a lone brace)
            return []
    return []


def code_skeleton(source):
    """What a translation of a code cell must keep: its tokens with comments set aside, and each run of adjacent
    string literals reduced to the replacement fields it holds (a translation may split or join a long string)."""
    skeleton = []
    for token in _tokens(source):
        if token.type == tokenize.COMMENT and MARKER.match(token.string):
            skeleton.append(("marker", token.string.strip()))
            continue
        if token.type in (tokenize.COMMENT, tokenize.NL):
            continue
        if token.type == tokenize.STRING:
            fields = _fields(token.string)
            if skeleton and skeleton[-1][0] == "string":
                skeleton[-1] = ("string", sorted(skeleton[-1][1] + fields))
            else:
                skeleton.append(("string", fields))
            continue
        skeleton.append((tokenize.tok_name[token.type], token.string))
    return skeleton


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


def helpers_messages(root=ROOT):
    """[(None, message)] of every message the helpers mark for translation, ``_()`` or ``N_()``, in order."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    def private_too(folder):  # Babel skips folders whose names start with "_" (helpers/_standins) unless told
        return not Path(folder).name.startswith((".", "__pycache__"))

    found = []
    for _, _, message, _, _ in extract_from_dir(Path(root) / "helpers", keywords=DEFAULT_KEYWORDS,
                                                directory_filter=private_too):
        if (None, message) not in found:
            found.append((None, message))
    return found


def sources(language, lessons_only=False):
    """{catalog path: [(msgctxt, English msgid)]} of every catalog of ``language`` made from the English sources (or
    of the lessons' catalogs only)."""
    root = language.root
    wanted = {language.notebook_catalog(path.stem): notebook_entries(path) for path in lessons(root / "notebooks")}
    if lessons_only:
        return wanted
    wanted[language.pages_catalog] = [(None, block) for page in PAGES
                                      for block in paragraphs((root / page).read_text(encoding="utf-8"))]
    wanted[language.editions_catalog] = list(EDITION_TEXT.items())
    wanted[language.helpers_catalog] = helpers_messages(root)
    return wanted


def _shown(path, root=ROOT):
    path = Path(path)
    return path.relative_to(root) if path.is_relative_to(root) else path


# --- keeping the catalogs in step --------------------------------------------------------------------------------
def update(language, out=print):
    """Bring every catalog of ``language`` in step with the English sources. Returns {path: (total, missing, fuzzy)}."""
    report = {}
    for path, entries in sources(language).items():
        catalog = merged(load(path, language.code), entries, f"convnets-course {path.stem}", language.code)
        save(catalog, path)
        messages = [m for m in catalog if m.id]
        report[path] = (len(messages), sum(1 for m in messages if not m.string),
                        sum(1 for m in messages if m.string and m.fuzzy))
    for path, (total, missing, fuzzy) in report.items():
        if missing or fuzzy:
            out(f"{_shown(path, language.root)}: {total} entries, {missing} to translate, {fuzzy} out of date")
    return report


def untranslated(language, lessons_only=False):
    """What the edition shows in English for now, as lines: an entry with no translation, or a fuzzy one."""
    lines = []
    for path, entries in sources(language, lessons_only).items():
        catalog = load(path, language.code)
        for context, msgid in entries:
            message = catalog.get(msgid, context=context)
            where = f"{_shown(path, language.root)}: {context + ': ' if context else ''}{msgid.splitlines()[0][:60]!r}"
            if message is None or not message.string:
                lines.append(where + " not translated")
            elif message.fuzzy:
                lines.append(where + " out of date (fuzzy): the English changed")
    return lines


def stale(language):
    """Catalog entries whose English no longer exists (`update` removes them), as lines."""
    lines = []
    for path, entries in sources(language).items():
        wanted = set(entries)
        for message in load(path, language.code):
            if message.id and (message.context, message.id) not in wanted:
                lines.append(f"{_shown(path, language.root)}: {message.context or ''} {message.id[:50]!r} has no "
                             "English source any more (python -m course translations update)")
    return lines


def fill(path, texts, lang):
    """Set translations from {msgctxt or msgid: text} in the catalog at ``path``; an entry it sets is no longer
    fuzzy. Returns how many were set."""
    catalog, count = load(path, lang), 0
    for message in catalog:
        key = message.context if message.context is not None else message.id
        if message.id and key in texts:
            message.string, message.previous_id = texts[key], []
            message.flags.discard("fuzzy")
            count += 1
    save(catalog, path)
    return count


# --- the translated notebooks ----------------------------------------------------------------------------------------
IGNORED = "nbval-ignore-output"


def translated_notebook(path, language):
    """The ``language`` edition of a lesson notebook, as a dict (nbformat JSON), with the English outputs (the
    helpers' messages in them translated): what the edition is before it is executed. Its metadata hold the key of
    what an execution depends on (``execution_key``)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    catalog = language.notebook_catalog(Path(path).stem)
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            cell["source"] = _lines(language.markdown(catalog, source, context=cell["id"]))
        elif cell["cell_type"] == "code":
            if code_texts(source):
                cell["source"] = _lines(language.get(catalog, source, context=cell["id"]) or source)
            cell["outputs"] = [translate_output(output, language.code) for output in cell["outputs"]]
    nb["metadata"]["course"] = {"edition": "reference", "language": language.code,
                                "source": f"notebooks/{Path(path).name}",
                                "execution_key": execution_key(nb, path, language.code), "executed": False}
    return nb


def stand_ins_used(nb):
    """The offline stand-ins ("happy", "signs": the names in STAND_IN_SHA256) whose pictures a lesson's outputs can
    depend on: those that its code names anywhere, in any case (load_happy_dataset, a file signs.h5, a variable
    happy). Naming one more than the lesson loads costs only an execution more; a lesson loads a stand-in with
    load_happy_dataset() or load_signs_dataset(), which name it (tests/test_translations.py checks every lesson's
    code for other ways in)."""
    from helpers._standins import STAND_IN_SHA256

    code = "\n".join("".join(cell["source"]) for cell in nb["cells"] if cell["cell_type"] == "code").lower()
    return sorted({name for name, _ in STAND_IN_SHA256 if name in code})


def execution_key(nb, english, lang):
    """What the outputs of a translated notebook depend on: its code, the helpers' messages in ``lang`` (its
    printed checks and figure descriptions), the offline stand-ins it uses (``stand_ins_used``: the checksums of
    their training and test sets; a lesson on SIGNS is not executed again for new Happy House pictures), and the
    English notebook's outputs that nbval compares (text only: they are the same on every run; images and training
    logs are not)."""
    from helpers._standins import STAND_IN_SHA256

    digest = hashlib.sha256()
    used = stand_ins_used(nb)  # new pictures, new figures and numbers
    digest.update(repr(sorted(item for item in STAND_IN_SHA256.items() if item[0][0] in used)).encode() + b"\0")
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            digest.update("".join(cell["source"]).encode() + b"\0")
    # not the header (empty id), whose Generated-By line Babel rewrites with its own version
    translated = [m for m in i18n._catalog(lang) or [] if m.id and m.string and not m.fuzzy]
    for message in sorted((str(m.id), str(m.string)) for m in translated):
        digest.update("\0".join(message).encode() + b"\0")
    for cell in json.loads(Path(english).read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "code" and IGNORED not in cell["metadata"].get("tags", []):
            for output in cell["outputs"]:
                text = output.get("text") or output.get("data", {}).get("text/plain") or output.get("evalue") or ""
                digest.update("".join(text).encode() + b"\0")
    return digest.hexdigest()[:16]


def edition_notebook(path, language, folder=None):
    """A lesson of the ``language`` edition as it is committed: the translated notebook, with the outputs of its
    last execution (``python -m course translations execute``) when nothing it depends on has changed since."""
    nb = translated_notebook(path, language)
    executed = Path(folder or language.edition / "notebooks") / Path(path).name
    if executed.is_file():
        before = json.loads(executed.read_text(encoding="utf-8"))
        info = before["metadata"].get("course", {})
        if info.get("executed") and info.get("execution_key") == nb["metadata"]["course"]["execution_key"]:
            runs = {cell["id"]: cell for cell in before["cells"] if cell["cell_type"] == "code"}
            for cell in nb["cells"]:
                if cell["cell_type"] == "code" and cell["id"] in runs:
                    cell["outputs"] = runs[cell["id"]]["outputs"]
                    cell["execution_count"] = runs[cell["id"]]["execution_count"]
            nb["metadata"]["course"]["executed"] = True
    return nb


def translate_output(output, lang):
    """One English output of a code cell, with the helpers' messages in ``lang`` (images unchanged)."""
    output = copy.deepcopy(output)
    kind = output.get("output_type")
    if kind == "stream":
        output["text"] = _lines(translate_text("".join(output["text"]), lang))
    elif kind in ("execute_result", "display_data") and "text/plain" in output.get("data", {}):
        output["data"]["text/plain"] = _lines(translate_text("".join(output["data"]["text/plain"]), lang))
    elif kind == "error":
        output["evalue"] = translate_text(output["evalue"], lang)
        output["traceback"] = [translate_text(line, lang) for line in output["traceback"]]
    return output


def _lines(text):
    return text.splitlines(keepends=True)


def build(language, out=None, report=print):
    """Write ``language``'s reference edition, <lang>/notebooks/ (or ``out``/notebooks/): the notebooks
    (``edition_notebook``), the images and <lang>/.course-language. Returns the notebooks' folder."""
    out = Path(out or language.edition)
    source = language.root / "notebooks"
    target = out / "notebooks"
    target.mkdir(parents=True, exist_ok=True)
    (out / i18n.MARKER).write_text(language.code + "\n", encoding="utf-8")
    stale = []
    for path in lessons(source):
        nb = edition_notebook(path, language, target)
        if not nb["metadata"]["course"]["executed"]:
            stale.append(path.stem)
        text = _json(nb)
        destination = target / path.name
        if not destination.is_file() or destination.read_text(encoding="utf-8") != text:
            destination.write_text(text, encoding="utf-8")
    shutil.copytree(source / "images", target / "images", dirs_exist_ok=True)
    left = untranslated(language, lessons_only=True)
    report(f"{_shown(target, language.root)}: {len(lessons(source))} notebooks"
           + (f"; {len(left)} texts not translated yet, shown in English (python -m course translations status)"
              if left else "")
           + (f"; {len(stale)} with the English outputs until they are executed ({', '.join(stale)}: python -m "
              f"course translations execute)" if stale else ""))
    return target


def execute(language, report=print):
    """Build ``language``'s edition, then execute each of its notebooks whose outputs are not current, in its folder
    (so that the helpers speak the language), and record that they are."""
    from course.execute import execute as run

    target = build(language, report=report)
    for path in lessons(target):
        nb = json.loads(path.read_text(encoding="utf-8"))
        if nb["metadata"]["course"]["executed"]:
            continue
        run(path)
        nb = json.loads(path.read_text(encoding="utf-8"))
        nb["metadata"]["course"]["executed"] = True
        path.write_text(_json(nb), encoding="utf-8")


def _json(nb):
    """A notebook as nbformat writes it."""
    return json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# --- the helpers' messages inside a whole output -----------------------------------------------------------------
_FIELD = re.compile(r"\{(\w*)(?:![rsa])?(?::([^{}]*))?\}")
# A number as Python formats one (3, 1,234, -0.95, 4e-01, 12.5%, inf), after the spaces of a width such as {:>8,}.
_NUMBER = r"\s*[-+]?(?:(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?%?|inf|nan)"


# Fields that print a whole number in every message of the helpers that has them (len() of something, an array's
# size, a layer's index), chosen to match only a number. Others that do too ({stage}, {correct}) are not listed;
# {labels} could not be: in two messages it is a list of names.
WHOLE_NUMBERS = ("count", "epochs", "index")


def _numeric(name, spec):
    """Whether the field {name:spec} prints a number: its format spec is a decimal number's ({x:.2f}, {n:,}), or it
    is named in WHOLE_NUMBERS or {n_...}. Other fields match any text of their line."""
    return bool(spec) and spec[-1] in ",deEfFgGn%" or name in WHOLE_NUMBERS or name.startswith("n_")


def _pattern(msgid):
    """A regex for the printed form of ``msgid``: each {field} matches the text of one line (as little as
    possible; a field that ends the message, the rest of its line), a number's field only a number (so that
    "{title}, {count} images" cannot take "[0.00, 1.00]   variation across images" for a title and a count). None
    when the message is mostly fields or one word."""
    parts, names, last = [], [], 0
    fields = list(_FIELD.finditer(msgid))
    for m in fields:
        parts.append(re.escape(msgid[last:m.start()].replace("{{", "{").replace("}}", "}")))
        if _numeric(m.group(1), m.group(2)):
            parts.append(f"({_NUMBER})")
        else:
            parts.append("(.+)" if m.end() == len(msgid) else "(.+?)")
        names.append(m.group(1))
        last = m.end()
    literal = msgid[last:]
    parts.append(re.escape(literal.replace("{{", "{").replace("}}", "}")))
    if literal:  # not in the middle of a word or number: "at least {x:.2f}." must take all of "0.95." as x and "."
        parts.append(r"(?!\w)")
    if len(_FIELD.sub("", msgid).strip()) < 8 or not (fields or " " in msgid.strip()):
        return None, names  # mostly fields, or one word (a figure's label): not recognisable in a printed output
    if msgid[:1].isalnum():  # nor inside a longer word
        parts.insert(0, r"(?<!\w)")
    return re.compile("".join(parts)), names


@functools.lru_cache(maxsize=None)
def _rules(lang):
    """(regex, msgid's field names, msgstr) for every translated message, the most specific first: the most
    literal text ("has 0 blocks (none)" before "has {count} blocks ({blocks})"), then the longest msgid."""
    rules = []
    for message in i18n._catalog(lang) or []:
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


def translate_text(text, lang):
    """``text`` (an English cell output) with every helpers message in it replaced by its translation."""
    for regex, names, msgstr in _rules(lang):
        def one(m, names=names, msgstr=msgstr):
            return _fill(msgstr, names, [translate_text(v, lang) for v in m.groups()])
        text = regex.sub(one, text)
    return text


# --- the command line ----------------------------------------------------------------------------------------------
def main(args):
    chosen = [Language(code) for code in ([args.lang] if args.lang else languages())]
    if args.command == "update":
        for language in chosen:
            update(language)
    elif args.command == "status":
        left = [line for language in chosen for line in untranslated(language) + stale(language)]
        print("\n".join(left) if left else "Every entry of every catalog is translated and current.")
        return 1 if left else 0
    elif args.command == "fill":
        texts = json.loads(Path(args.json).read_text(encoding="utf-8"))
        parts = Path(args.catalog).resolve().parts
        lang = parts[parts.index("locale") + 1]  # locale/<lang>/... or helpers/locale/<lang>/LC_MESSAGES/...
        print(f"{args.catalog}: {fill(Path(args.catalog), texts, lang)} entries set")
    elif args.command == "execute":
        for language in chosen:
            execute(language)
    else:
        for language in chosen:
            build(language)
    return 0


def add_arguments(parser):
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("update", "bring the catalogs in step with the English sources"),
                       ("status", "list what is not translated yet or out of date; exit 1 if any"),
                       ("build", "write the translated reference notebooks, <lang>/notebooks/"),
                       ("execute", "build, then execute the translated notebooks whose outputs are not current")):
        commands.add_parser(name, help=text).add_argument("--lang", help="one language (default: all of locale/)")
    filling = commands.add_parser("fill", help="set translations from a JSON object {msgctxt or msgid: text}")
    filling.add_argument("catalog")
    filling.add_argument("json")
    filling.set_defaults(lang=None)
