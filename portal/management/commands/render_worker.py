"""render_worker: the background worker, recovering the tasks of workers that stopped."""

import os
import threading

from django.conf import settings
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from portal.services.notifications import digest_every_morning
from portal.services.task_recovery import Asker, recover_every, tasks_recover
from portal.services.waiting import remind_every_morning


class Command(db_worker.Command):
    help = (
        "Runs the background worker (django-tasks-db's db_worker, with the same options): "
        "renders the files of approved documents and publishes them at their chosen time. "
        "On start and every TASK_RECOVERY_INTERVAL_SECONDS it queues again the tasks still "
        "running TASK_LOST_AFTER_SECONDS after they started, or stopped by a worker's "
        "shutdown, and marks failed those already started TASK_ATTEMPTS times (a render "
        "then shows 'Tạo lại bản in' to the issuing staff)."
    )

    def handle(self, *args, **options):
        # With --reload the parent process only watches files; its child runs the tasks.
        if not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            self._start_recovery(options["worker_id"], options["verbosity"])
        super().handle(*args, **options)

    def _start_recovery(self, worker_id: str, verbosity: int) -> None:
        asker = Asker(worker_id=worker_id, started_at=timezone.now())
        recovery = tasks_recover(asker=asker)
        if verbosity:
            self.stdout.write(
                f"Tiến trình {worker_id}: xếp lại {len(recovery.requeued)} việc bị bỏ dở, "
                f"dừng hẳn {len(recovery.given_up)} việc đã thử {settings.TASK_ATTEMPTS} lần."
            )
        every = {"interval": settings.TASK_RECOVERY_INTERVAL_SECONDS, "asker": asker}
        threading.Thread(target=recover_every, kwargs=every, daemon=True).start()
        threading.Thread(target=digest_every_morning, daemon=True).start()  # NOTIFY_DIGEST_HOUR
        threading.Thread(target=remind_every_morning, daemon=True).start()  # REVIEW_REMINDER_DAYS
