"""Compiling the translators' ``.po`` files into the ``.mo`` files Pyramid reads.

The ``.mo`` files are not committed: they are built from the ``.po`` files, so they can never
disagree with them. setup.py runs this file on its own (``runpy``, before anything is
installed, with only Babel at hand: no import of the package) whenever the package is built,
so ``pip install`` of the repository or of a wheel, editable or not, has them; ``make
messages`` runs it too. It imports nothing of the app, for that reason.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "scratchpad"
#: scratchpad/locale, beside this file's package.
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def compile_catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write ``<lang>/LC_MESSAGES/scratchpad.mo`` beside each ``.po`` under ``locale_dir``
    whose ``.mo`` is missing or older; the ``.mo`` files written. Fuzzy entries are left out
    (Babel's default): a guess is not a translation."""
    written = []
    for po_path in sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name, domain=DOMAIN)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_catalogs():
        print(f"compiled {path}")
