from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(*, using: str, **kwargs) -> None:
    """After every `migrate`: the database cache's table, when the database is the cache.

    Sessions, login limits and used codes need it; creating it with the schema spares the
    operator a step that, forgotten, breaks every sign-in. Nothing happens with Redis.
    """
    call_command("createcachetable", database=using, verbosity=0)


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Cổng tuyên giáo"

    def ready(self) -> None:
        from portal.mfa import remember_used_codes_while_valid

        post_migrate.connect(create_cache_table, sender=self)
        remember_used_codes_while_valid()
