"""Helpers for the browser tests (tests/test_browser.py): Debian's chromium, axe-core, pasting.

Nothing here downloads anything. The browser is Debian's `chromium` package and axe-core comes
from node_modules (package-lock.json); `make test` installs both when they are missing. When
either is missing the tests fail with a message saying so, rather than being skipped, so a
machine that cannot run them never reports green.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# Quiet, offline, reproducible: no sandbox (containers, root), no GPU, nothing phoning home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

# WCAG 2.1 A and AA, which Swedish public bodies must meet (lagen om tillgänglighet till digital
# offentlig service). Violations of these impacts fail the test; minor and moderate ones are reported.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("serious", "critical")

# Every wait is for an element, a navigation or a download; this bounds each one.
TIMEOUT_MS = 15_000


def require_chromium() -> str:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's chromium package. "
            "Run `make test` (it installs the Debian packages in DEB_TEST) or `apt-get install chromium`. "
            "Never `playwright install`: no browser is downloaded.",
            pytrace=False,
        )
    return str(CHROMIUM)


def require_axe() -> Path:
    if not AXE_JS.exists():
        hint = "npm ci" if shutil.which("npm") else "apt-get install npm && npm ci"
        pytest.fail(
            f"{AXE_JS.relative_to(ROOT)} is missing: the accessibility checks need the axe-core npm "
            f"package pinned in package.json. Run `make test` (it runs npm ci) or `{hint}` in {ROOT}.",
            pytrace=False,
        )
    return AXE_JS


def run_axe(page) -> list[dict]:
    """Run axe-core's WCAG 2.1 A/AA rules on the page as it is now; return its violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(require_axe()))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary, html: n.html})),
            }));
        }""",
        AXE_TAGS,
    )
    return result


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def describe(label: str, url: str, violations: list[dict]) -> str:
    """One readable block per page: rule id, impact, help, and each offending node's target."""
    lines = [f"{label} ({url}):"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}  <{v['helpUrl']}>")
        for node in v["nodes"][:10]:
            target = " ".join(t if isinstance(t, str) else json.dumps(t, ensure_ascii=False) for t in node["target"])
            lines.append(f"      at {target}")
            summary = (node.get("summary") or "").replace("\n", " ")
            if summary:
                lines.append(f"         {summary[:300]}")
        if len(v["nodes"]) > 10:
            lines.append(f"      … and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


class AxeAudit:
    """Collects violations page by page, so one run reports every page, then fails once."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.notes: list[str] = []
        self.pages: list[str] = []

    def check(self, page, label: str) -> None:
        started = time.monotonic()
        violations = run_axe(page)
        self.pages.append(f"{label}: {time.monotonic() - started:.1f} s")
        bad = serious(violations)
        if bad:
            self.failures.append(describe(label, page.url, bad))
        minor = [v for v in violations if v not in bad]
        if minor:
            self.notes.append(describe(label, page.url, minor))
        self.failures.extend(reflow_problems(page, label))

    def assert_clean(self) -> None:
        print("axe-core checked:\n  " + "\n  ".join(self.pages))
        if self.notes:
            print("axe-core: minor/moderate findings (not failing):\n" + "\n".join(self.notes))
        if self.failures:
            pytest.fail(
                "axe-core found serious or critical WCAG 2.1 A/AA violations, or pages that scroll sideways:\n"
                + "\n".join(self.failures),
                pytrace=False,
            )


# WCAG 1.4.10 (reflow): content must not need sideways scrolling at 320 CSS px, which is also what
# a 1280 px window shows at 400 % zoom; 640 px is the same window at 200 % zoom.
REFLOW_WIDTHS = (320, 640)

_OVERFLOWING = """(width) => {
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.right <= width + 1) continue;
        // Inside a scroll region of its own the content may be wide: that region scrolls, not the page.
        let p = el.parentElement, contained = false;
        for (; p && p !== document.body; p = p.parentElement) {
            const o = getComputedStyle(p).overflowX;
            const scrolls = o === 'auto' || o === 'scroll' || o === 'hidden';
            if (scrolls && p.getBoundingClientRect().right <= width + 1) { contained = true; break; }
        }
        if (contained) continue;
        const classes = el.className && typeof el.className === 'string'
            ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
        out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes
            + ' (right ' + Math.round(r.right) + ' px)');
    }
    return out.slice(0, 8);
}"""


def reflow_problems(page, label: str) -> list[str]:
    """The page at each REFLOW_WIDTHS width: the page itself never scrolls sideways."""
    original = page.viewport_size
    problems = []
    try:
        for width in REFLOW_WIDTHS:
            page.set_viewport_size({"width": width, "height": 640})
            scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
            if scroll_width > width:
                wide = page.evaluate(_OVERFLOWING, width)
                problems.append(
                    f"{label} ({page.url}): scrolls sideways at {width} px (scrollWidth {scroll_width}): "
                    + ", ".join(wide)
                )
    finally:
        page.set_viewport_size(original)
    return problems


def paste_html(page, selector: str, html: str, plain: str = "") -> None:
    """Paste as Word does: a ClipboardEvent whose DataTransfer carries text/html and text/plain.

    The editor's own paste handler decides what to keep; this is what the browser would hand it.
    """
    target = page.locator(selector)
    target.click()
    target.evaluate(
        """(el, data) => {
            const dt = new DataTransfer();
            dt.setData('text/html', data.html);
            dt.setData('text/plain', data.plain);
            el.focus();
            el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
        }""",
        {"html": html, "plain": plain},
    )


def focus_is_visible(page) -> dict:
    """The focused element's outline and box-shadow, and whether either one shows.

    `internal` is true when focus sits in a browser-internal part of the element (the calendar
    button of <input type=date>): the page's CSS cannot see that state, so the caller compares
    screenshots instead (see `looks_different`).
    """
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const s = getComputedStyle(el);
            const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
            const shadow = s.boxShadow && s.boxShadow !== 'none';
            const r = el.getBoundingClientRect();
            return {tag: el.tagName.toLowerCase(), type: el.type || '', id: el.id,
                    text: (el.innerText || el.value || '').slice(0, 40),
                    editable: el.isContentEditable, outline: s.outlineStyle + ' ' + s.outlineWidth,
                    boxShadow: s.boxShadow, visible: outline || !!shadow, internal: !el.matches(':focus'),
                    box: {x: r.x, y: r.y, width: r.width, height: r.height}};
        }"""
    )


def clip_around(box: dict, margin: int = 10) -> dict:
    return {
        "x": max(box["x"] - margin, 0),
        "y": max(box["y"] - margin, 0),
        "width": box["width"] + 2 * margin,
        "height": box["height"] + 2 * margin,
    }
