"""A stored format that stands still until the test lets it go, for the worker crash test.

Installed only in the processes that the test starts (``tests.worker_crash.settings``):
their renders are RUNNING for as long as the test needs, without sleeping on a clock.
"""

import os
import time
from pathlib import Path

from django.apps import AppConfig


def _hold(document, revision) -> bytes:
    """Say that the render has begun, then wait until the test releases it."""
    folder = Path(os.environ["RENDER_HOLD_DIR"])
    (folder / f"holding-{os.getpid()}").touch()
    while not (folder / "release").exists():
        time.sleep(0.05)
    return b"released\n"


class WorkerCrashConfig(AppConfig):
    name = "tests.worker_crash"
    label = "worker_crash"

    def ready(self) -> None:
        from portal.rendering.registry import Renderer, register_renderer

        register_renderer(
            Renderer(
                name="hold",
                extension="txt",
                content_type="text/plain",
                label="bản chờ",
                render=_hold,
                stored=True,
            )
        )
