import shutil
from pathlib import Path

from django.conf import settings
from django.db import migrations, models

import portal.storage


def move_rendered_files(apps, schema_editor):
    """Move files rendered before into the private root; none is left public or lost."""
    Revision = apps.get_model("portal", "Revision")
    public, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_ROOT)
    names = Revision.objects.values_list("pdf", "docx")
    for name in (name for pair in names for name in pair if name):
        source, target = public / name, private / name
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(source, target)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_cited_documents"),
    ]

    operations = [
        migrations.AlterField(
            model_name="revision",
            name="docx",
            field=models.FileField(
                blank=True, storage=portal.storage.private_storage, upload_to="rendered/%Y/"
            ),
        ),
        migrations.AlterField(
            model_name="revision",
            name="pdf",
            field=models.FileField(
                blank=True, storage=portal.storage.private_storage, upload_to="rendered/%Y/"
            ),
        ),
        migrations.RunPython(move_rendered_files, migrations.RunPython.noop),
    ]
