"""`manage.py restore PATH`: put a backup made by `manage.py backup` back in place. Stop the app first."""

from django.core.management.base import BaseCommand, CommandError

from remiss.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Återställer databasen och mediafilerna från en säkerhetskopia (katalog eller .tar.gz) som "
        "`manage.py backup` har gjort. Stoppa tjänsten först. Allt i databasen ersätts; de nuvarande "
        "mediafilerna flyttas åt sidan."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Säkerhetskopians katalog eller .tar.gz-fil.")
        parser.add_argument("--database", default="default", help="Databasalias i settings (standard: default).")
        parser.add_argument("--yes", action="store_true", help="Fråga inte först.")

    def handle(self, *args, path, database, yes, **options):
        if not yes:
            try:
                answer = input(f"Allt i databasen ersätts med innehållet i {path}. Skriv ja för att fortsätta: ")
            except EOFError:
                answer = ""
            if answer.strip().lower() != "ja":
                raise CommandError("Avbrutet; inget återställdes.")
        try:
            manifest = restore(path, using=database, log=self.stdout.write)
        except BackupError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(
            self.style.SUCCESS(
                f"Återställt från säkerhetskopian {manifest['created']} (remiss {manifest['app_version']}, "
                f"Django {manifest['django_version']}). Kör `manage.py migrate` om koden är nyare än kopian."
            )
        )
