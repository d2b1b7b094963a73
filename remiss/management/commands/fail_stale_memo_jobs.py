"""`manage.py fail_stale_memo_jobs`: fail memo jobs that nothing will ever move on.

A worker killed in the middle of a render (out of memory, power loss) leaves its job
"Sammanställs" for ever; a task that was never queued, or a worker that died before starting
the job, leaves it "I kö" for ever. This command moves such jobs to failed with a Swedish reason,
so the registrar's "Försök igen" works (the rules are in `remiss.tasks`). Running it again changes
nothing more, so it suits cron (every few minutes) and a worker's start:
`--restarting-worker ID` also fails, at once, the jobs whose task that worker id still shows
as running, since a worker starting under that id means the earlier one is gone.
"""

from argparse import ArgumentTypeError
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from remiss.tasks import fail_stale_memo_jobs, job_queue_timeout, job_timeout


def _seconds(value: str) -> int:
    try:
        seconds = int(value)
    except ValueError as error:
        raise ArgumentTypeError(f"ogiltig tidsgräns {value!r}; ange ett antal sekunder") from error
    if seconds <= 0:
        raise ArgumentTypeError("tidsgränsen måste vara minst en sekund")
    return seconds


class Command(BaseCommand):
    help = (
        "Markerar sammanställningsjobb som misslyckade när inget längre kommer att flytta dem vidare: "
        "jobbet har sammanställts eller väntat i kö längre än tidsgränsen, dess uppgift har avslutats utan "
        "att jobbet flyttades vidare, uppgiften saknas, eller arbetsprocessen som tog den har stannat. "
        "Registratorn kan sedan försöka igen. Kan köras hur ofta som helst."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout",
            type=_seconds,
            default=None,
            metavar="SEKUNDER",
            help=f"Hur länge ett jobb får sammanställas innan det räknas som avbrutet. Standard: "
            f"{int(job_timeout().total_seconds())} (REMISS_MEMO_JOB_TIMEOUT).",
        )
        parser.add_argument(
            "--queue-timeout",
            type=_seconds,
            default=None,
            metavar="SEKUNDER",
            help=f"Hur länge ett jobbs uppgift får vänta i kö innan jobbet räknas som fast. Standard: "
            f"{int(job_queue_timeout().total_seconds())} (REMISS_MEMO_QUEUE_TIMEOUT).",
        )
        parser.add_argument(
            "--restarting-worker",
            default=None,
            metavar="ID",
            help="Arbetsprocessen med detta id (db_worker --worker-id) startar om: jobb vars uppgift den "
            "fortfarande står som körande av markeras som misslyckade direkt.",
        )

    def handle(self, *args, timeout=None, queue_timeout=None, restarting_worker=None, **options):
        failed = fail_stale_memo_jobs(
            timeout=None if timeout is None else timedelta(seconds=timeout),
            queue_timeout=None if queue_timeout is None else timedelta(seconds=queue_timeout),
            restarting_worker=restarting_worker,
        )
        for job in failed:
            # A job failed while queued never started: say when it was ordered instead.
            when = "startat" if job.started_at else "beställt"
            at = timezone.localtime(job.started_at or job.created_at).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(f"Jobb {job.pk} ({job.case.reference}, {when} {at}) markerat som misslyckat: {job.error}")
        if failed:
            what = (
                "avbrutet sammanställningsjobb som misslyckat"
                if len(failed) == 1
                else ("avbrutna sammanställningsjobb som misslyckade")
            )
            self.stdout.write(self.style.SUCCESS(f"Markerade {len(failed)} {what}."))
        else:
            self.stdout.write(self.style.SUCCESS("Inga avbrutna sammanställningsjobb."))
