"""`manage.py loadmeetings`: the demo bodies' meeting calendars (sammanträden) from a fixture.

Safe to run twice: a meeting already in the calendar is left alone, and nothing is removed.
Bodies are found by name; a body that is not in the database is skipped (run loaddemo first).
"""

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from remiss.models import Body, Meeting

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "meetings_2023.json"


class Command(BaseCommand):
    help = (
        "Läser in sammanträdeskalendrar (standard: fixtures/meetings_2023.json). "
        "Gör ingenting med datum som redan finns."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=FIXTURE, help="JSON-fil med sammanträden per organ.")

    @transaction.atomic
    def handle(self, *args, file: Path, **options):
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8"))
            calendars = [(entry["body"], [date.fromisoformat(d) for d in entry["dates"]]) for entry in data["meetings"]]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"Kunde inte läsa {file}: {error}") from error
        added = existing = 0
        for name, dates in calendars:
            body = Body.objects.filter(name=name).first()
            if body is None:
                self.stderr.write(f"Organet {name!r} finns inte; dess sammanträden hoppas över.")
                continue
            for day in dates:
                if Meeting.objects.filter(body=body, date=day).exists():
                    existing += 1
                    continue
                meeting = Meeting(body=body, date=day)
                meeting._change_reason = "Sammanträdeskalender inläst"  # type: ignore[attr-defined]  # read by django-simple-history
                meeting.full_clean()
                meeting.save()
                added += 1
        self.stdout.write(self.style.SUCCESS(f"{added} sammanträden inlästa, {existing} fanns redan."))
