from django.db import migrations, models


def mark_rows_read_from_the_table(apps, schema_editor):
    """Rows that are not a district's pulled figure were read from the body table; their
    cells were not kept, so the next change of the table reads them afresh."""
    Indicator = apps.get_model("guidance", "Indicator")
    Indicator.objects.filter(source_report__isnull=True).update(table_cells={})


class Migration(migrations.Migration):
    dependencies = [
        ("guidance", "0002_indicators"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="table_cells",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mark_rows_read_from_the_table, migrations.RunPython.noop),
    ]
