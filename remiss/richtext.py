"""Rich text: the one allowlist every piece of user-written HTML passes through.

Officers paste from Word; the browser sends whatever it likes. Only structure survives:
paragraphs, two heading levels, lists, bold and italic. No attributes at all, so no links,
images, styles or event handlers can reach a page or the PDF.

What a person types as plain text (a textarea without the editor) is never read as HTML: it
becomes that text, escaped (`plain_to_html`). Only HTML the editor marks as HTML goes through the
allowlist (`clean_html`), and `lost_text` says which visible words the allowlist would drop, so
that the form can refuse instead of saving less than was typed.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS: frozenset[str] = frozenset({"p", "h3", "h4", "ul", "ol", "li", "strong", "em", "br"})
# Word and browsers use other names for the same structure; they are renamed before cleaning.
_RENAMES = {"b": "strong", "i": "em", "h1": "h3", "h2": "h3", "h5": "h4", "h6": "h4"}
_RENAME_RE = re.compile(r"<(/?)(b|i|h1|h2|h5|h6)(\s[^>]*)?>", re.IGNORECASE)
# What an HTML parser reads as markup: "<" directly followed by a letter, "/", "!" or "?". A "<"
# followed by anything else ("a < b", "barn <15 år") is text, so such input is still plain text.
_TAG_RE = re.compile(r"<[a-zA-Z!?/]")
_DROP_WITH_CONTENT = {
    "script",
    "style",
    "title",
    "head",
    "template",
    "noscript",
    "iframe",
    "object",
    "textarea",
    "select",
}
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
    # Forms store HTML only (`plain_to_html`, `clean_html`); a plain value here is one saved
    # before that, and it renders as it always has.
    if not _TAG_RE.search(value):
        return plain_paragraphs(value)
    return _clean_markup(value)


def clean_html(value: str | None) -> str:
    """HTML from the editor, reduced to the allowlist. Unlike `sanitize`, a value without tags
    is still HTML ("a &lt; b" is the editor's way of writing "a < b"), and the result always
    carries a tag, so that `sanitize` reads it as HTML again when it is saved and shown."""
    value = (value or "").strip()
    if not value:
        return ""
    cleaned = _clean_markup(value)
    return cleaned if "<" in cleaned or not cleaned.strip() else f"<p>{cleaned}</p>"


def _clean_markup(value: str) -> str:
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
        out.append(cleaned[pos : match.start()])
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


def plain_paragraphs(text: str) -> str:
    """A plain value as paragraphs, each one's whitespace collapsed: how a value saved before forms
    stored HTML has always been shown, and how history shows one-line values."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(f"<p>{html.escape(' '.join(p.split()))}</p>" for p in paragraphs)


# A line that starts with a bullet and a space is a list item ("-5 grader" is not). Numbered
# lines become a list only when they count 1, 2, 3 … from the first line: the list numbers its
# items itself (it may carry no attributes), so other numbers stay as typed, in the text.
_BULLET = re.compile(r"^[•◦\-–]\s+")
_NUMBER = re.compile(r"^([1-9][0-9]{0,2})\.\s+")
# A blank line (nothing but whitespace) ends a paragraph.
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def plain_to_html(text: str) -> str:
    """What a person typed as plain text, as that text: escaped, nothing read as markup. Blank
    lines separate paragraphs, a single line break stays a line break, and lines that start with
    "•", "◦", "-", "–" or "1.", "2." … become lists."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[str] = []
    for chunk in _BLANK_LINE.split(text):
        lines = [line.strip() for line in chunk.split("\n")]
        blocks.extend(_blocks([line for line in lines if line]))
    return "".join(blocks)


def _numbered_run(lines: list[str], start: int) -> int:
    """The end of the run of lines numbered 1, 2, 3 … from `start` (`start` itself if none)."""
    end = start
    while end < len(lines):
        match = _NUMBER.match(lines[end])
        if not match or int(match.group(1)) != end - start + 1:
            break
        end += 1
    return end


def _blocks(lines: list[str]) -> list[str]:
    """One paragraph's non-empty lines as blocks: lists, and paragraphs with <br> between lines."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        end = i
        while end < len(lines) and _BULLET.match(lines[end]):
            end += 1
        if end > i:
            out.append(_list("ul", [_BULLET.sub("", line, count=1) for line in lines[i:end]]))
        elif (end := _numbered_run(lines, i)) > i:
            out.append(_list("ol", [_NUMBER.sub("", line, count=1) for line in lines[i:end]]))
        else:
            end = i + 1
            while end < len(lines) and not _BULLET.match(lines[end]) and _numbered_run(lines, end) == end:
                end += 1
            out.append("<p>" + "<br>".join(html.escape(line, quote=False) for line in lines[i:end]) + "</p>")
        i = end
    return out


def _list(tag: str, items: list[str]) -> str:
    return f"<{tag}>" + "".join(f"<li>{html.escape(item, quote=False)}</li>" for item in items) + f"</{tag}>"


# Elements whose text a browser never shows: the editor's HTML may carry them (a paste from Word
# brings its <style>), and dropping them loses nothing the person saw.
_NOT_SHOWN = frozenset({"script", "style", "title", "head", "template", "noscript", "iframe"})


class _Text(HTMLParser):
    """The text of a fragment that a browser shows, in order, piece by piece."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        self.hidden += tag in _NOT_SHOWN

    def handle_endtag(self, tag: str) -> None:
        if tag in _NOT_SHOWN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _text_parts(fragment: str) -> list[str]:
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return parser.parts


def visible_text(fragment: str) -> str:
    return "".join(_text_parts(fragment))


LOST_TEXT_LIMIT = 200


def lost_text(before: str, after: str) -> str:
    """The text of HTML `before` missing from its cleaned version `after` ("" if none), whitespace
    aside; a long loss is shortened with "…". The cleaner keeps or drops whole pieces of text (a
    <title> goes with its words), so one walk along `after` finds the pieces it dropped."""
    kept = "".join(visible_text(after).split())
    position = 0
    lost: list[str] = []
    for part in _text_parts(before):
        key = "".join(part.split())
        if kept.startswith(key, position):
            position += len(key)
        else:
            lost.append(" ".join(part.split()))
    text = " … ".join(lost)
    return text if len(text) <= LOST_TEXT_LIMIT else text[:LOST_TEXT_LIMIT].rstrip() + " …"


class _Typed(HTMLParser):
    """Allowlisted HTML as the plain text `plain_to_html` turns back into the same paragraphs,
    line breaks and lists; what a person without the editor sees and edits in a textarea."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.buf: list[str] = []
        self.lists: list[list] = []  # per open list: [is_ordered, items so far]

    def end_block(self) -> None:
        lines = [line.strip() for line in "".join(self.buf).split("\n")]
        if any(lines):
            self.blocks.append("\n".join(line for line in lines if line))
        self.buf = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "br":
            self.buf.append("\n")
        elif tag in ("ul", "ol"):
            if not self.lists:
                self.end_block()
            self.lists.append([tag == "ol", 0])
        elif tag == "li" and self.lists:
            ordered, count = self.lists[-1]
            self.lists[-1][1] = count + 1
            marker = f"{count + 1}. " if ordered else ("• " if len(self.lists) == 1 else "◦ ")
            self.buf.append("\n" + marker)
        elif tag in ("p", "h3", "h4"):
            self.buf.append(" ") if self.lists else self.end_block()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            if not self.lists:
                self.end_block()
        elif tag in ("p", "h3", "h4") and not self.lists:
            self.end_block()

    def handle_data(self, data: str) -> None:
        self.buf.append(data.replace("\n", " "))


def to_typed(fragment: str | None) -> str:
    """Stored rich text as plain text for a textarea (bold, italic and headings have no plain
    form; their words stay)."""
    if not fragment:
        return ""
    parser = _Typed()
    parser.feed(sanitize(fragment))
    parser.close()
    parser.end_block()
    return "\n\n".join(parser.blocks)


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
_BULLET_PARAGRAPHS = re.compile(rf"(?:<p>\s*{_WORD_BULLET}(?:(?!</p>).)*</p>\s*)+", re.S)
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_ITEM_BREAK = re.compile(rf"(?:\s|<br>)*{_WORD_BULLET}\s*")
_ITEM_START = re.compile(rf"<li>\s*{_WORD_BULLET}\s*")
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
