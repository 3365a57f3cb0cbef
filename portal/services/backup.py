"""Backing up an instance into one archive: every table's rows and the stored files.

The archive is a zip file (read by name, so a restore checks the manifest before anything):

- ``manifest.json``: format and version, Django's version, the database vendor, the applied
  migrations per app, the number of rows per table, and the size and sha256 of every member;
- ``data.jsonl``: every row in Django's JSON Lines serialisation, read in one transaction
  (REPEATABLE READ on PostgreSQL), users and content types referred to by natural keys, so
  it loads into an empty instance on either database vendor;
- ``files/media/…`` and ``files/private/…``: every stored file a row refers to (body images
  under ``MEDIA_ROOT``, rendered PDF and DOCX under ``PRIVATE_ROOT``).

Left out: sessions (everyone signs in again), content types and permissions (``migrate``
makes them). The task table is kept: a render queued or a publication scheduled at backup
time still happens after a restore.
"""

import datetime
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

FORMAT = "portal-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.jsonl"
FILES = "files/"
# Made again by `migrate`, or not worth keeping: a restored session would be a stolen one.
EXCLUDED = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
CHUNK = 1024 * 1024

Progress = Callable[[str], None]


class BackupRefused(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


@dataclass
class BackupResult:
    path: Path
    rows: int
    files: int
    bytes: int
    missing: list[str] = field(default_factory=list)


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes to milliseconds; a backup keeps them whole."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def storage_roots() -> dict[str, Path]:
    """Where stored files live, by the name of their folder in the archive."""
    return {
        "media": Path(os.path.abspath(settings.MEDIA_ROOT)),
        "private": Path(os.path.abspath(settings.PRIVATE_ROOT)),
    }


def backed_up_models(alias: str = DEFAULT_DB_ALIAS) -> list[type[models.Model]]:
    """Every table the archive holds, those referred to by natural keys first."""
    app_list = [(config, None) for config in apps.get_app_configs()]
    return [
        model
        for model in serializers.sort_dependencies(app_list, allow_cycles=True)
        if model._meta.label_lower not in EXCLUDED
        and not model._meta.proxy
        and router.allow_migrate_model(alias, model)
    ]


def applied_migrations(alias: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """The migrations applied to the database, per app the code knows; refuses a database
    the code's migrations have not all reached (its rows would not read as the code's)."""
    executor = MigrationExecutor(connections[alias])
    loader = executor.loader
    pending = executor.migration_plan(loader.graph.leaf_nodes())
    if pending:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in pending[:5])
        raise BackupRefused(
            f"Cơ sở dữ liệu chưa chạy hết các di chuyển (migration) của mã này ({names}); hãy "
            "sao lưu bằng phiên bản mã đang chạy với cơ sở dữ liệu, hoặc chạy manage.py "
            "migrate trước."
        )
    applied: dict[str, list[str]] = {}
    for app_label, name in loader.applied_migrations:
        if app_label in loader.migrated_apps:
            applied.setdefault(app_label, []).append(name)
    return {app_label: sorted(names) for app_label, names in sorted(applied.items())}


class _Hashing(io.RawIOBase):
    """A write-through stream that keeps the sha256 and size of what passed."""

    def __init__(self, target: IO[bytes]):
        self._target = target
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.sha256.update(data)
        self.size += len(data)
        self._target.write(data)
        return len(data)


@contextmanager
def _snapshot(alias: str) -> Iterator[None]:
    """One transaction for every read, so that a backup taken while people work is coherent.

    On PostgreSQL, REPEATABLE READ makes every query see the database as it was at the first
    one; on SQLite, the transaction holds the database lock, and writers wait until it ends.
    Inside a transaction opened by the caller, that transaction is the snapshot.
    """
    connection = connections[alias]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=alias):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _member(archive: zipfile.ZipFile, name: str, *, compress: bool) -> IO[bytes]:
    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o600 << 16
    return archive.open(info, "w", force_zip64=True)


def _rows(model: type[models.Model], alias: str) -> Iterator[models.Model]:
    # A row refers to a user by name (natural key): fetched with the row, not one by one.
    by_natural_key = [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and hasattr(f.remote_field.model, "natural_key")
    ]
    queryset = model._base_manager.using(alias).order_by(model._meta.pk.name)
    if by_natural_key:
        queryset = queryset.select_related(*by_natural_key)
    return queryset.iterator(chunk_size=2000)


def _write_data(
    archive: zipfile.ZipFile, alias: str, tables: list[type[models.Model]]
) -> dict[str, Any]:
    """Stream every row into the archive; returns the member's name, size and sha256."""
    with _member(archive, DATA, compress=True) as member:
        hashing = _Hashing(member)
        with io.TextIOWrapper(io.BufferedWriter(hashing, CHUNK), encoding="utf-8") as text:
            objects = (row for model in tables for row in _rows(model, alias))
            serializers.serialize(
                "jsonl",
                objects,
                stream=text,
                use_natural_foreign_keys=True,
                cls=ExactJSONEncoder,
            )
    return {"name": DATA, "bytes": hashing.size, "sha256": hashing.sha256.hexdigest()}


def _archive_name(path: str, roots: dict[str, Path]) -> str:
    """'private/rendered/2026/….pdf': the root's folder and the path under it."""
    for folder, root in roots.items():
        relative = Path(path)
        if relative.is_relative_to(root):
            return f"{folder}/{relative.relative_to(root).as_posix()}"
    raise BackupRefused(
        f"Tệp {path} nằm ngoài MEDIA_ROOT và PRIVATE_ROOT; bản sao lưu chỉ chép tệp ở hai "
        "thư mục đó."
    )


def _referenced_files(alias: str, tables: list[type[models.Model]]) -> list[str]:
    """Every stored file a row refers to, by its name in the archive."""
    roots = storage_roots()
    names: set[str] = set()
    for model in tables:
        for model_field in model._meta.concrete_fields:
            if not isinstance(model_field, models.FileField):
                continue
            values = (
                model._base_manager.using(alias)
                .exclude(**{model_field.attname: ""})
                .exclude(**{f"{model_field.attname}__isnull": True})
                .values_list(model_field.attname, flat=True)
            )
            for value in values.iterator(chunk_size=2000):
                names.add(_archive_name(model_field.storage.path(value), roots))
    return sorted(names)


def _write_file(archive: zipfile.ZipFile, name: str, path: Path) -> dict[str, Any]:
    with path.open("rb") as source, _member(archive, FILES + name, compress=False) as member:
        hashing = _Hashing(member)
        while chunk := source.read(CHUNK):
            hashing.write(chunk)
    return {"name": name, "bytes": hashing.size, "sha256": hashing.sha256.hexdigest()}


def _create_private(path: Path) -> IO[bytes]:
    """A new file only its owner reads: the archive holds password hashes and every text."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise BackupRefused(
            f"Tệp {path} đã có (một bản sao lưu khác đang ghi, hoặc còn lại từ lần hỏng "
            "trước); hãy xóa nó hoặc chọn tên khác."
        ) from exc
    return os.fdopen(descriptor, "wb")


def backup_write(
    *, target: Path, alias: str = DEFAULT_DB_ALIAS, progress: Progress = lambda _line: None
) -> BackupResult:
    """Write the archive of the whole instance to ``target`` (a new file)."""
    if target.exists():
        raise BackupRefused(f"Tệp {target} đã có; bản sao lưu không ghi đè, hãy chọn tên khác.")
    if not target.parent.is_dir():
        raise BackupRefused(f"Thư mục {target.parent} không tồn tại; hãy tạo thư mục trước.")
    partial = target.with_name(target.name + ".partial")
    tables = backed_up_models(alias)
    vendor = connections[alias].vendor
    try:
        with _create_private(partial) as raw, zipfile.ZipFile(raw, "w") as archive:
            progress(f"Đọc dữ liệu trong một giao dịch ({vendor})…")
            with _snapshot(alias):
                migrations = applied_migrations(alias)
                counts = {m._meta.label_lower: m._base_manager.using(alias).count() for m in tables}
                data = _write_data(archive, alias, tables)
                referenced = _referenced_files(alias, tables)
            progress(f"Đã ghi {sum(counts.values())} bản ghi của {len(counts)} bảng.")
            progress(f"Chép {len(referenced)} tệp đã lưu…")
            files, missing = [], []
            roots = storage_roots()
            for name in referenced:
                folder, _sep, relative = name.partition("/")
                path = roots[folder] / relative
                if path.is_file():
                    files.append(_write_file(archive, name, path))
                else:
                    missing.append(name)
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": timezone.now().isoformat(),
                "django_version": django.get_version(),
                "database_vendor": vendor,
                "migrations": migrations,
                "counts": counts,
                "data": data,
                "files": files,
                "missing_files": missing,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(
        path=target,
        rows=sum(counts.values()),
        files=len(files),
        bytes=target.stat().st_size,
        missing=missing,
    )


def member_path(name: str) -> tuple[str, PurePosixPath]:
    """The root folder and the relative path of a file listed in a manifest; refuses a
    name that could land outside its root ('media/../../etc/passwd')."""
    path = PurePosixPath(name)
    parts = path.parts
    if (
        len(parts) < 2
        or parts[0] not in storage_roots()
        or path.is_absolute()
        or "\\" in name
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise BackupRefused(f"Bản sao lưu có tên tệp không hợp lệ: {name!r}; không khôi phục gì.")
    return parts[0], PurePosixPath(*parts[1:])
