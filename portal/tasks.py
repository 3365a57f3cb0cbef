"""Background tasks (Django's tasks API): what runs off the request path."""

from django_tasks import task

from portal.services.rendering import revision_render


@task()
def render_revision(revision_id: int) -> None:
    """Render and store the official files of an approved revision."""
    revision_render(revision_id=revision_id)
