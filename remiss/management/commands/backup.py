"""`manage.py backup PATH`: a consistent copy of the database and the media files (see remiss/backup.py)."""

from django.core.management.base import BaseCommand, CommandError

from remiss.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Säkerhetskopierar databasen och mediafilerna till PATH: en ny katalog, eller en .tar.gz-fil "
        "om namnet slutar så. Kan köras medan tjänsten är igång."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="Ny katalog (t.ex. /var/backups/remiss/2024-05-01) eller fil som slutar på .tar.gz."
        )
        parser.add_argument("--database", default="default", help="Databasalias i settings (standard: default).")

    def handle(self, *args, path, database, **options):
        try:
            written = backup(path, using=database, log=self.stdout.write)
        except BackupError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(self.style.SUCCESS(f"Säkerhetskopian är klar: {written}"))
