from django.db import migrations, models

# The columns whose typed text is kept; a frozen copy of indicators.TYPED_COLUMNS.
_TYPED_COLUMNS = ("plan", "estimate", "same_period", "same_period_ratio", "plan_ratio")


def _typed_from_cells(apps, schema_editor):
    """Rows read from a body table keep the figures as typed in its cells."""
    Indicator = apps.get_model("guidance", "Indicator")
    rows = Indicator.objects.exclude(table_cells=None).only("pk", "table_cells")
    for row in rows.iterator():
        cells = row.table_cells or {}
        row.typed = {c: cells[c] for c in _TYPED_COLUMNS if cells.get(c, "").strip()}
        row.save(update_fields=["typed"])


class Migration(migrations.Migration):
    dependencies = [("guidance", "0003_indicator_table_cells")]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="typed",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="indicatorsource",
            name="headers",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(_typed_from_cells, migrations.RunPython.noop),
    ]
