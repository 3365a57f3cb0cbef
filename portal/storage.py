"""Where the official files of approved revisions are kept: apart from the body images.

Body images live under ``MEDIA_ROOT`` and keep their ``MEDIA_URL`` address, answered by the
application with their document's access check (``portal.image_views``); the rendered PDF
and DOCX live under ``PRIVATE_ROOT``, have no URL, and leave the server only through the
access-checked view and its signed link (``portal.downloads``).
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    """A file system storage rooted at ``PRIVATE_ROOT`` whose files have no public URL."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("Private files are served through signed download links only.")


def private_storage():
    """The storage of rendered files (a callable, so migrations do not freeze the setting)."""
    return storages["private"]
