"""Guidance and quarterly report editing forms."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from guidance import indicators as ind
from guidance.kinds import GUIDANCE
from portal.forms import DocumentForm
from portal.models import Document


class GuidanceForm(DocumentForm):
    kind_fields = ("based_on",)

    based_on = forms.ModelChoiceField(
        label=_("Căn cứ hướng dẫn cấp trên"),
        queryset=Document.objects.none(),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user is not None:
            from portal.selectors import published_for_reader

            self.fields["based_on"].queryset = published_for_reader(self.user).filter(kind=GUIDANCE)


class ReportForm(DocumentForm):
    kind_fields = ("quarter", "year")

    quarter = forms.IntegerField(label=_("Quý"), min_value=1, max_value=4)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)


def _parsed(text: str, *, figure: bool = False, limits: tuple[int, int] = ind.FIGURE_LIMITS):
    try:
        value = ind.parse_figure(text) if figure else ind.parse_number(text)
    except ind.NumberError as exc:
        raise forms.ValidationError(str(exc)) from exc
    ends = [] if value is None else ([value.low, value.high] if figure else [value])
    digits, places = limits
    if any(e is not None and not ind.fits(e, digits=digits, places=places) for e in ends):
        raise forms.ValidationError(
            _("Số quá dài: tối đa %(digits)s chữ số phần nguyên và %(places)s chữ số thập phân.")
            % {"digits": digits, "places": places}
        )
    return value


class IndicatorForm(forms.Form):
    """A row's figures, typed the Vietnamese way ("116.442,134", "2.000 - 2.500")."""

    plan = forms.CharField(
        label=_("Kế hoạch năm (một số hoặc một khoảng, ví dụ 12,7 - 13)"),
        max_length=80,
        required=False,
    )
    estimate = forms.CharField(label=_("Ước thực hiện quý"), max_length=80, required=False)
    same_period = forms.CharField(
        label=_("Cùng kỳ năm trước (để tính % so cùng kỳ)"),
        max_length=80,
        required=False,
    )
    reported_same_period_ratio = forms.CharField(
        label=_("% so cùng kỳ ghi trong báo cáo"), max_length=40, required=False
    )
    reported_plan_ratio = forms.CharField(
        label=_("% so kế hoạch ghi trong báo cáo"), max_length=40, required=False
    )

    COLUMNS = {
        "plan": "plan",
        "estimate": "estimate",
        "same_period": "same_period",
        "reported_same_period_ratio": "same_period_ratio",
        "reported_plan_ratio": "plan_ratio",
    }

    def typed(self) -> dict[str, str]:
        """The figures as typed, by column of the indicator table (printed as typed)."""
        return {column: self.data.get(field, "") for field, column in self.COLUMNS.items()}

    def clean_plan(self) -> ind.Figure | None:
        return _parsed(self.cleaned_data["plan"], figure=True)

    def clean_estimate(self) -> Decimal | None:
        return _parsed(self.cleaned_data["estimate"])

    def clean_same_period(self) -> Decimal | None:
        return _parsed(self.cleaned_data["same_period"])

    def clean_reported_same_period_ratio(self) -> Decimal | None:
        return _parsed(self.cleaned_data["reported_same_period_ratio"], limits=ind.RATIO_LIMITS)

    def clean_reported_plan_ratio(self) -> Decimal | None:
        return _parsed(self.cleaned_data["reported_plan_ratio"], limits=ind.RATIO_LIMITS)
