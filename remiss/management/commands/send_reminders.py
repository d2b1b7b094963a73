"""`manage.py send_reminders`: e-mail reminders of internal deadlines, the compile date and the remisstid.

Meant for cron, once a day (e.g. `15 7 * * 1-5 .venv/bin/python manage.py send_reminders`). Safe to
run more often: every reminder is logged per person, and nothing is sent twice.
"""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from remiss.reminders import OVERDUE_REPEAT_DAYS, send_reminders


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Ogiltigt datum {value!r}; skriv ÅÅÅÅ-MM-DD.") from error


class Command(BaseCommand):
    help = (
        "Skickar påminnelser per e-post om svarsdatum (till remissens handläggare, eller om ingen är utsedd "
        "till organets handläggare), om registratorns sammanställningsdatum och om remisstiden (till "
        "registratorerna): N dagar före datumet, på dagen och när det har passerats – första gången "
        f"dagen efter, sedan en gång var {OVERDUE_REPEAT_DAYS}:e dag så länge det är öppet. Avslutade "
        "remitteringar och användare utan e-postadress hoppas över. Varje påminnelse loggas, så att "
        "inget skickas två gånger om kommandot körs igen."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=_iso_date, help="Räkna som om det vore detta datum (ÅÅÅÅ-MM-DD). Standard: i dag."
        )
        parser.add_argument(
            "--days-ahead",
            type=int,
            default=None,
            help=(
                "Antal dagar före datumet som den första påminnelsen skickas. "
                f"Standard: {settings.REMISS_REMINDER_DAYS_AHEAD} (REMISS_REMINDER_DAYS_AHEAD)."
            ),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Visa vad som skulle skickas, utan att skicka eller logga något."
        )

    def handle(self, *args, today=None, days_ahead=None, dry_run=False, **options):
        if days_ahead is not None and days_ahead < 0:
            raise CommandError("--days-ahead kan inte vara negativt.")
        today = today or timezone.localdate()
        report = send_reminders(today, days_ahead, dry_run=dry_run)
        verb = "Skulle skicka" if dry_run else "Skickade"
        for user, key in report.sent:
            self.stdout.write(f"{verb} {key} till {user.email}")
        summary = f"{verb} {len(report.sent)} påminnelser ({today.isoformat()})."
        if report.already_sent:
            summary += f" {report.already_sent} var redan skickade."
        if report.without_email:
            summary += f" {report.without_email} mottagare saknar e-postadress."
        self.stdout.write(self.style.SUCCESS(summary))
        if report.failed:
            raise CommandError(f"{report.failed} påminnelser kunde inte skickas; de försöks igen vid nästa körning.")
