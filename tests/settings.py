"""The portal's settings plus a throw-away fourth document kind, registered like the others."""

from portal.settings import *  # noqa: F403
from portal.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.plan_kind"]
