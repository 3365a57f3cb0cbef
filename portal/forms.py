"""Forms validate input and hand cleaned data to services; they save nothing themselves."""

import re

from django import forms
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_ckeditor_5.widgets import CKEditor5Widget

from portal.kinds import KINDS, kind_choices
from portal.models import DUE_MONTHS, Document, Organisation

SHARED_FIELDS = ("title", "recipients", "authority_line", "signer_title", "signer_name")
_UPLOAD_URL_RE = re.compile(r'data-upload-url="([^"]*)"')


class BodyWidget(CKEditor5Widget):
    """CKEditor 5 whose image uploads go to the document's own upload URL."""

    def __init__(self, *args, upload_url: str = "", **kwargs):
        super().__init__(*args, config_name="default", **kwargs)
        self.upload_url = upload_url

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if self.upload_url:
            # The query names the document after the upload path; a plain str.replace would
            # also drop the SafeString mark and print the editor escaped.
            query = escape(self.upload_url)
            html = mark_safe(  # noqa: S308 - the widget's own safe HTML plus an escaped query
                _UPLOAD_URL_RE.sub(lambda m: f'data-upload-url="{m.group(1)}{query}"', html, 1)
            )
        return html


class DocumentForm(forms.Form):
    """The fields every kind shares."""

    kind_fields: tuple[str, ...] = ()

    issuer = forms.ModelChoiceField(
        label=_("Đơn vị ban hành"), queryset=Organisation.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Tiêu đề / trích yếu"), max_length=500)
    body = forms.CharField(label=_("Nội dung"), required=False, widget=BodyWidget())
    recipients = forms.CharField(
        label=_("Nơi nhận (mỗi dòng một nơi)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    authority_line = forms.CharField(label=_("Quyền hạn ký"), max_length=100, required=False)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=100, required=False)
    signer_name = forms.CharField(label=_("Người ký"), max_length=100, required=False)
    # The revision the editor started from: a save based on an older one is refused.
    base_revision = forms.IntegerField(
        required=False,
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("Không xác định được bản đang sửa; hãy tải lại trang rồi thử lại."),
            "min_value": _("Không xác định được bản đang sửa; hãy tải lại trang rồi thử lại."),
        },
    )

    def __init__(self, *args, user=None, issuers=None, document: Document | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if document is None:
            self.fields["issuer"].queryset = issuers
        else:
            del self.fields["issuer"]
            self.fields["body"].widget.upload_url = f"?document={document.pk}"

    def shared_data(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in SHARED_FIELDS if name != "title"}

    def kind_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.kind_fields}

    def rebase(self, revision_number: int) -> None:
        """Keep what was typed but mark it as based on the given revision (after a conflict)."""
        self.data = self.data.copy()
        self.data["base_revision"] = str(revision_number)


def form_class_for(kind: str) -> type[DocumentForm]:
    """The editing form of a kind, defined in the kind's own app."""
    return KINDS[kind].form()


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Phải nêu lý do trả lại văn bản.")},
    )


class CorrectionForm(forms.Form):
    """A published document's corrected text, and why, for its readers."""

    title = forms.CharField(label=_("Tiêu đề / trích yếu"), max_length=500)
    body = forms.CharField(label=_("Nội dung đã đính chính"), required=False, widget=BodyWidget())
    base_revision = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Lý do đính chính (người đọc sẽ thấy)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy ghi lý do để người đọc biết.")},
    )

    def __init__(self, *args, document=None, **kwargs):
        super().__init__(*args, **kwargs)
        if document is not None:
            self.fields["body"].widget.upload_url = f"?document={document.pk}"


class RecallForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do thu hồi (người đọc sẽ thấy)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy ghi lý do để người đọc biết.")},
    )


class ApproveForm(forms.Form):
    """The approver's confirmation: publish at once (the default) or at a chosen time."""

    NOW, LATER = "now", "later"
    publish = forms.ChoiceField(
        label=_("Ban hành"),
        choices=[(NOW, _("Ban hành ngay khi phê duyệt")), (LATER, _("Hẹn ngày giờ ban hành"))],
        initial=NOW,
        widget=forms.RadioSelect,
    )
    publish_at = forms.DateTimeField(
        label=_("Ban hành lúc"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def clean(self):
        data = super().clean()
        if data.get("publish") != self.LATER:
            data["publish_at"] = timezone.now()
        elif not data.get("publish_at"):
            self.add_error("publish_at", _("Hãy chọn ngày giờ ban hành."))
        elif data["publish_at"] <= timezone.now():
            self.add_error("publish_at", _("Giờ hẹn ban hành phải sau thời điểm hiện tại."))
        return data


class ImportForm(forms.Form):
    """A .docx, .doc, .rtf, .odt or .txt file, imported into a new draft; the format is read
    from content."""

    kind = forms.ChoiceField(label=_("Loại văn bản"), choices=kind_choices)
    issuer = forms.ModelChoiceField(
        label=_("Đơn vị ban hành"), queryset=Organisation.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=_("Tệp văn bản (.docx, .doc, .rtf, .odt hoặc .txt)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.doc,.rtf,.odt,.txt,text/plain"}),
    )

    def __init__(self, *args, issuers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers

    def clean_file(self) -> bytes:
        """The upload's bytes, once they read as UTF-8 text or as a .docx archive."""
        from django.conf import settings
        from django.utils.translation import gettext

        from portal.importing import ImportRefused, detect_format

        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn để nhập."))
        data = upload.read()
        try:
            detect_format(data)
        except ImportRefused as exc:
            raise forms.ValidationError(gettext(str(exc))) from exc
        return data


# --- the filter of the page of propagated documents ---

_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


class MonthField(forms.CharField):
    """A month written "2024-12" (as <input type="month"> sends it), cleaned to a period index."""

    default_error_messages = {
        "invalid": _("Tháng không hợp lệ, hãy chọn theo dạng năm-tháng (2024-12).")
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = _MONTH_RE.match(value.strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(match.group(1)) * 12 + int(match.group(2)) - 1


class PropagandaFilterForm(forms.Form):
    start = MonthField(label=_("Từ tháng"), required=False)
    end = MonthField(label=_("Đến tháng"), required=False)
    issuer = forms.ModelChoiceField(
        label=_("Đơn vị ban hành văn bản trích dẫn"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Tất cả"),
    )

    cited_issuer = forms.ChoiceField(
        label=_("Cơ quan ban hành văn bản được tuyên truyền"), required=False
    )

    def __init__(self, *args, issuers, cited_issuers: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers
        self.fields["cited_issuer"].choices = [("", _("Tất cả")), *cited_issuers]
        self.fields["start"].widget.input_type = "month"
        self.fields["end"].widget.input_type = "month"


# Where the due day falls, for the periods' kinds the portal has (a month or a quarter).
MONTH_OFFSETS = list(DUE_MONTHS.items())


class DeadlineForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Cấp đặt hạn (các ban ở dưới phải nộp)"),
        queryset=Organisation.objects.none(),
        empty_label=None,
    )
    kind = forms.ChoiceField(label=_("Loại văn bản"))
    month_offset = forms.TypedChoiceField(
        label=_("Hạn vào"), choices=MONTH_OFFSETS, coerce=int, initial=-1
    )
    day = forms.IntegerField(label=_("ngày"), min_value=1, max_value=31, initial=25)
    remind_days = forms.IntegerField(
        label=_("Nhắc trước (ngày)"), min_value=0, max_value=30, initial=3
    )

    def __init__(self, *args, setters=None, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        if setters is not None:
            self.fields["organisation"].queryset = setters
        self.fields["kind"].choices = list(kinds)


class DeadlineExceptionForm(forms.Form):
    deadline = forms.ModelChoiceField(label=_("Hạn nộp"), queryset=None, empty_label=None)
    period = MonthField(label=_("Kỳ (tháng đầu kỳ)"))
    due = forms.DateField(
        label=_("Hạn mới (để trống: kỳ này không phải nộp)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("Lý do"), max_length=300)

    def __init__(self, *args, deadlines=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].queryset = deadlines
        self.fields["deadline"].label_from_instance = deadline_name
        self.fields["period"].widget.input_type = "month"


def deadline_name(deadline) -> str:
    """ "Bản tin · Thành ủy Hải Phòng": a deadline as people name it."""
    return f"{deadline.get_kind_display()} · {deadline.organisation.name}"
