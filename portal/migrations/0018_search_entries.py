import django.db.models.deletion
from django.db import migrations, models

# On PostgreSQL a full-text index of the folded words: search asks
# to_tsvector('simple', words) @@ to_tsquery('simple', 'term:* & …'), this very expression.
INDEX = "portal_searchentry_words_fts"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON portal_searchentry "
            "USING gin (to_tsvector('simple'::regconfig, words))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0017_revision_rows"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="portal.document",
                    ),
                ),
                ("text", models.TextField()),
                ("words", models.TextField()),
                ("title_words", models.TextField()),
                ("number_words", models.CharField(blank=True, max_length=60)),
            ],
        ),
        migrations.RunPython(create_index, drop_index),
    ]
