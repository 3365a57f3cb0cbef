from django.core.files.storage import default_storage
from django.db import migrations, models


def sizes_of_stored_images(apps, schema_editor):
    """Images uploaded before the quotas count with the size of their stored file (a file
    that is gone counts as nothing)."""
    DocumentImage = apps.get_model("portal", "DocumentImage")
    for image in DocumentImage.objects.only("pk", "file").iterator():
        try:
            size = default_storage.size(image.file.name)
        except OSError:
            continue
        DocumentImage.objects.filter(pk=image.pk).update(size=size)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0010_review_chain_and_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name="documentimage",
            name="size",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="documentimage",
            name="file",
            field=models.FileField(db_index=True, upload_to="images/%Y/%m/"),
        ),
        migrations.RunPython(sizes_of_stored_images, migrations.RunPython.noop),
    ]
