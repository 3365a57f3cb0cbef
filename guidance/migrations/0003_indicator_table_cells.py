from django.db import migrations, models

from guidance.indicators import read_indicator_table


def _table_of(report, IndicatorSource) -> dict[tuple[str, str], dict]:
    """The cells of the report's body table by (TT, name), as the rows were read from it."""
    source = IndicatorSource.objects.filter(report=report).select_related("revision").first()
    revision = source.revision if source and source.revision else None
    revision = revision or report.document.current_revision
    table = read_indicator_table(revision.body_html) if revision else None
    rows = table.rows if table else []
    return {
        (row.cells.get("code", "")[:20], row.cells.get("name", "")[:500] or "-"): row.cells
        for row in rows
    }


def mark_where_rows_come_from(apps, schema_editor):
    """A row found in the body table gets the cells it was read from; a row the pull added
    (it names its sources and is not in the table) gets none; any other row an empty mark,
    so that the next change of the table reads it afresh."""
    Indicator = apps.get_model("guidance", "Indicator")
    Report = apps.get_model("guidance", "Report")
    IndicatorSource = apps.get_model("guidance", "IndicatorSource")
    reports = Report.objects.filter(indicators__isnull=False).distinct()
    for report in reports.select_related("document__current_revision"):
        cells = _table_of(report, IndicatorSource)
        for row in Indicator.objects.filter(report=report, source_report__isnull=True):
            found = cells.get((row.code, row.name))
            row.table_cells = found if found is not None else (None if row.source else {})
            row.save(update_fields=["table_cells"])


class Migration(migrations.Migration):
    dependencies = [
        ("guidance", "0002_indicators"),
        ("portal", "0003_cited_documents"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="table_cells",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mark_where_rows_come_from, migrations.RunPython.noop),
    ]
