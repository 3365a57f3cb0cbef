from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def fill(apps, schema_editor):
    """A bulletin's document is about its month (portal.Document.period_first/last)."""
    Document = apps.get_model("portal", "Document")
    Bulletin = apps.get_model("bulletins", "Bulletin")
    month = Bulletin.objects.filter(document_id=OuterRef("pk")).annotate(
        index=F("period_year") * 12 + F("period_month") - 1
    )
    Document.objects.filter(bulletin__isnull=False).update(
        period_first=Subquery(month.values("index")[:1]),
        period_last=Subquery(month.values("index")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bulletins", "0001_initial"),
        ("portal", "0013_derived_columns_and_working_copy"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
