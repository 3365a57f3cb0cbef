import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("portal", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Plan",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="plan",
                        serialize=False,
                        to="portal.document",
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="năm")),
            ],
        ),
    ]
