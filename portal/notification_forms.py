"""The form of the notifications page: one e-mail per event, or a morning digest."""

from django import forms
from django.utils.translation import gettext_lazy as _

EACH, DIGEST = "each", "digest"


class NotificationSettingForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("Nhận thư thông báo"),
        choices=[
            (EACH, _("Mỗi việc một thư, gửi ngay")),
            (DIGEST, _("Gộp thành một thư mỗi sáng")),
        ],
        widget=forms.RadioSelect,
    )

    @property
    def digest(self) -> bool:
        return self.cleaned_data["delivery"] == DIGEST
