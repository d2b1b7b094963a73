"""`manage.py loaddemo`: the SOU 2022:67 demo case and the demo users. Safe to run twice."""

from django.core.management.base import BaseCommand

from remiss.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Läser in demoärendet SOU 2022:67 och demoanvändarna. Gör ingenting om de redan finns."

    def handle(self, *args, **options):
        if load_demo():
            self.stdout.write(
                self.style.SUCCESS(f"Demoärendet är inläst. Lösenord för alla demoanvändare: {DEMO_PASSWORD}")
            )
        else:
            self.stdout.write("Demoärendet finns redan; inget ändrades.")
