"""The language of the helpers' messages: English, or the edition's: CONVNETS_COURSE_LANG, else the contents of
``.course-language`` in the working folder or one of its two parents (an edition's top folder holds one)."""
import functools
import gettext
import io
import os
from pathlib import Path

DOMAIN = "helpers"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
MARKER = ".course-language"


@functools.lru_cache(maxsize=None)
def languages():
    """"en" and every language that has a catalog of the helpers' messages."""
    return ["en"] + sorted(folder.name for folder in LOCALE_DIR.glob("*") if catalog_path(folder.name).is_file())


def language(cwd=None):
    """The language of this notebook's edition (see the module's docstring); "en" for an unknown one."""
    chosen = os.environ.get("CONVNETS_COURSE_LANG", "").strip()
    if not chosen:
        here = Path(cwd or os.getcwd())
        marker = next((folder / MARKER for folder in [here, *here.parents][:3] if (folder / MARKER).is_file()), None)
        chosen = marker.read_text(encoding="utf-8").strip() if marker else "en"
    return chosen if chosen in languages() else "en"


def catalog_path(lang):
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.lru_cache(maxsize=None)
def _catalog(lang):
    """The Babel catalog of ``lang``'s .po file, read once; None for English, or without the catalog or Babel."""
    if lang == "en" or not catalog_path(lang).is_file():
        return None
    try:
        from babel.messages.pofile import read_po
    except ImportError:
        return None
    with open(catalog_path(lang), "rb") as po:
        return read_po(po, locale=lang.replace("-", "_"), domain=DOMAIN)  # gettext's form: pt-BR -> pt_BR


@functools.lru_cache(maxsize=None)
def translations(lang):
    """A gettext translations object for ``lang``, compiled in memory from the .po catalog."""
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
