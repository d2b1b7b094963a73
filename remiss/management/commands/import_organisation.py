"""`manage.py import_organisation FILE [--dry-run] [--ends-previous-on DATE] [--yes]`.

Shows what the file would create, change and leave alone, row by row (each error next to its row
number and sheet), then asks before it imports; `--dry-run` only shows, `--yes` imports without
asking (for scripts). A file with any error imports nothing. docs/organisation-import.md has the layout.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from remiss import workflow
from remiss.dates import long_date
from remiss.organisation import Action, Plan, ReadError, plan_import, read_file
from remiss.organisation.read import MAX_BYTES, too_big_message


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"”{value}” är inget datum; skriv det som 2026-12-31 (år-månad-dag).") from error


class Command(BaseCommand):
    help = (
        "Importerar organisationen (partier, organ, politiker med platser, handläggare) från en .xlsx- eller "
        ".csv-fil. Visar först vad som skulle ändras, rad för rad."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="filen att importera (.xlsx eller .csv)")
        parser.add_argument("--dry-run", action="store_true", help="visa bara vad som skulle hända; spara inget")
        parser.add_argument(
            "--ends-previous-on",
            type=_day,
            metavar="DATUM",
            help="dagen platser från tidigare mandatperioder slutar (standard: dagen före den nya börjar)",
        )
        parser.add_argument("--yes", action="store_true", help="importera utan att fråga")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(too_big_message())
            imported = read_file(path.read_bytes(), path.name)
        except OSError as error:
            raise CommandError(f"Filen {path} kunde inte läsas: {error.strerror}.") from error
        except ReadError as error:
            raise CommandError(str(error)) from error
        ends = options["ends_previous_on"]
        plan = plan_import(imported, ends_previous_on=ends)
        self._show(plan, verbose=options["verbosity"] >= 1)
        if plan.has_errors:
            raise CommandError("Filen har fel; inget har importerats. Rätta raderna ovan och försök igen.")
        if options["dry_run"]:
            self.stdout.write("Provkörning: inget har sparats.")
            return
        if not plan.changes_anything:
            self.stdout.write("Filen ändrar ingenting; inget att importera.")
            return
        if not options["yes"] and not self._confirmed():
            self.stdout.write("Inget har importerats.")
            return
        try:
            plan = workflow.import_organisation(imported, by=None, ends_previous_on=ends)
        except workflow.ImportRefused as refused:
            self._show(refused.plan, verbose=True)
            raise CommandError(str(refused)) from refused
        except workflow.WorkflowError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(plan.done_message()))

    def _confirmed(self) -> bool:
        try:
            return input("Importera? Skriv ja för att fortsätta: ").strip().lower() == "ja"
        except EOFError:
            return False

    def _show(self, plan: Plan, *, verbose: bool) -> None:
        for error in plan.sheet_errors:
            self.stdout.write(
                self.style.ERROR(f"Bladet {error.sheet}: {error.message}" if error.sheet else error.message)
            )
        for outcome in plan.outcomes:
            if not verbose and outcome.action == Action.UNCHANGED:
                continue
            line = f"{outcome.place}: {outcome.action}"
            self.stdout.write(f"{line} – {outcome.subject}" if outcome.subject else line)
            for message in outcome.errors:
                self.stdout.write(self.style.ERROR(f"    fel: {message}"))
            for detail in outcome.details:
                self.stdout.write(f"    {detail}")
        if plan.ended:
            self.stdout.write(f"Platser som avslutas den {long_date(plan.ends_on)}:")
            for seat in plan.ended:
                self.stdout.write(f"    {seat}")
        for note in plan.notes:
            self.stdout.write(note)
        self.stdout.write(
            f"Sammanfattning: {plan.count(Action.CREATE)} nya, {plan.count(Action.CHANGE)} ändrade, "
            f"{plan.count(Action.UNCHANGED)} oförändrade, {plan.count(Action.ERROR)} med fel; "
            f"{len(plan.ended)} platser avslutas."
        )
