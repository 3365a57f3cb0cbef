"""Tasks lost with their worker, queued again or given up.

django-tasks-db 0.13 marks a task RUNNING when a worker claims it, appends the worker's id
to its ``worker_ids``, and never looks at it again: a worker killed mid-task (SIGKILL, out of
memory, the machine lost) leaves it RUNNING for ever, and one stopped by a second Ctrl+C
leaves it FAILED with ``SystemExit`` and no word on the document. This module is the one
place that reads and writes the library's task table (``DBTaskResult``: ``status``,
``started_at``, ``finished_at``, ``worker_ids``, ``task_path``, ``args_kwargs`` and the
exception fields), and ``manage.py render_worker`` extends its ``db_worker`` command (its
``--worker-id`` and ``--reload`` options); ``tests/portal/test_task_recovery.py`` pins the
version and fails when those change.
"""

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from portal.tasks import GIVEN_UP

logger = logging.getLogger(__name__)

# How a task stopped by its worker's shutdown ends in the table (db_worker's run_task).
INTERRUPTED = ("builtins.SystemExit", "builtins.KeyboardInterrupt")


class WorkerLost(Exception):
    """The worker running the task stopped under it too many times: it is not tried again."""


@dataclass
class Recovery:
    """What one pass did, by task id."""

    requeued: list[str] = field(default_factory=list)
    given_up: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Asker:
    """The worker process asking: its id, and when it started."""

    worker_id: str
    started_at: datetime

    def runs(self, task: DBTaskResult) -> bool:
        """The task is this process's own, so alive: it claimed it since it started (a task
        claimed earlier under the same id was its predecessor's, killed with it)."""
        return (
            task.status == TaskResultStatus.RUNNING
            and task.worker_ids[-1:] == [self.worker_id]
            and task.started_at >= self.started_at
        )


def lost_tasks(*, asker: Asker | None = None, now: datetime | None = None) -> list[DBTaskResult]:
    """Tasks still running TASK_LOST_AFTER_SECONDS after they started, and tasks stopped by
    a worker's shutdown; never the task the asking worker runs itself."""
    now = now or timezone.now()
    started_before = now - timedelta(seconds=settings.TASK_LOST_AFTER_SECONDS)
    running = Q(status=TaskResultStatus.RUNNING, started_at__lte=started_before)
    interrupted = Q(status=TaskResultStatus.FAILED, exception_class_path__in=INTERRUPTED)
    tasks = DBTaskResult.objects.filter(running | interrupted).order_by("started_at")
    return [task for task in tasks if asker is None or not asker.runs(task)]


def _as_found(task: DBTaskResult):
    """The task's row as long as nobody recovered or finished it since it was read."""
    return DBTaskResult.objects.filter(
        pk=task.pk,
        status=task.status,
        started_at=task.started_at,
        exception_class_path=task.exception_class_path,
    )


@transaction.atomic
def task_requeue(task: DBTaskResult) -> bool:
    """Put a lost task back in the queue; False when another worker got to it first."""
    return bool(
        _as_found(task).update(
            status=TaskResultStatus.READY,
            started_at=None,
            finished_at=None,
            exception_class_path="",
            traceback="",
        )
    )


@transaction.atomic
def task_give_up(task: DBTaskResult) -> bool:
    """Mark a lost task failed for good, with what its kind leaves on record (a render: its
    "render_failed" event), in one transaction; False when another worker got to it first."""
    attempts = len(task.worker_ids)
    message = f"The worker stopped under this task {attempts} times."
    marked = _as_found(task).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=message,
    )
    if marked and task.task_path in GIVEN_UP:
        args, kwargs = task.args_kwargs["args"], task.args_kwargs["kwargs"]
        GIVEN_UP[task.task_path](*args, attempts=attempts, **kwargs)
    return bool(marked)


def tasks_recover(*, asker: Asker | None = None, now: datetime | None = None) -> Recovery:
    """Queue again every lost task started fewer than TASK_ATTEMPTS times; give up the
    others. Safe to run from several workers at once: each task is recovered once."""
    recovery = Recovery()
    for task in lost_tasks(asker=asker, now=now):
        attempts = len(task.worker_ids)
        if attempts < settings.TASK_ATTEMPTS:
            if task_requeue(task):
                recovery.requeued.append(str(task.pk))
                logger.warning(
                    "Task %s (%s) lost with worker %s: queued again (started %s times).",
                    task.pk, task.task_path, task.worker_ids[-1:], attempts,
                )  # fmt: skip
        elif task_give_up(task):
            recovery.given_up.append(str(task.pk))
            logger.error(
                "Task %s (%s) lost with its worker %s times: given up.",
                task.pk, task.task_path, attempts,
            )  # fmt: skip
    return recovery


def recover_every(*, interval: float, asker: Asker, stop: threading.Event | None = None) -> None:
    """Run ``tasks_recover`` every ``interval`` seconds until ``stop`` is set, or for as
    long as the process lives (a worker's thread beside the one running tasks)."""
    stop = stop or threading.Event()
    while not stop.wait(interval):
        try:
            tasks_recover(asker=asker)
        except DatabaseError as exc:  # a locked or unreachable database: the next pass retries
            logger.warning("Recovering lost tasks failed: %s", exc)
        finally:
            connections.close_all()  # this thread's own connections only
