from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "guidance"
    verbose_name = "Hướng dẫn và báo cáo"

    def ready(self) -> None:
        from guidance.kinds import GUIDANCE_KIND, REPORT_KIND
        from portal.kinds import register

        register(GUIDANCE_KIND)
        register(REPORT_KIND)
