"""The administrators' page for reorganising the tree: paste or upload a plan, preview it,
confirm to apply it, and the reorganisations applied so far."""

import json
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.access import held_roles
from portal.kinds import KINDS
from portal.models import Document, Membership, Reorganisation
from portal.services.reorganisation import reorganisation_apply, reorganisation_preview

MAX_PLAN_BYTES = 1_000_000


class PlanForm(forms.Form):
    """A plan as JSON, pasted or uploaded (the file wins)."""

    plan = forms.CharField(
        label=_("Phương án (JSON)"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    plan_file = forms.FileField(label=_("hoặc tải tệp phương án (.json)"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("plan_file")
        if upload is not None and upload.size > MAX_PLAN_BYTES:
            raise ValidationError(_("Tệp phương án quá lớn."))
        text = upload.read().decode("utf-8", "replace") if upload is not None else data["plan"]
        if not text.strip():
            raise ValidationError(_("Hãy dán hoặc tải lên phương án."))
        try:
            data["plan_data"] = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _(
                    "Phương án không phải JSON hợp lệ: lỗi ở dòng %(line)s, cột %(column)s "
                    "(thiếu dấu phẩy, ngoặc hoặc dấu nháy?)."
                )
                % {"line": exc.lineno, "column": exc.colno}
            ) from exc
        data["plan"] = json.dumps(data["plan_data"], ensure_ascii=False, indent=2)
        return data


def readable(outcome: dict) -> dict:
    """A preview or summary with its codes in words: roles, kinds and statuses by their
    Vietnamese labels, the effective day as a date."""
    outcome = dict(outcome)
    roles, statuses = dict(Membership.Role.choices), dict(Document.Status.choices)
    outcome["memberships"] = [
        {**m, "role": roles.get(m.get("role"), m.get("role"))}
        for m in outcome.get("memberships", [])
    ]
    outcome["open_documents"] = [
        {**d, "status": statuses.get(d.get("status"), d.get("status"))}
        for d in outcome.get("open_documents", [])
    ]
    outcome["registers"] = [
        {**r, "kind": KINDS[r["kind"]].label if r.get("kind") in KINDS else r.get("kind")}
        for r in outcome.get("registers", [])
    ]
    if isinstance(outcome.get("effective_on"), str):
        outcome["effective_on"] = date.fromisoformat(outcome["effective_on"])
    return outcome


def _require_admin(user) -> None:
    """A superuser, or an administrator of some part of the tree (the service keeps them to
    their part)."""
    if not (user.is_superuser or any(h.role == Membership.Role.ADMIN for h in held_roles(user))):
        raise PermissionDenied(_("Chỉ quản trị viên được sắp xếp tổ chức."))


@login_required
@require_http_methods(["GET", "POST"])
def reorganisation_list(request):
    """The form, the preview of a posted plan, its application on confirmation, the past."""
    _require_admin(request.user)
    form = PlanForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        plan = form.cleaned_data["plan_data"]
        try:
            if request.POST.get("confirm"):
                reorganisation = reorganisation_apply(plan=plan, actor=request.user)
                messages.success(
                    request,
                    _("Đã áp dụng phương án “%(name)s”.") % {"name": reorganisation.name},
                )
                target = reverse("portal:reorganisation_detail", args=[reorganisation.pk])
                return HttpResponseRedirect(target)
            preview = readable(reorganisation_preview(plan=plan, actor=request.user))
        except ValidationError as exc:
            form.add_error(None, exc)
    past = Reorganisation.objects.select_related("applied_by")[:50]
    plan_text = form.cleaned_data.get("plan") if preview is not None else None
    context = {"form": form, "preview": preview, "plan_text": plan_text, "past": past}
    return render(request, "portal/reorganisation_list.html", context)


@login_required
@require_GET
def reorganisation_detail(request, pk: int):
    """One applied reorganisation: what it did, who applied it and when."""
    _require_admin(request.user)
    reorganisation = get_object_or_404(Reorganisation.objects.select_related("applied_by"), pk=pk)
    context = {"reorganisation": reorganisation, "outcome": readable(reorganisation.summary)}
    return render(request, "portal/reorganisation_detail.html", context)


urlpatterns = [
    path("", reorganisation_list, name="reorganisation_list"),
    path("<int:pk>/", reorganisation_detail, name="reorganisation_detail"),
]
