from datetime import date

from django import forms
from django.apps import AppConfig

from portal.kinds import Kind, register


def _form():
    from portal.forms import DocumentForm

    class PlanForm(DocumentForm):
        kind_fields = ("year",)
        year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)

    return PlanForm


def _prefill(*, issuer, month: str, today: date):
    from portal.services.documents import Prefill, skeleton_html

    outline = [(2, "I. MỤC ĐÍCH, YÊU CẦU"), (2, "II. NHIỆM VỤ"), (2, "III. TỔ CHỨC THỰC HIỆN")]
    initial = {"issuer": issuer.pk, "year": today.year, "body": skeleton_html(outline)}
    return Prefill(initial=initial, note="Dàn ý chuẩn của kế hoạch.")


PLAN = Kind(
    name="plan",
    label="Kế hoạch",
    new_label="Kế hoạch mới",
    type_name="KẾ HOẠCH",
    code="KH",
    model_label="plan_kind.Plan",
    related_name="plan",
    fields=("year",),
    form=_form,
    prefill=_prefill,
    export_fields=lambda document: {"year": document.plan.year},
)


class PlanKindConfig(AppConfig):
    name = "tests.plan_kind"
    label = "plan_kind"

    def ready(self) -> None:
        register(PLAN)
