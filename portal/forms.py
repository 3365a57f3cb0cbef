"""Forms validate input and hand cleaned data to services; they save nothing themselves."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_ckeditor_5.widgets import CKEditor5Widget

from portal.models import Document, Organisation

SHARED_FIELDS = ("title", "recipients", "authority_line", "signer_title", "signer_name")


class BodyWidget(CKEditor5Widget):
    """CKEditor 5 whose image uploads go to the document's own upload URL."""

    def __init__(self, *args, upload_url: str = "", **kwargs):
        super().__init__(*args, config_name="default", **kwargs)
        self.upload_url = upload_url

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if self.upload_url:
            html = html.replace('data-upload-url="', f'data-upload-url="{self.upload_url}', 1)
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


def form_class_for(kind: str) -> type[DocumentForm]:
    """The editing form of a kind, defined in the kind's own app."""
    from bulletins.forms import BulletinForm
    from guidance.forms import GuidanceForm, ReportForm

    return {"bulletin": BulletinForm, "guidance": GuidanceForm, "report": ReportForm}[kind]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Phải nêu lý do trả lại văn bản.")},
    )


class ImportForm(forms.Form):
    """A plain-text file like the seeds, imported into a new draft."""

    kind = forms.ChoiceField(label=_("Loại văn bản"), choices=Document.Kind.choices)
    issuer = forms.ModelChoiceField(
        label=_("Đơn vị ban hành"), queryset=Organisation.objects.none(), empty_label=None
    )
    file = forms.FileField(label=_("Tệp văn bản (.txt, UTF-8)"))

    def __init__(self, *args, issuers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers

    def clean_file(self) -> str:
        from django.conf import settings

        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn để nhập."))
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(
                _("Tệp không phải văn bản thuần (UTF-8). Hãy lưu tệp dưới dạng .txt rồi thử lại.")
            ) from exc
        if "\x00" in text or not text.strip():
            raise forms.ValidationError(_("Tệp không phải văn bản thuần hoặc không có nội dung."))
        return text
