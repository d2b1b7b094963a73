"""The `richtext` template filter: stored rich text is sanitised again at render time."""

from django.template import Context, Template

from remiss.richtext import sanitize

TEMPLATE = Template("{% load richtext %}<div>{{ value|richtext }}</div>")


def render(value) -> str:
    return TEMPLATE.render(Context({"value": value}))


def test_allowlisted_structure_is_rendered_as_markup_not_escaped():
    html = "<h3>Rubrik</h3><p>Text med <strong>fet</strong> stil.</p><ul><li>punkt</li></ul>"
    assert render(html) == f"<div>{html}</div>"


def test_anything_else_is_removed_at_render_time():
    stored = '<p onclick="alert(1)" style="color:red">Text</p><script>alert(2)</script><a href="javascript:x">länk</a>'
    assert render(stored) == "<div><p>Text</p>länk</div>"


def test_plain_text_in_the_database_becomes_escaped_paragraphs():
    assert render("a < b\n\nc & d") == "<div><p>a &lt; b</p><p>c &amp; d</p></div>"


def test_nothing_renders_nothing():
    assert render(None) == "<div></div>"
    assert render("") == "<div></div>"


def test_filter_gives_what_sanitize_gives():
    stored = "<h1>T</h1><b>fet</b><i>kursiv</i><iframe src=x></iframe>"
    assert render(stored) == f"<div>{sanitize(stored)}</div>"
