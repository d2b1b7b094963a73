"""Which characters the memo's fonts can print, and a visible stand-in for those they cannot.

WeasyPrint draws a character that no font covers as `.notdef` (an empty box). Worse, a single
`.notdef` makes it write the whole font it fell back from with a custom encoding instead of
Identity-H, and then pdftotext and pypdf read every page's text in that font as garbage: one pasted
emoji without a font would break copy-paste and screen readers for the whole memo.

So the memo names its fonts explicitly (MEMO_STACKS, the same lists as the `font-family` stacks in
remiss/static/remiss/memo.css; tests/test_glyphs.py keeps the two in step), and every font is a
Debian package the Makefile installs (DEB_RUN). Before WeasyPrint sees the memo, `printable`
replaces each character that no stack covers with STAND_IN. The stored text keeps what the person
typed; `unprintable` tells them at save time which characters will print as the stand-in.

The font files are found through fontconfig (`fc-list`) once per process, and their character maps
are read with fontTools (a dependency of WeasyPrint).
"""

from __future__ import annotations

import functools
import logging
import re
import subprocess
import unicodedata
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fontTools.ttLib import TTFont

from remiss.richtext import WORD_SYMBOLS

logger = logging.getLogger(__name__)

# The font stacks of memo.css, in fallback order. Body text is DejaVu Serif, headings, the running
# header and the matrix DejaVu Sans. The fallbacks after them, each for what DejaVu lacks:
#   Noto Serif Hebrew (fonts-noto-core): Yiddish in a serif face whose pointed letters pdftotext
#     reads back (DejaVu Sans covers Hebrew too, as the headings' fallback);
#   Symbola (fonts-symbola): emoji, drawn monochrome, and more arrows, check marks and dingbats;
#   Droid Sans Fallback (fonts-droid-fallback): fullwidth forms (＜ ＞ ！ １) and CJK, in 7 MB
#     instead of the 90 MB of fonts-noto-cjk.
SERIF_STACK = ("DejaVu Serif", "Noto Serif Hebrew", "DejaVu Sans", "Symbola", "Droid Sans Fallback")
SANS_STACK = ("DejaVu Sans", "Symbola", "Droid Sans Fallback")
MEMO_STACKS = (SERIF_STACK, SANS_STACK)
MAKE_TARGET = "make system-deps"

# What a character no font covers prints as: U+FFFD REPLACEMENT CHARACTER, Unicode's own sign for
# "a character that could not be shown". Every face of DejaVu Serif and Sans has it, copy-paste and
# screen readers report it as such, and it cannot be mistaken for text the person meant. (A white
# square □ could: it looks like the ballot box ☐ that real texts use for check lists.)
STAND_IN = "\ufffd"

# Characters that need no glyph of their own: format characters (zero-width space and joiner, soft
# hyphen, bidi marks, emoji tags) and variation selectors are shaped away by HarfBuzz.
_VARIATION_SELECTORS = (range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0))
# Control characters and line separators, on the other hand, WeasyPrint draws as `.notdef` even when
# a font maps them. Word's manual line break (U+000B), a form feed or U+2028 separate words, so each
# is shown as a space; the only ones laid out as they are: tab, line feed and carriage return.
_LAID_OUT = frozenset(map(ord, "\t\n\r")) | frozenset(range(0x20, 0x7F))
_DRAWN_AS_NOTDEF = frozenset({"Cc", "Zl", "Zp"})  # controls, U+2028 and U+2029


def _shaped_away(character: str) -> bool:
    code_point = ord(character)
    return unicodedata.category(character) == "Cf" or any(code_point in vs for vs in _VARIATION_SELECTORS)


def _shown_as(character: str) -> str:
    """What an uncovered `character` becomes: a space, itself (no glyph needed) or STAND_IN."""
    if character.isspace() or unicodedata.category(character) == "Cc":
        return " "
    return character if _shaped_away(character) else STAND_IN


def _font_files() -> dict[str, list[str]]:
    """Font family → its installed files, for the families of the memo's stacks.

    Only files whose family is exactly the name: fontconfig also lists "DejaVu Sans, DejaVu Sans
    Condensed" and the like, which the memo never uses."""
    wanted = {family for stack in MEMO_STACKS for family in stack}
    try:
        listing = subprocess.run(
            ["fc-list", "--format", "%{family}\t%{file}\n"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError) as error:
        logger.error("fc-list failed (%s); run `%s`.", error, MAKE_TARGET)
        listing = ""
    files: dict[str, list[str]] = {family: [] for family in sorted(wanted)}
    for line in listing.splitlines():
        family, _tab, path = line.partition("\t")
        if family in wanted and path:
            files[family].append(path)
    return files


def _character_map(path: str) -> frozenset[int]:
    font = TTFont(path, fontNumber=0, lazy=True)
    try:
        return frozenset(font.getBestCmap() or ())
    finally:
        font.close()


@functools.cache
def _family_coverage() -> dict[str, frozenset[int]]:
    """Family → the characters every one of its installed faces (regular, bold, italic…) has."""
    coverage = {}
    for family, paths in _font_files().items():
        maps = [_character_map(path) for path in sorted(paths)]
        coverage[family] = frozenset.intersection(*maps) if maps else frozenset()
    missing = [family for family, covers in coverage.items() if not covers]
    if missing:
        # What these fonts would print becomes the stand-in: loud, so the machine gets its packages.
        logger.error(
            "Memo fonts not installed: %s. Run `%s` (DEB_RUN in the Makefile).", ", ".join(missing), MAKE_TARGET
        )
    return coverage


def missing_families() -> list[str]:
    """The memo's font families that fontconfig does not find: their Debian package is missing."""
    return [family for family, covered in _family_coverage().items() if not covered]


@functools.cache
def covered() -> frozenset[int]:
    """The characters that print in every stack: body text and headings alike."""
    families = _family_coverage()
    stacks = [frozenset().union(*(families[family] for family in stack)) for stack in MEMO_STACKS]
    return frozenset.intersection(*stacks)


def _ranges(code_points: Iterable[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for code_point in sorted(code_points):
        if ranges and ranges[-1][1] == code_point - 1:
            ranges[-1] = (ranges[-1][0], code_point)
        else:
            ranges.append((code_point, code_point))
    return ranges


@functools.cache
def _uncovered_pattern() -> re.Pattern[str]:
    """One character class of every character no stack covers, so the search runs in C."""
    drawn = {code_point for code_point in covered() if unicodedata.category(chr(code_point)) not in _DRAWN_AS_NOTDEF}
    allowed = _LAID_OUT | drawn
    parts = "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in _ranges(allowed))
    return re.compile(f"[^{parts}]")


def unprintable(text: str) -> list[str]:
    """The distinct characters of `text` that no memo font covers, in order of first appearance
    (not counting controls, separators and format characters, which need no glyph)."""
    found = dict.fromkeys(_uncovered_pattern().findall(text or ""))
    return [character for character in found if _shown_as(character) == STAND_IN]


def printable(text: str) -> str:
    """`text` with every character that no memo font covers replaced by STAND_IN (or a space)."""
    return _uncovered_pattern().sub(lambda match: _shown_as(match.group(0)), text)


# How many characters the save message names; a longer paste gets "och N till".
NAMED_AT_MOST = 8


def _strings(value: object) -> Iterable[str]:
    """The strings in `value`: itself, or those in a form's cleaned_data and its lists (points)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _swedish_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " " + _("och") + " " + items[-1]


def unprintable_message(*values: object) -> str | None:
    """What to tell the person who saved `values` (texts, or a form's cleaned_data) when some
    characters in them will print as the stand-in; None when everything prints."""
    # Word's private-use bullets are shown as lists or symbols (remiss.richtext.display), not as it.
    texts = "\n".join(text for value in values for text in _strings(value))
    found = [character for character in unprintable(texts) if character not in WORD_SYMBOLS]
    if not found:
        return None
    named = [f"{character} (U+{ord(character):04X})" for character in found[:NAMED_AT_MOST]]
    if len(found) > NAMED_AT_MOST:
        rest = len(found) - NAMED_AT_MOST
        named.append(ngettext("%(n)d tecken till", "%(n)d tecken till", rest) % {"n": rest})
    return ngettext(
        "Texten är sparad som du skrev den, men tecknet %(chars)s finns inte i promemorians typsnitt. "
        "Det skrivs ut som %(stand_in)s i PDF-promemorian.",
        "Texten är sparad som du skrev den, men tecknen %(chars)s finns inte i promemorians typsnitt. "
        "De skrivs ut som %(stand_in)s i PDF-promemorian.",
        len(found),
    ) % {"chars": _swedish_list(named), "stand_in": STAND_IN}
