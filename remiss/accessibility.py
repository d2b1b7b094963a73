"""The accessibility statement (tillgänglighetsredogörelse) as the page shows it, and the mail
that brings a reported barrier to the people who can fix it.

DOS-lagen (lag 2018:1937) requires a statement that follows Digg's model: how accessible the
service is, what is known to fall short and why, how to report a barrier, and the right to
complain to Digg. The organisation-specific text is stored with history (AccessibilityStatement)
and edited by an administrator; until one is saved, DEFAULT_TEXT is shown, which describes this
software as shipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.cache import cache
from django.core.mail import mail_admins, send_mail
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from remiss.city import city_name
from remiss.models import AccessibilityStatement, BarrierReport

# When the shipped text was last checked against the software (the date the statement states).
DEFAULT_ASSESSED_ON = date(2026, 12, 3)
DEFAULT_TEXT_TEMPLATE = "remiss/accessibility/default_text.html"
# A public form: bound how many reports one address can send, so it cannot be used to flood the
# administrators' mailbox. Generous for a person, small for a script.
REPORTS_PER_ADDRESS = 5
REPORT_WINDOW_SECONDS = 3600


@dataclass(frozen=True)
class StatementPage:
    organisation: str
    text_html: SafeString
    assessed_on: date
    updated_at: datetime | None
    is_default: bool


def default_text() -> str:
    return render_to_string(DEFAULT_TEXT_TEMPLATE).strip()


def current_statement() -> StatementPage:
    """The saved statement, or the shipped default while an administrator has saved none."""
    saved = AccessibilityStatement.objects.order_by("pk").first()
    if saved is None:
        return StatementPage(city_name(), mark_safe(default_text()), DEFAULT_ASSESSED_ON, None, True)
    # The text passed the rich-text allowlist when it was saved (workflow.save_accessibility_statement
    # and the Django admin's form both sanitise it).
    return StatementPage(saved.organisation, mark_safe(saved.text), saved.assessed_on, saved.updated_at, False)


def report_allowed(address: str) -> bool:
    """Count one report from `address` and say whether it is within REPORTS_PER_ADDRESS."""
    key = f"remiss:barrier-reports:{address}"
    cache.add(key, 0, REPORT_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, REPORT_WINDOW_SECONDS)
        count = 1
    return count <= REPORTS_PER_ADDRESS


def send_barrier_report(report_id: int) -> None:
    """Mail the report to the statement's contact address, or to the administrators (ADMINS).

    Called after the report is committed: a mail server that is down loses no report, which is
    listed in the Organisation section either way."""
    report = BarrierReport.objects.get(pk=report_id)
    subject = f"Anmäld tillgänglighetsbrist ({report.created_at:%Y-%m-%d %H:%M})"
    body = render_to_string("remiss/accessibility/report_mail.txt", {"report": report})
    contact = AccessibilityStatement.objects.order_by("pk").values_list("contact_email", flat=True).first()
    if contact:
        send_mail(subject, body, None, [contact], fail_silently=True)
    else:
        mail_admins(subject, body, fail_silently=True)
