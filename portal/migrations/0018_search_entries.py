import django.db.models.deletion
from django.db import migrations, models

# On PostgreSQL the folded words' full-text vector, kept by the database itself (a stored
# generated column the models do not name), and its GIN index: search asks
# words_vector @@ to_tsquery('simple', 'term:* & …'). Stored, so that a plan reading the
# table (a small one) does not compute every row's vector again.
INDEX = "portal_searchentry_words_fts"


def create_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE portal_searchentry ADD COLUMN words_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, words)) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON portal_searchentry USING gin (words_vector)"
        )


def drop_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute("ALTER TABLE portal_searchentry DROP COLUMN words_vector")


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
        migrations.RunPython(create_vector, drop_vector),
    ]
