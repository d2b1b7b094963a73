"""Edit conflicts: the person's own version beside the saved one, with a word diff between them.

When `remiss.workflow` raises `ConflictError`, the view builds a `Conflict` from what the person
typed and what is stored now, and `templates/remiss/_conflict.html` shows it. Nothing typed is
lost: the form is shown again with the person's text and the saved version's number.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.db import models
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from remiss.richtext import sanitize, to_plain

_TOKEN = re.compile(r"\n|[^\s]+")
# Comparing in substance: the number in front of a numbered point, punctuation at a word's ends.
_NUMBERING = re.compile(r"^\d+[.)]$")
_EDGE_PUNCTUATION = re.compile(r"^[^\w§]+|[^\w%§]+$")


def _tokens(html_or_text: str) -> list[str]:
    return _TOKEN.findall(to_plain(html_or_text))


def _render(tokens: list[str]) -> str:
    out: list[str] = []
    for token in tokens:
        out.append("<br>" if token == "\n" else escape(token))
    return " ".join(out).replace(" <br> ", "<br>")


def _key(token: str) -> str:
    """A word as compared in substance (see `normalised_words`); a line break stays itself."""
    return token if token == "\n" else _EDGE_PUNCTUATION.sub("", token.lower())


def word_diff(saved: str, mine: str, *, in_substance: bool = False) -> SafeString:
    """Words only in the saved version are struck out (<del>), words only in mine are <ins>.

    Both sides are reduced to their words first, so formatting alone does not count as a change.
    Screen readers hear "borttaget"/"tillagt" before each change; colour is not the only sign.
    With `in_substance`, words that differ only in case or punctuation count as the same (and
    are shown as in `mine`): for texts written apart, such as a proposal and the decision on it.
    """
    a, b = _tokens(saved), _tokens(mine)
    removed, added = _("borttaget:"), _("tillagt:")
    parts: list[str] = []
    keys_a, keys_b = ([_key(t) for t in a], [_key(t) for t in b]) if in_substance else (a, b)
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=keys_a, b=keys_b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(_render(b[j1:j2]))
            continue
        if op in ("delete", "replace"):
            parts.append(f'<del><span class="visually-hidden">{escape(removed)} </span>{_render(a[i1:i2])}</del>')
        if op in ("insert", "replace"):
            parts.append(f'<ins><span class="visually-hidden">{escape(added)} </span>{_render(b[j1:j2])}</ins>')
    return mark_safe(" ".join(p for p in parts if p))


def points_html(points: list[str] | str) -> str:
    """Decision points (a list, or lines as typed) as a fragment, one paragraph per point."""
    lines = points.splitlines() if isinstance(points, str) else points
    return "".join(f"<p>{escape(' '.join(p.split()))}</p>" for p in lines if p and p.strip())


@dataclass
class ConflictField:
    label: str
    mine: SafeString
    saved: SafeString
    diff: SafeString
    changed: bool


@dataclass
class Conflict:
    """What `_conflict.html` shows: the message, who saved, and each text field's two versions."""

    message: str
    saved_by: str = ""
    saved_at: object = None
    fields: list[ConflictField] = field(default_factory=list)
    advice: str = ""  # what to do now, when the template's words about "your text" do not fit


def conflict_field(label: str, mine: str, saved: str) -> ConflictField:
    """One field of a conflict. Both sides are sanitised before display; `mine` is what was typed."""
    mine_clean, saved_clean = sanitize(mine), sanitize(saved)
    return ConflictField(
        label=label,
        mine=mark_safe(mine_clean),
        saved=mark_safe(saved_clean),
        diff=word_diff(saved_clean, mine_clean),
        changed=to_plain(mine_clean) != to_plain(saved_clean),
    )


def build_conflict(
    error: Exception,
    current: models.Model,
    pairs: list[tuple[str, str, str]],
    *,
    history: models.QuerySet | None = None,
    advice: str = "",
) -> Conflict:
    """`pairs` is [(label, typed value, saved value)]; the saver is read from the newest row of
    `history`, by default the saved object's own (a set of rows, such as a body's positions,
    passes the history of its rows)."""
    rows = current.history if history is None else history  # type: ignore[attr-defined]
    latest = rows.select_related("history_user").first()
    saved_by = ""
    saved_at = None
    if latest is not None:
        saved_at = latest.history_date
        if latest.history_user is not None:
            saved_by = latest.history_user.get_full_name() or latest.history_user.get_username()
    return Conflict(
        message=str(error),
        saved_by=saved_by,
        saved_at=saved_at,
        advice=advice,
        fields=[conflict_field(label, mine, saved) for label, mine, saved in pairs],
    )


# --- Comparing in substance -------------------------------------------------------------------


def normalised_words(html_or_text: str | None) -> list[str]:
    """The words of a text as compared in substance: lower case, no punctuation at the ends of
    words, no formatting, and without the number in front of a numbered point ("1.", "2)")."""
    words: list[str] = []
    for line in to_plain(html_or_text).split("\n"):
        tokens = line.split()
        if tokens and _NUMBERING.match(tokens[0]):
            tokens = tokens[1:]
        for token in tokens:
            word = _EDGE_PUNCTUATION.sub("", token.lower())
            if word:
                words.append(word)
    return words


def same_words(a: str | None, b: str | None) -> bool:
    """True when two texts say the same words, whatever their formatting, case and punctuation."""
    return normalised_words(a) == normalised_words(b)
