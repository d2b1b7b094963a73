"""Rich text: the one allowlist every piece of user-written HTML passes through.

Officers paste from Word; the browser sends whatever it likes. Only structure survives:
paragraphs, two heading levels, lists, bold and italic. No attributes at all, so no links,
images, styles or event handlers can reach a page or the PDF.
"""
from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS: frozenset[str] = frozenset({"p", "h3", "h4", "ul", "ol", "li", "strong", "em", "br"})
# Word and browsers use other names for the same structure; they are renamed before cleaning.
_RENAMES = {"b": "strong", "i": "em", "h1": "h3", "h2": "h3", "h5": "h4", "h6": "h4"}
_RENAME_RE = re.compile(r"<(/?)(b|i|h1|h2|h5|h6)(\s[^>]*)?>", re.IGNORECASE)
# What an HTML parser reads as markup: "<" directly followed by a letter, "/", "!" or "?". A "<"
# followed by anything else ("a < b", "barn <15 år") is text, so such input is still plain text.
_TAG_RE = re.compile(r"<[a-zA-Z!?/]")
_DROP_WITH_CONTENT = {"script", "style", "title", "head", "template", "noscript", "iframe", "object", "textarea", "select"}
# Deepest nesting of elements kept. Word nests lists at most nine levels (18 elements with their
# items) inside a paragraph's bold and italic; deeper markup is unwrapped, its words kept. Without
# a limit, a paste of a few hundred nested lists makes WeasyPrint recurse too deep to render the memo.
MAX_DEPTH = 24
_CLEAN_TAG_RE = re.compile(r"<(/?)(p|h3|h4|ul|ol|li|strong|em)>")


def _no_attributes(_tag: str, _attribute: str, _value: str) -> None:
    return None


def sanitize(value: str | None) -> str:
    """Return `value` reduced to the allowlist; plain text becomes paragraphs."""
    if not value:
        return ""
    value = value.strip()
    # Plain text may well contain "<" ("barn < 15 år"); only something tag-like makes it HTML.
    if not _TAG_RE.search(value):
        return plain_to_html(value)
    value = _RENAME_RE.sub(lambda m: f"<{m.group(1)}{_RENAMES[m.group(2).lower()]}>", value)
    cleaned = nh3.clean(
        value,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes={},
        # nh3 keeps a few global attributes (lang, title) whatever `attributes` says; drop all.
        attribute_filter=_no_attributes,
        strip_comments=True,
        url_schemes=set(),
        link_rel=None,
    )
    # Empty paragraphs are what Word leaves between paragraphs; they carry nothing.
    cleaned = re.sub(r"<p>(\s|&nbsp;|<br>)*</p>", "", cleaned)
    return _limit_depth(cleaned).strip()


def _limit_depth(cleaned: str) -> str:
    """Unwrap elements nested deeper than MAX_DEPTH. `cleaned` is nh3's output: well-formed, only
    allowlisted tags without attributes, and every '<' in text escaped, so the tags are exact."""
    if cleaned.count("<") <= MAX_DEPTH:
        return cleaned
    out: list[str] = []
    kept: list[bool] = []
    depth = pos = 0
    for match in _CLEAN_TAG_RE.finditer(cleaned):
        out.append(cleaned[pos:match.start()])
        pos = match.end()
        if not match.group(1):
            keep = depth < MAX_DEPTH
            kept.append(keep)
            depth += keep
        else:
            keep = kept.pop() if kept else False
            depth -= keep
        if keep:
            out.append(match.group(0))
    out.append(cleaned[pos:])
    return "".join(out)


def plain_to_html(text: str) -> str:
    """Plain text with blank lines between paragraphs becomes escaped <p> elements."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(f"<p>{html.escape(' '.join(p.split()))}</p>" for p in paragraphs)


# Where a block starts or ends, or a line breaks: a line break in the plain text. Openings count
# too, so a nested list's item stays apart from the words before it ("Tidig upptäckt" and its
# sub-item "i förskolan" are two lines, not "Tidig upptäckti förskolan").
_BLOCK_EDGE_RE = re.compile(r"</?(?:p|h[1-6]|li|ul|ol|div)\b[^>]*>|<br\s*/?>", re.IGNORECASE)
_BLANK_LINES_RE = re.compile(r"[ \t]*\n[\s]*")


def to_plain(value: str | None) -> str:
    """The words of a fragment, one line per paragraph, heading or list item, for search, diffs
    and length checks."""
    if not value:
        return ""
    text = nh3.clean(_BLOCK_EDGE_RE.sub("\n", value), tags=set())
    return _BLANK_LINES_RE.sub("\n", html.unescape(re.sub(r"[ \t]+", " ", text))).strip()


def visible_length(value: str | None) -> int:
    """How many characters a reader sees in `value` (HTML or plain text): no markup, entities read
    as the character they stand for, each run of white space (a paragraph or list-item break
    too) one character, as a word processor's count "tecken med blanksteg" comes out."""
    return len(" ".join(to_plain(value).split()))


# Word writes the bullets of its Symbol- and Wingdings-font lists as private-use characters: pasted
# as text they arrive as "\uf0b7 Förskola", and no font has a glyph for them. At the start of a
# paragraph they are what the writer meant as a list; anywhere else they stand for the symbol Word
# showed. Only what is shown changes (pages and memo); the stored text keeps what was pasted.
WORD_SYMBOLS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf076": "❖", "\uf0d8": "➢", "\uf0fc": "✓"}
_WORD_BULLET = "[" + "".join(WORD_SYMBOLS) + "]"
# A run of paragraphs that each start with a bullet; inside one, a bullet after a line break or a
# space (plain text joins its lines with spaces) starts the next item.
_BULLET_PARAGRAPHS = re.compile(r"(?:<p>\s*%s(?:(?!</p>).)*</p>\s*)+" % _WORD_BULLET, re.S)
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_ITEM_BREAK = re.compile(r"(?:\s|<br>)*%s\s*" % _WORD_BULLET)
_ITEM_START = re.compile(r"<li>\s*%s\s*" % _WORD_BULLET)
_ANY_BULLET = re.compile(_WORD_BULLET)


def _bullet_list(match: re.Match[str]) -> str:
    items = [item.strip() for paragraph in _PARAGRAPH.findall(match.group(0)) for item in _ITEM_BREAK.split(paragraph)]
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items if item) + "</ul>"


def word_bullets(cleaned: str) -> str:
    """Sanitised HTML with Word's private-use bullets made into list items (or their symbols)."""
    if not _ANY_BULLET.search(cleaned):
        return cleaned
    listed = _ITEM_START.sub("<li>", _BULLET_PARAGRAPHS.sub(_bullet_list, cleaned))
    shown = _ANY_BULLET.sub(lambda m: WORD_SYMBOLS[m.group(0)], listed)
    # Splitting a paragraph at a bullet inside <strong>…</strong> leaves tags open; the allowlist
    # closes and nests them again.
    return sanitize(shown)


def display(value: str | None) -> str:
    """A stored text as pages and the memo show it: sanitised, with Word's bullets as lists."""
    return word_bullets(sanitize(value))
