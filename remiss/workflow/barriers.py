"""Barriers reported from the accessibility statement."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from remiss.accessibility import send_barrier_report
from remiss.models import BarrierReport
from remiss.workflow.base import _save


def report_barrier(*, description: str, page: str = "", name: str = "", email: str = "") -> BarrierReport:
    """Keep a reported accessibility barrier and, once it is committed, mail it to whoever handles them."""
    with transaction.atomic():
        report = _save(
            BarrierReport(description=description, page=page, name=name, email=email),
            None,
            _("Anmäld via tillgänglighetsredogörelsen"),
        )
        transaction.on_commit(partial(send_barrier_report, report.pk))
    return report
