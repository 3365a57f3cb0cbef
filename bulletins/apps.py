from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = "Bản tin sinh hoạt chi bộ"

    def ready(self) -> None:
        from bulletins.kind import BULLETIN
        from portal.kinds import register

        register(BULLETIN)
