"""What the nämnd changed: the förvaltning's förslag till beslut beside the nämnd's decision."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from remiss.diff import normalised_words, points_html, word_diff
from remiss.models import Decision, Opinion, Referral
from remiss.richtext import sanitize


def decision_source(decision: Decision) -> str:
    """The decision as one fragment: each point a paragraph, the added text after its point."""
    points = [" ".join(p.split()) for p in decision.points if p and p.strip()]
    added = sanitize(decision.added_text)
    parts: list[str] = []
    for number, point in enumerate(points, start=1):
        parts.append(f"<p>{escape(point)}</p>")
        if added and number == decision.added_text_after_point:
            parts.append(added)
            added = ""
    if added:  # after a point that is no longer there: at the end
        parts.append(added)
    return "".join(parts)


@dataclass(frozen=True)
class NamndChanges:
    referral: Referral
    decision: Decision | None
    opinion: Opinion | None
    proposal_html: SafeString
    diff: SafeString | None
    verdicts: list[str]


def namnd_changes(referral: Referral, decision: Decision | None) -> NamndChanges:
    """The förvaltning's förslag till beslut beside the nämnd's decision, with a word diff and a
    plain statement of what the nämnd changed. "The same" means the same words, whatever the
    formatting, case, punctuation and numbering of points (`remiss.diff.normalised_words`)."""
    try:
        opinion: Opinion | None = referral.opinion
    except Opinion.DoesNotExist:
        opinion = None
    proposal = sanitize(opinion.proposed_decision) if opinion is not None else ""
    verdicts: list[str] = []
    diff = None
    if not referral.body.makes_decisions:
        verdicts.append(
            _("%(body)s är ett kontor och fattar inga beslut; dess svar är tjänsteutlåtandet.")
            % {"body": referral.body.name}
        )
    elif decision is None:
        verdicts.append(_("Nämnden har inte fattat något beslut ännu."))
    else:
        decided = decision_source(decision)
        diff = word_diff(proposal, decided, in_substance=True)
        points_only = points_html(decision.points)
        if not normalised_words(proposal):
            verdicts.append(_("Förvaltningen lämnade inget förslag till beslut att jämföra med."))
        elif decision.added_text.strip():
            verdicts.append(_("Nämnden lade till egen text."))
            if normalised_words(proposal) == normalised_words(points_only):
                verdicts.append(_("Beslutspunkterna är i övrigt desamma som i förvaltningens förslag."))
            else:
                verdicts.append(
                    _("Beslutspunkterna har också andra ord än förvaltningens förslag; se skillnaderna nedan.")
                )
        elif normalised_words(proposal) == normalised_words(decided):
            verdicts.append(_("Nämnden beslutade i enlighet med förvaltningens förslag."))
        else:
            verdicts.append(
                _("Nämndens beslut har andra ord än förvaltningens förslag till beslut; se skillnaderna nedan.")
            )
    return NamndChanges(
        referral=referral,
        decision=decision,
        opinion=opinion,
        proposal_html=mark_safe(proposal),
        diff=diff,
        verdicts=verdicts,
    )
