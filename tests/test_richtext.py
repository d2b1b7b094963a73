"""The rich-text allowlist: structure survives, everything else goes."""

import re
from html import escape, unescape
from html.parser import HTMLParser

import pytest
from django import forms
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from remiss import workflow
from remiss.forms import RichTextField
from remiss.models import Opinion
from remiss.richtext import ALLOWED_TAGS, LOST_TEXT_LIMIT, plain_to_html, sanitize, to_plain, to_typed
from tests.factories import UserFactory
from tests.test_security import FormReader, admin_save

TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9:-]*)([^>]*)>")


def assert_only_allowed_markup(html: str) -> None:
    """Every tag in `html` is on the allowlist and carries no attribute."""
    for closing, name, rest in TAG.findall(html):
        assert name in ALLOWED_TAGS, f"<{closing}{name}> in {html!r}"
        assert rest.strip() in ("", "/"), f"attributes {rest!r} in {html!r}"


def test_allowlist_is_exactly_the_structure_we_print():
    assert {"p", "h3", "h4", "ul", "ol", "li", "strong", "em", "br"} == ALLOWED_TAGS


@pytest.mark.parametrize(
    "html",
    [
        "<p>Ett stycke.</p>",
        "<h3>Rubrik</h3><h4>Underrubrik</h4>",
        "<ul><li>Stöd till föräldrar</li><li>Förskola</li></ul>",
        "<ol><li>Första</li><li>Andra</li></ol>",
        "<p>Rad ett<br>rad två med <strong>fet</strong> och <em>kursiv</em> text.</p>",
        "<ul><li><strong>Fet</strong> punkt</li></ul>",
    ],
)
def test_allowed_structure_is_kept_as_is(html):
    assert sanitize(html) == html


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<b>fet</b>", "<strong>fet</strong>"),
        ("<B>FET</B>", "<strong>FET</strong>"),
        ("<i>kursiv</i>", "<em>kursiv</em>"),
        ('<b class="x">fet</b> <I style="a">kursiv</I>', "<strong>fet</strong> <em>kursiv</em>"),
        ("<h1>Titel</h1>", "<h3>Titel</h3>"),
        ("<h2>Avsnitt</h2>", "<h3>Avsnitt</h3>"),
        ('<h1 style="font-size:20pt">T</h1><h2>U</h2>', "<h3>T</h3><h3>U</h3>"),
        ("<h5>V</h5><h6>W</h6>", "<h4>V</h4><h4>W</h4>"),
    ],
)
def test_other_names_for_the_same_structure_are_renamed(dirty, clean):
    assert sanitize(dirty) == clean


def test_renaming_does_not_touch_tags_that_only_start_with_the_same_letter():
    # <blockquote>, <body>, <img>, <iframe> must not become <strong> or <em>.
    result = sanitize("<blockquote>citat</blockquote><big>stor</big><ins>ny</ins>")
    assert result == "citatstorny"
    assert "strong" not in result and "em" not in result


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ('<p style="color:red">text</p>', "<p>text</p>"),
        ('<p class="MsoNormal">text</p>', "<p>text</p>"),
        ('<p onclick="alert(1)">text</p>', "<p>text</p>"),
        ('<p><a href="https://example.org">länk</a></p>', "<p>länk</p>"),
        ('<ul type="square"><li value="3" id="x">a</li></ul>', "<ul><li>a</li></ul>"),
        ('<strong style="x" data-id="y">fet</strong>', "<strong>fet</strong>"),
        ('<P ID="a">Stora</P><UL><LI>a</LI></UL>', "<p>Stora</p><ul><li>a</li></ul>"),
    ],
)
def test_attributes_are_dropped(dirty, clean):
    assert sanitize(dirty) == clean


@pytest.mark.parametrize("attribute", ['title="y"', 'lang="en"'])
def test_generic_attributes_are_dropped_too(attribute):
    assert sanitize(f"<p {attribute}>text</p>") == "<p>text</p>"


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>före</p><script>alert('x')</script><p>efter</p>", "<p>före</p><p>efter</p>"),
        ("<style>p { color: red }</style><p>kvar</p>", "<p>kvar</p>"),
        ("<p>text<script type='text/javascript'>document.cookie</script></p>", "<p>text</p>"),
        ("<p>a</p><!-- [if gte mso 9]>Word<![endif] --><p>b</p>", "<p>a</p><p>b</p>"),
    ],
)
def test_script_and_style_are_dropped_with_their_content(dirty, clean):
    assert sanitize(dirty) == clean


def test_plain_text_becomes_paragraphs():
    text = "  Första stycket.\n\nAndra  stycket\nfortsätter här.\n\n\n   \nTredje & sista.  "
    # A plain value stored before forms stored HTML renders as it always has.
    assert sanitize(text) == "<p>Första stycket.</p><p>Andra stycket fortsätter här.</p><p>Tredje &amp; sista.</p>"
    # Typed text keeps its line breaks.
    assert (
        plain_to_html(text)
        == "<p>Första stycket.</p><p>Andra  stycket<br>fortsätter här.</p><p>Tredje &amp; sista.</p>"
    )


@pytest.mark.parametrize("empty", ["", None, "   "])
def test_nothing_stays_nothing(empty):
    assert sanitize(empty) == ""


# Typed without the editor (no JavaScript), a text arrives as plain text: `sanitize` alone must
# turn it into paragraphs and keep every "<" that is not markup as a character.
@pytest.mark.parametrize(
    ("plain", "clean"),
    [
        ("Rad ett\nrad två\n\nStycke två", "<p>Rad ett rad två</p><p>Stycke två</p>"),
        ("Stycke ett\r\n\r\nStycke två", "<p>Stycke ett</p><p>Stycke två</p>"),
        ("a < b", "<p>a &lt; b</p>"),
        ("<", "<p>&lt;</p>"),
        ("barn <15 år", "<p>barn &lt;15 år</p>"),
        ("a <= b och c > d", "<p>a &lt;= b och c &gt; d</p>"),
        ("Första: a < b & c.\n\nAndra: x < y", "<p>Första: a &lt; b &amp; c.</p><p>Andra: x &lt; y</p>"),
        ("a <\n\n< b", "<p>a &lt;</p><p>&lt; b</p>"),
        ("pil <- här", "<p>pil &lt;- här</p>"),
    ],
)
def test_plain_text_with_a_bare_less_than_becomes_paragraphs(plain, clean):
    assert sanitize(plain) == clean


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("a </ b", "a"),  # "</" and a space opens a comment in HTML: markup, dropped
        ("före <!-- dold --> efter", "före  efter"),
        ("x <?php echo 1 ?> y", "x  y"),
        ("<p>a < b</p>", "<p>a &lt; b</p>"),
    ],
)
def test_what_a_parser_reads_as_markup_is_still_cleaned_as_markup(text, clean):
    assert sanitize(text) == clean


@pytest.mark.parametrize(
    ("word", "clean"),
    [
        ("<p>Ett</p><p>&nbsp;</p><p>Två</p>", "<p>Ett</p><p>Två</p>"),
        ('<p class="MsoNormal"><o:p>&nbsp;</o:p></p><p>Text</p>', "<p>Text</p>"),
        ("<p>Ett</p><p> </p><p><br></p><p>&nbsp;<br>&nbsp;</p><p>Två</p>", "<p>Ett</p><p>Två</p>"),
        ("<p>Ett&nbsp;ord</p>", "<p>Ett&nbsp;ord</p>"),  # a non-breaking space inside text stays
    ],
)
def test_words_empty_paragraphs_are_removed(word, clean):
    assert sanitize(word) == clean


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<IMG SRC=JaVaScRiPt:alert('XSS')>",
        '<a href="javascript:alert(1)">klicka</a>',
        "<svg onload=alert(1)><p>x</p></svg>",
        '<iframe src="javascript:alert(1)"></iframe>',
        "<body onload=alert(1)>",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
        '"><script>alert(document.cookie)</script>',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<object data="javascript:alert(1)"></object><embed src=x>',
        '<form action="javascript:alert(1)"><input type=submit></form>',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        "<b onmouseover=alert(1)>fet</b>",
        "<h1 onclick=alert(1)>x</h1>",
    ],
)
def test_classic_xss_payloads_come_out_inert(payload):
    result = sanitize(payload)
    assert_only_allowed_markup(result)
    lowered = result.lower()
    for danger in (
        "<script",
        "<img",
        "<svg",
        "<iframe",
        "<a ",
        "<object",
        "<embed",
        "<style",
        "onerror",
        "onload",
        "onclick",
        "onmouseover",
        "javascript:",
    ):
        if danger.startswith("<"):
            assert danger not in lowered, result
        else:
            # Text may still mention the word, but never inside a tag.
            assert not re.search(rf"<[^>]*{danger}", lowered), result


def test_escaped_markup_stays_escaped():
    assert (
        sanitize("<p>a &lt;script&gt;alert(1)&lt;/script&gt; b</p>")
        == "<p>a &lt;script&gt;alert(1)&lt;/script&gt; b</p>"
    )


def test_a_lone_less_than_sign_is_escaped():
    assert sanitize("a <3 b") == "<p>a &lt;3 b</p>"


def test_plain_text_with_a_less_than_sign_becomes_paragraphs():
    assert sanitize("Barn < 15 år.\n\nNästa stycke.") == "<p>Barn &lt; 15 år.</p><p>Nästa stycke.</p>"
    # Once something tag-like is present, it is HTML, and a stray "<" is escaped in place.
    assert sanitize("x < y och <b>z</b>") == "x &lt; y och <strong>z</strong>"


def test_sanitize_is_idempotent():
    dirty = '<h1>T</h1><p class="x">a <b>b</b></p><p>&nbsp;</p><ul><li onclick="y">c</li></ul><script>z</script>'
    once = sanitize(dirty)
    assert once == "<h3>T</h3><p>a <strong>b</strong></p><ul><li>c</li></ul>"
    assert sanitize(once) == once


def test_to_plain_gives_the_words_with_a_line_per_block():
    html = "<h3>Rubrik</h3><p>Ett &amp; två  <strong>tre</strong></p><ul><li>a</li><li>b</li></ul><h4>Slut</h4>"
    assert to_plain(html) == "Rubrik\nEtt & två tre\na\nb\nSlut"


def test_to_plain_drops_tags_and_unescapes():
    assert to_plain("<p>&lt;inte en tagg&gt; och&nbsp;mer</p>") == "<inte en tagg> och\xa0mer"
    assert to_plain("") == ""
    assert to_plain(None) == ""


def test_to_plain_keeps_words_apart_at_a_line_break():
    assert to_plain("<p>rad ett<br>rad två</p>") == "rad ett\nrad två"
    assert to_plain("<p>a<br/>b</p>") == "a\nb"


# --- Typed plain text and the editor's HTML (the form field) --------------------------------------
#
# Without JavaScript the textarea posts plain text: it is stored as that text, never read as
# markup. Only the editor's HTML (marked `<name>_format=html` by editor.js) meets the allowlist,
# and a save that would lose visible words is refused.


class TextForm(forms.Form):
    text = RichTextField(required=False)


def stored(typed: str, **extra: str) -> str:
    """What the workflow stores for `typed` posted in a rich-text field (it sanitises again)."""
    form = TextForm(data={"text": typed, **extra})
    assert form.is_valid(), form.errors
    return sanitize(form.cleaned_data["text"])


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        (
            "Andelen barn var<hälften av alla. Viktig slutsats här.\n\nAndra stycket.",
            "Andelen barn var<hälften av alla. Viktig slutsats här.\nAndra stycket.",
        ),
        ("Rapporten nämner <title> och mycket mer.", "Rapporten nämner <title> och mycket mer."),
        ("a<b och b>c", "a<b och b>c"),
        ("Se <script>alert(1)</script> här", "Se <script>alert(1)</script> här"),
        ("Rad ett\nrad två", "Rad ett\nrad två"),
    ],
)
def test_typed_text_is_stored_as_that_text(typed, words):
    html = stored(typed)
    assert to_plain(html) == words
    assert "<strong>" not in html and "<script" not in html
    assert_only_allowed_markup(html)


def test_typed_text_is_stored_escaped_with_its_paragraphs_and_line_breaks():
    assert stored("a<b och b>c\nny rad\n\nNytt stycke") == "<p>a&lt;b och b&gt;c<br>ny rad</p><p>Nytt stycke</p>"


def test_a_pasted_bulleted_list_becomes_a_list():
    typed = "Förslagen:\n•\tVåld i nära relationer\n•\tGängkriminalitet\n\n◦ ett\n- två\n– tre\n\n-5 grader"
    assert stored(typed) == (
        "<p>Förslagen:</p><ul><li>Våld i nära relationer</li><li>Gängkriminalitet</li></ul>"
        "<ul><li>ett</li><li>två</li><li>tre</li></ul><p>-5 grader</p>"
    )


def test_lines_numbered_from_one_become_a_numbered_list_and_other_numbers_stay_text():
    assert stored("1. Först\n2. Sedan\n4. Sist") == "<ol><li>Först</li><li>Sedan</li></ol><p>4. Sist</p>"
    assert stored("3. Tredje\n4. Fjärde") == "<p>3. Tredje<br>4. Fjärde</p>"


EDITOR = {"text_format": "html"}


def test_editor_html_goes_through_the_allowlist():
    assert stored("<p><b>Fet</b> och &lt;title&gt;</p><p><span style='x'>ord</span></p>", **EDITOR) == (
        "<p><strong>Fet</strong> och &lt;title&gt;</p><p>ord</p>"
    )


def test_editor_html_without_tags_is_still_html():
    assert stored("a &lt; b", **EDITOR) == "<p>a &lt; b</p>"


@pytest.mark.parametrize(
    ("html", "lost"),
    [
        ("<p>Före</p><textarea>skrivet här</textarea><p>efter</p>", "skrivet här"),
        ("<p>Text <object>reservtext</object> slut</p>", "reservtext"),
        ("<p>Ett</p><select><option>val ett</option></select>", "val ett"),
    ],
)
def test_editor_html_that_would_lose_words_is_refused_and_kept_in_the_form(html, lost):
    form = TextForm(data={"text": html, **EDITOR})
    assert not form.is_valid()
    message = form.errors["text"][0]
    assert message.startswith("Texten är inte sparad, eftersom en del av den skulle försvinna")
    assert f"”{lost}”" in message
    rendered = str(form["text"])
    assert escape(html) in rendered  # the posted HTML, for the editor to load again
    assert lost in rendered


def test_editor_html_may_lose_what_a_browser_never_shows():
    # A paste from Word brings its <style>; a <script> or <title> shows nothing on the page.
    html = "<style>p{margin:0}</style><title>Dokument1</title><p>Text</p><script>x()</script>"
    assert stored(html, **EDITOR) == "<p>Text</p>"


def test_a_long_loss_is_shortened():
    form = TextForm(data={"text": "<p>a</p><textarea>" + "ord " * 500 + "</textarea>", **EDITOR})
    assert not form.is_valid()
    assert len(form.errors["text"][0]) < LOST_TEXT_LIMIT + 200 and "…" in form.errors["text"][0]


def test_nul_is_refused_not_dropped():
    form = TextForm(data={"text": "a\x00b"})
    assert not form.is_valid()


# Stored HTML shows as plain text in the textarea (for a person without JavaScript), with the HTML
# beside it for the editor; posted back unchanged it keeps its formatting.
SAVED = (
    "<h3>Rubrik</h3><p><strong>Fet</strong> a &lt; b<br>ny rad</p>"
    "<ul><li>ett</li></ul><ol><li>först</li><li>sedan</li></ol>"
)


def test_stored_html_shows_as_its_plain_text_with_the_html_beside_it():
    rendered = str(TextForm(initial={"text": SAVED})["text"])
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", rendered, re.S).group(1)
    assert unescape(textarea).strip() == "Rubrik\n\nFet a < b\nny rad\n\n• ett\n\n1. först\n2. sedan"
    assert f'name="text_html" value="{escape(SAVED)}"' in rendered


def test_stored_html_posted_back_unchanged_keeps_its_formatting():
    typed = to_typed(SAVED).replace("\n", "\r\n")
    assert stored(typed, text_html=SAVED) == SAVED


def test_stored_html_changed_without_the_editor_is_stored_as_the_new_text():
    typed = to_typed(SAVED) + "\nEn rad till"
    html = stored(typed, text_html=SAVED)
    assert "<strong>" not in html
    assert to_plain(html).endswith("sedan\nEn rad till")


def test_stored_html_survives_a_round_trip_through_its_plain_text():
    html = "<p>Ett</p><ul><li>a</li><li>b</li></ul><ol><li>x</li></ol><p>Två<br>rader</p>"
    assert plain_to_html(to_typed(html)) == html


# --- Property: for any plain text, the stored text shows the characters that were typed -----------


class Shown(HTMLParser):
    """Stored HTML as a reader sees it: a line per paragraph, line break and list item, with the
    list's own marker ("•", or the item's number)."""

    def __init__(self, markers: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.markers = markers
        self.out: list[str] = []
        self.lists: list[list] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        elif tag == "li":
            self.lists[-1][1] += 1
            kind, n = self.lists[-1]
            self.out.append("\n" + (("•" if kind == "ul" else f"{n}.") + " " if self.markers else ""))
        elif tag in ("p", "br", "h3", "h4"):
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("ul", "ol"):
            self.lists.pop()
        elif tag in ("p", "li", "h3", "h4"):
            self.out.append("\n")

    def handle_data(self, data):
        self.out.append(data)


def shown_lines(html: str, markers: bool = True) -> list[str]:
    parser = Shown(markers)
    parser.feed(html)
    parser.close()
    return [" ".join(line.split()) for line in "".join(parser.out).split("\n") if line.strip()]


# The rule for bullets: a line starting with one of them and whitespace is a list item, shown
# with the list's marker.
TYPED_BULLET = re.compile(r"^\s*[•◦\-–]\s+(?=\S)")


def typed_lines(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [" ".join(TYPED_BULLET.sub("• ", line).split()) for line in lines if line.strip()]


def visible(lines: list[str]) -> str:
    return "".join("".join(lines).split())


SNIPPETS = st.sampled_from(
    [
        "<",
        ">",
        "&",
        "&amp;",
        "&lt;",
        '"',
        "'",
        "\n",
        "\r\n",
        "\n\n",
        " ",
        "\t",
        "•",
        "◦",
        "-",
        "–",
        "1.",
        "2.",
        "\n• ",
        "\n- ",
        "\n1. ",
        "\n2. ",
        "<title>",
        "</title>",
        "<b>",
        "<p>",
        "<script>",
        "<!--",
        "-->",
        "<?",
        "</",
        "&nbsp;",
        "\u00a0",
        "\u2028",
        "\x0c",
        "\x1c",
        "ä",
        "å",
        "…",
        "”",
    ]
)
# NUL is refused by the form (Django's CharField), so it is never stored; surrogates cannot be posted.
ANY_CHARACTER = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))
TYPED = st.lists(st.one_of(SNIPPETS, st.text(ANY_CHARACTER, max_size=8)), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(TYPED)
def test_any_plain_text_is_stored_with_the_characters_typed(typed):
    html = sanitize(stored(typed))  # stored, then shown (the pages sanitise again)
    assert_only_allowed_markup(html)
    assert shown_lines(html) == typed_lines(typed)
    # to_plain (search, diffs, the API) has every word; list markers are the list's, not words.
    assert visible([to_plain(html)]) == visible(shown_lines(html, markers=False))


# --- The admin: the same field, the same rule ------------------------------------------------------


def test_the_admin_stores_typed_text_as_that_text_and_keeps_untouched_formatting(client, referred, officer):
    referral = referred[1]
    workflow.save_opinion(
        referral, text="<p>Gammal</p>", proposed_decision="<p><strong>Fet</strong> förslag</p>", by=officer
    )
    client.force_login(UserFactory(username="admin", is_superuser=True, is_staff=True))
    page = client.get(reverse("admin:remiss_opinion_change", args=[referral.opinion.pk])).content.decode()
    assert "remiss/editor.js" in page
    admin_save(client, "opinion", referral.opinion.pk, text="a<b och b>c\n• ett\n• två")
    opinion = Opinion.objects.get(referral=referral)
    assert opinion.text == "<p>a&lt;b och b&gt;c</p><ul><li>ett</li><li>två</li></ul>"
    assert opinion.proposed_decision == "<p><strong>Fet</strong> förslag</p>"  # posted back unchanged


def test_the_admin_refuses_editor_html_that_would_lose_words(client, referred, officer):
    referral = referred[1]
    workflow.save_opinion(referral, text="<p>Gammal</p>", by=officer)
    client.force_login(UserFactory(username="admin", is_superuser=True, is_staff=True))
    url = reverse("admin:remiss_opinion_change", args=[referral.opinion.pk])
    reader = FormReader()
    reader.feed(client.get(url).content.decode())
    data = {name: values[0] for name, values in reader.data.items() if len(values) == 1}
    data |= {"text": "<p>Ny</p><select><option>Mitt val</option></select>", "text_format": "html", "_save": "Spara"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "skulle försvinna när formateringen rensas: ”Mitt val”" in unescape(response.content.decode())
    assert Opinion.objects.get(referral=referral).text == "<p>Gammal</p>"
