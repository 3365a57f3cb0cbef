"""What differs between the three kinds: their printed type name, number code and own table."""

from dataclasses import dataclass

from django.apps import apps
from django.db import models

from portal.models import Document


@dataclass(frozen=True)
class KindSpec:
    """One document kind."""

    type_name: str  # printed in capitals under the header
    code: str  # the type part of the number, "127-HD/BTGTU"
    model_label: str  # the kind's own table
    fields: tuple[str, ...]  # its own fields, edited beside the shared ones

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)


KINDS: dict[str, KindSpec] = {
    Document.Kind.BULLETIN: KindSpec(
        "BẢN TIN", "BT", "bulletins.Bulletin", ("period_month", "period_year")
    ),
    Document.Kind.GUIDANCE: KindSpec("HƯỚNG DẪN", "HD", "guidance.Guidance", ("based_on",)),
    Document.Kind.REPORT: KindSpec("BÁO CÁO", "BC", "guidance.Report", ("quarter", "year")),
}


def kind_record(document: Document) -> models.Model | None:
    """The kind-specific row of a document, if it exists."""
    accessor = {"bulletin": "bulletin", "guidance": "guidance", "report": "report"}[document.kind]
    return getattr(document, accessor, None)
