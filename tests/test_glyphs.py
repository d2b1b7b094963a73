"""The memo prints what Swedish public-sector texts contain, with a text layer that reads back.

The fonts are Debian packages that `make system-deps` installs (DEB_RUN); a character no font covers
prints as remiss.glyphs.STAND_IN instead of WeasyPrint's `.notdef`, which would also give a whole
font of the PDF an encoding that pdftotext and pypdf cannot read.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pypdf
import pytest
from django.conf import settings
from django.urls import reverse

from remiss import glyphs
from remiss.memo.store import build_memo
from remiss.models import Case, Opinion
from remiss.richtext import display
from tests.factories import CaseFactory

INSTALL = f"Run `{glyphs.MAKE_TARGET}` (the Makefile's DEB_RUN) or `make test` (DEB_TEST) to install it."

# What the texts people write and paste really contain, category by category.
CORPUS = {
    "svenska": "Åsa Öberg äter räksmörgås på Älvsjö ängar",
    "samiska": "Sámi čđŋšŧž ČĐŊŠŦŽ Ođđajagemánnu giellaválljen",
    "finska och meänkieli": "Meänkieli äiti pöytä Hyvää päivää šakki",
    "romani chib": "Romani čhavo šukar džal ćhib Rromano",
    "jiddisch": "ייִדיש װאָס אַ פּאָעט שלום",
    "citat och streck": "„Citat” ”svenska” ‘enkla’ «franska» – tankstreck — långt … slut",
    "tecken": "€ 120 § 5 № 7 ° ± × ÷ ‰ † © ®",
    "pilar": "← ↑ → ↓ ↔ ⇒ ⇐ ⇔ ➔ ➜",
    "bockar": "✓ ✔ ✗ ✘ ☐ ☑ ☒",
    "bråk": "½ ⅓ ⅔ ¼ ¾ ⅛ ⅞",
    "helbredd": "＜ｓｃｒｉｐｔ＞ （１２３） ！？ ＡＢＣ",
    "emoji": "👍 😀 🙂 ❤ ✅ ❌ ⚠ 🎉 📎",
}
# A private-use character and an unassigned one: no font has them, so each prints as the stand-in.
UNCOVERED = "\ue000\U0003fffe"
# Word's manual line break (U+000B), a form feed, U+2028 and NEL survive the sanitiser in pasted HTML;
# WeasyPrint would draw each as `.notdef`, so they print as spaces.
SEPARATED = "Radbrytning\x0bfrån Word\x0csida\u2028rad\x85slut"
# Word's Symbol-font bullets, as a paste from Word gives them: a list in the memo, not two
# private-use characters.
WORD_LIST = "<p>\uf0b7 Stöd till föräldrar</p><p>\uf0b7\tFörskola</p>"

_NO_TEXT = re.compile(r"[\s\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _normal(text: str, *, marks: bool = True) -> str:
    """Text without whitespace and bidi controls; without combining marks if `marks` is False.

    pdftotext gives Hebrew points (the patah of אַ, the dagesh of פּ) as characters of their own,
    sometimes after the letter they sit on; the base letters must still come back in order."""
    text = _NO_TEXT.sub("", unicodedata.normalize("NFC", text))
    return text if marks else "".join(c for c in text if unicodedata.category(c) != "Mn")


def _texts() -> tuple[str, str]:
    """The case's title (running header and h1: the sans stack) and its background (serif, with a
    user subheading in sans): each sample in a paragraph, a subheading, bold and italic."""
    parts = [f"<h3>{text}</h3><p>{text}</p><p><strong>{text}</strong> <em>{text}</em></p>" for text in CORPUS.values()]
    parts.append(f"<p>Okänt: {UNCOVERED}.</p><p>{SEPARATED}</p>")
    # The title (at most 300 characters, as the model allows) takes the samples that fit; the
    # background's subheadings set every sample in the same sans stack anyway.
    title = "Remiss"
    for text in CORPUS.values():
        if len(title) + 1 + len(text) <= Case._meta.get_field("title").max_length:
            title = f"{title} {text}"
    return title, "".join(parts) + WORD_LIST


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is not installed (Debian package poppler-utils). {INSTALL}"
    return path


@pytest.fixture
def glyph_memo(db, caplog):
    assert glyphs.missing_families() == [], f"Memo fonts not installed: {glyphs.missing_families()}. {INSTALL}"
    title, background = _texts()
    case = CaseFactory(title=title, background=background)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        compiled = build_memo(case)
    notdef = [record.getMessage() for record in caplog.records if ".notdef" in record.getMessage()]
    return compiled, notdef


def test_the_corpus_prints_without_notdef_and_reads_back(glyph_memo, tmp_path: Path) -> None:
    compiled, notdef = glyph_memo
    assert notdef == [], notdef
    pdf = tmp_path / "memo.pdf"
    pdf.write_bytes(compiled.pdf)
    poppler = subprocess.run(
        [_tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    reader = pypdf.PdfReader(io.BytesIO(compiled.pdf))
    pypdf_text = "".join(page.extract_text() for page in reader.pages)
    stand_ins = glyphs.STAND_IN * len(UNCOVERED)
    expected = {
        **CORPUS,
        "okänt": f"Okänt: {stand_ins}.",
        "word-lista": "Stöd till föräldrar",
        "avskiljare": "Radbrytning från Word sida rad slut",
    }
    missing = [
        f"{tool}: {name} {sample!r}"
        for tool, text, marks in (("pdftotext", poppler, False), ("pypdf", pypdf_text, True))
        for name, sample in expected.items()
        if _normal(sample, marks=marks) not in _normal(text, marks=marks)
    ]
    assert missing == [], missing
    assert "\uf0b7" not in pypdf_text + poppler and "\ue000" not in pypdf_text + poppler


def test_every_font_in_the_memo_is_identity_h(glyph_memo, tmp_path: Path) -> None:
    compiled, _notdef = glyph_memo
    pdf = tmp_path / "memo.pdf"
    pdf.write_bytes(compiled.pdf)
    listing = subprocess.run([_tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    fonts = listing.splitlines()[2:]
    assert fonts, listing
    assert [line for line in fonts if "Identity-H" not in line] == [], listing
    # Each fallback really served the corpus: none of them is there only on paper.
    for family in ("DejaVu-Serif", "DejaVu-Sans", "Noto-Serif-Hebrew", "Symbola", "Droid-Sans-Fallback"):
        assert f"+{family}" in listing, (family, listing)


def test_word_bullets_become_a_list_in_the_memo(glyph_memo) -> None:
    compiled, _notdef = glyph_memo
    assert "<ul><li>Stöd till föräldrar</li><li>Förskola</li></ul>" in compiled.html


def test_the_stylesheet_uses_exactly_the_stacks_the_coverage_check_knows() -> None:
    """glyphs.covered() is computed from MEMO_STACKS; a stack in memo.css that is not one of them
    would print with fonts the check does not know."""
    css = (Path(settings.BASE_DIR) / "remiss" / "static" / "remiss" / "memo.css").read_text()
    declared = re.findall(r"font(?:-family)?:\s*([^;]*\"[^;]*);", css)
    assert declared
    stacks = set()
    for value in declared:
        families = re.findall(r'"([^"]+)"|\b(Symbola)\b', value)
        stacks.add(tuple(quoted or bare for quoted, bare in families))
    assert stacks == set(glyphs.MEMO_STACKS)


def test_the_stand_in_prints_in_every_stack_and_typed_text_is_reported() -> None:
    assert ord(glyphs.STAND_IN) in glyphs.covered()
    text = "Hej 👍 ＜x＞ \ue000 och \U0003fffe \ue000, ZWJ\u200d och mjukt\u00ad bindestreck."
    assert glyphs.unprintable(text) == ["\ue000", "\U0003fffe"]
    assert glyphs.printable(text) == text.replace("\ue000", "\ufffd").replace("\U0003fffe", "\ufffd")
    assert glyphs.unprintable("<p>Åsa – „citat” № 5 ½</p>") == []
    # Controls and separators need no glyph: they print as spaces and are not reported.
    assert glyphs.printable(f"{SEPARATED}\x01!\t\n") == "Radbrytning från Word sida rad slut !\t\n"
    assert glyphs.unprintable(SEPARATED + "\x01") == []


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("\uf0b7 Stöd\n\n\uf0b7 Förskola\n\nEfter.", "<ul><li>Stöd</li><li>Förskola</li></ul><p>Efter.</p>"),
        ("\uf0b7 Stöd\n\uf0b7 Förskola", "<ul><li>Stöd</li><li>Förskola</li></ul>"),
        ("<p>Före</p><p>\uf0a7 a</p><ul><li>\uf0b7 b</li></ul>", "<p>Före</p><ul><li>a</li></ul><ul><li>b</li></ul>"),
        ("<p>Klart \uf0fc och punkt \uf0b7 här</p>", "<p>Klart ✓ och punkt • här</p>"),
        (
            "<p>\uf0b7 <strong>a \uf0b7 b</strong></p>",
            "<ul><li><strong>a</strong></li><li><strong>b</strong></li></ul>",
        ),
    ],
)
def test_word_bullets_are_shown_as_lists_or_symbols(stored: str, shown: str) -> None:
    assert display(stored) == shown


# --- Saving: the person is told which characters will print as the stand-in -------------------------


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_saving_a_character_no_font_has_warns_in_swedish_and_keeps_the_text(client, officer, referred) -> None:
    _case, referral, _office = referred
    version = Opinion.objects.get(referral=referral).version
    typed = "<p>Tack 👍 för \uf0b7 ＜förslaget＞ \ue000 och \U0003fffe.</p>"
    client.force_login(officer)
    response = client.post(
        reverse("officer_referral", args=[referral.pk]),
        {
            "date": "2030-02-10",
            "text": typed,
            "proposed_decision": "<p>Nämnden godkänner.</p>",
            "version": str(version),
            "action": "save",
            "text_format": "html",
            "proposed_decision_format": "html",
        },
        follow=True,
    )
    assert response.status_code == 200
    shown = _messages(response)
    assert "Tjänsteutlåtandet är sparat." in shown
    (warning,) = [m for m in shown if "typsnitt" in m]
    assert warning == (
        "Texten är sparad som du skrev den, men tecknen \ue000 (U+E000) och \U0003fffe (U+3FFFE) finns inte i "
        "promemorians typsnitt. De skrivs ut som \ufffd i PDF-promemorian."
    )
    assert Opinion.objects.get(referral=referral).text == typed  # nothing typed is changed


def test_saving_printable_text_gives_no_warning(client, registrar, case) -> None:
    client.force_login(registrar)
    response = client.post(
        reverse("case_background", args=[case.pk]),
        {"text": "<p>" + " ".join(CORPUS.values()) + "</p><p>\uf0b7 Förskola</p>", "version": str(case.version)},
        follow=True,
    )
    assert response.status_code == 200
    assert "Ärendet (bakgrunden) är sparat." in _messages(response)  # saved, so a warning would have shown
    assert [m for m in _messages(response) if "typsnitt" in m] == []
