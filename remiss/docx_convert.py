"""The .docx → allowlisted HTML conversion, run as a child process under resource limits.

mammoth reads a document's XML with minidom, which needs tens of times the XML's size in memory
and seconds per megabyte: a small upload that unpacks to a large document.xml would hold a web
worker for minutes and take gigabytes. So `remiss.docx_import` never calls mammoth itself. It
runs `python -m remiss.docx_convert MEMORY CPU MAX_CHARS` with the checked .docx on stdin, under
a wall-clock timeout, and this module, before it reads a byte, caps its own address space
(RLIMIT_AS), CPU seconds (RLIMIT_CPU, a backstop should the parent die) and file writes
(RLIMIT_FSIZE 0: it writes nothing but its answer on stdout). Its answer is one JSON object:
{"html", "tables", "images", "messages"}, or {"error": code} for the parent to put in Swedish.

No Django here: the child starts in a fraction of a second and needs no settings or database.
"""

from __future__ import annotations

import io
import json
import re
import resource
import sys

import mammoth

from remiss.richtext import sanitize, to_plain, visible_length

# Word's headings become the allowlist's two levels; Swedish Word names them "Rubrik 1" …
STYLE_MAP = "\n".join(
    [f"p[style-name='{name} 1'] => h3:fresh" for name in ("Heading", "heading", "Rubrik", "rubrik")]
    + [
        f"p[style-name='{name} {level}'] => h4:fresh"
        for name in ("Heading", "heading", "Rubrik", "rubrik")
        for level in range(2, 10)
    ]
    + [
        "p[style-name='Title'] => h3:fresh",
        "p[style-name='Rubrik'] => h3:fresh",
        "p[style-name='Subtitle'] => h4:fresh",
        "p[style-name='Underrubrik'] => h4:fresh",
        "r[style-name='Strong'] => strong",
        "r[style-name='Stark'] => strong",
        "r[style-name='Emphasis'] => em",
        "r[style-name='Betoning'] => em",
    ]
)
# Error codes of the answer; remiss.docx_import has a Swedish sentence for each.
UNREADABLE, EMPTY, TOO_LONG, OUT_OF_MEMORY = "unreadable", "empty", "too_long", "memory"
MAX_MESSAGES = 50  # mammoth's warnings kept for the log; one per unknown style adds up
_TABLE = re.compile(r"<table\b", re.IGNORECASE)


def convert(content: bytes, max_chars: int, max_markup: int) -> dict:
    """The answer for one .docx: its sanitised HTML and counts, or {"error": code}."""
    images = 0

    def drop_image(image) -> list:
        nonlocal images
        images += 1
        return []  # not even read: the allowlist has no images

    try:
        result = mammoth.convert_to_html(io.BytesIO(content), style_map=STYLE_MAP, convert_image=drop_image)
    except MemoryError:
        raise
    except Exception:  # mammoth raises whatever its zip and XML readers raise
        return {"error": UNREADABLE}
    raw = result.value or ""
    html = sanitize(raw)
    if not to_plain(html).strip():
        return {"error": EMPTY}
    # The same two bounds as a typed text (remiss.models.common): what a reader sees, and the markup.
    visible = visible_length(html)
    if visible > max_chars or len(html) > max_markup:
        return {"error": TOO_LONG, "chars": visible}
    return {
        "html": html,
        "tables": len(_TABLE.findall(raw)),
        "images": images,
        "messages": [m.message for m in result.messages[:MAX_MESSAGES]],
    }


def limit_resources(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv: list[str]) -> int:
    memory_bytes, cpu_seconds, max_chars, max_markup = (int(arg) for arg in argv[1:5])
    limit_resources(memory_bytes, cpu_seconds)
    content = sys.stdin.buffer.read()
    try:
        answer = convert(content, max_chars, max_markup)
    except MemoryError:
        answer = {"error": OUT_OF_MEMORY}
    sys.stdout.buffer.write(json.dumps(answer, ensure_ascii=False).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
