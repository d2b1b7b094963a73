"""The rich-text allowlist: structure survives, everything else goes."""
import re

import pytest

from remiss.richtext import ALLOWED_TAGS, plain_to_html, sanitize, to_plain

TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9:-]*)([^>]*)>")


def assert_only_allowed_markup(html: str) -> None:
    """Every tag in `html` is on the allowlist and carries no attribute."""
    for closing, name, rest in TAG.findall(html):
        assert name in ALLOWED_TAGS, f"<{closing}{name}> in {html!r}"
        assert rest.strip() in ("", "/"), f"attributes {rest!r} in {html!r}"


def test_allowlist_is_exactly_the_structure_we_print():
    assert ALLOWED_TAGS == {"p", "h3", "h4", "ul", "ol", "li", "strong", "em", "br"}


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
    expected = "<p>Första stycket.</p><p>Andra stycket fortsätter här.</p><p>Tredje &amp; sista.</p>"
    assert sanitize(text) == expected
    assert plain_to_html(text) == expected


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
    for danger in ("<script", "<img", "<svg", "<iframe", "<a ", "<object", "<embed", "<style", "onerror", "onload", "onclick", "onmouseover", "javascript:"):
        if danger.startswith("<"):
            assert danger not in lowered, result
        else:
            # Text may still mention the word, but never inside a tag.
            assert not re.search(rf"<[^>]*{danger}", lowered), result


def test_escaped_markup_stays_escaped():
    assert sanitize("<p>a &lt;script&gt;alert(1)&lt;/script&gt; b</p>") == "<p>a &lt;script&gt;alert(1)&lt;/script&gt; b</p>"


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
