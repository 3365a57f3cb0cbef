from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def fill(apps, schema_editor):
    """A report's document is about its quarter (portal.Document.period_first/last)."""
    Document = apps.get_model("portal", "Document")
    Report = apps.get_model("guidance", "Report")
    first = Report.objects.filter(document_id=OuterRef("pk")).annotate(
        index=F("year") * 12 + (F("quarter") - 1) * 3
    )
    Document.objects.filter(report__isnull=False).update(
        period_first=Subquery(first.values("index")[:1]),
        period_last=Subquery(first.values("index")[:1]) + 2,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("guidance", "0004_indicator_typed_figures"),
        ("portal", "0013_derived_columns_and_working_copy"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
