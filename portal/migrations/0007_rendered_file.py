import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import portal.storage

FORMATS = ("pdf", "docx")


def files_to_table(apps, schema_editor):
    """Each stored file of a revision becomes a row of its format, same name, etag and date."""
    Revision = apps.get_model("portal", "Revision")
    RenderedFile = apps.get_model("portal", "RenderedFile")
    rows = []
    for revision in Revision.objects.exclude(pdf="", docx="").iterator():
        for fmt in FORMATS:
            name = getattr(revision, fmt).name
            if name:
                rows.append(
                    RenderedFile(
                        revision_id=revision.pk,
                        format=fmt,
                        file=name,
                        etag=getattr(revision, f"{fmt}_etag"),
                        created_at=revision.rendered_at or revision.created_at,
                    )
                )
    RenderedFile.objects.bulk_create(rows, batch_size=500)


def table_to_files(apps, schema_editor):
    """Back to the columns: the PDF and DOCX rows of each revision, other formats dropped."""
    Revision = apps.get_model("portal", "Revision")
    RenderedFile = apps.get_model("portal", "RenderedFile")
    for stored in RenderedFile.objects.filter(format__in=FORMATS).iterator():
        Revision.objects.filter(pk=stored.revision_id).update(
            **{stored.format: stored.file.name, f"{stored.format}_etag": stored.etag},
            rendered_at=stored.created_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0006_cited_document_scope"),
    ]

    operations = [
        migrations.CreateModel(
            name="RenderedFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("format", models.CharField(max_length=20)),
                (
                    "file",
                    models.FileField(
                        storage=portal.storage.private_storage, upload_to="rendered/%Y/"
                    ),
                ),
                ("etag", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "revision",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rendered_files",
                        to="portal.revision",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("revision", "format"), name="unique_rendered_file_format"
                    )
                ],
            },
        ),
        migrations.RunPython(files_to_table, table_to_files),
        migrations.RemoveField(model_name="revision", name="docx"),
        migrations.RemoveField(model_name="revision", name="docx_etag"),
        migrations.RemoveField(model_name="revision", name="pdf"),
        migrations.RemoveField(model_name="revision", name="pdf_etag"),
        migrations.RemoveField(model_name="revision", name="rendered_at"),
    ]
