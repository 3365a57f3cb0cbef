"""Background tasks (Django's tasks API): what runs off the request path."""

from django_tasks import task

from portal.services.rendering import revision_render


@task()
def render_revision(revision_id: int) -> None:
    """Render and store the official files of an approved revision."""
    revision_render(revision_id=revision_id)


@task()
def publish_when_due(document_id: int) -> None:
    """Publish an approved document at the time its approver chose."""
    from portal.services.workflow import document_publish_due  # the workflow queues this task

    document_publish_due(document_id=document_id)
