"""Restoring an archive of ``services.backup`` into an empty instance.

Nothing is written before the archive has been read whole and found intact (every member's
sha256) and the database found empty and at the archive's migrations. Then the stored files
go back under ``MEDIA_ROOT`` and ``PRIVATE_ROOT``, and every row is loaded in one transaction
(``loaddata``: constraints checked at the end, sequences reset on PostgreSQL), counted
against the manifest before it commits.
"""

import hashlib
import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.loader import MigrationLoader

from portal.services.backup import (
    CHUNK,
    DATA,
    FILES,
    FORMAT,
    MANIFEST,
    VERSION,
    BackupRefused,
    Progress,
    member_path,
    storage_roots,
)


@dataclass
class RestoreResult:
    rows: int
    files: int
    counts: dict[str, int]
    missing: list[str]


def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise BackupRefused(f"Không thấy tệp {path}.") from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupRefused(
            f"{path} không phải bản sao lưu của cổng (không đọc được zip)."
        ) from exc


def _manifest(archive: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise BackupRefused(
            f"{path} không có {MANIFEST} đọc được: không phải bản sao lưu."
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupRefused(f"{path} không phải bản sao lưu của cổng.")
    if manifest.get("version", 0) > VERSION:
        raise BackupRefused(
            f"Bản sao lưu theo định dạng {manifest.get('version')}, mới hơn định dạng "
            f"{VERSION} mà phiên bản này đọc được; hãy cài phiên bản mới hơn của cổng."
        )
    return manifest


def _verify(archive: zipfile.ZipFile, manifest: dict[str, Any], progress: Progress) -> None:
    """Read every member the manifest lists and compare its size and sha256."""
    entries = [(DATA, manifest["data"])]
    for entry in manifest["files"]:
        member_path(entry["name"])
        entries.append((FILES + entry["name"], entry))
    progress(f"Kiểm tra mã băm sha256 của dữ liệu và {len(entries) - 1} tệp…")
    for checked, (member, entry) in enumerate(entries, start=1):
        digest, size = hashlib.sha256(), 0
        try:
            with archive.open(member) as source:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
        except KeyError as exc:
            raise BackupRefused(f"Bản sao lưu thiếu {member}; không khôi phục gì.") from exc
        except zipfile.BadZipFile as exc:
            raise BackupRefused(f"Bản sao lưu hỏng ở {member}: {exc}; không khôi phục gì.") from exc
        if digest.hexdigest() != entry["sha256"] or size != entry["bytes"]:
            raise BackupRefused(
                f"Bản sao lưu hỏng: {member} không khớp mã băm sha256 ghi trong {MANIFEST}; "
                "không khôi phục gì."
            )
        if checked % 1000 == 0:
            progress(f"  đã kiểm tra {checked}/{len(entries)}")


def archive_check(*, path: Path, progress: Progress = lambda _line: None) -> dict[str, Any]:
    """Read the archive whole; returns its manifest, or refuses what is damaged."""
    with _open(path) as archive:
        manifest = _manifest(archive, path)
        _verify(archive, manifest, progress)
    return manifest


def _leaves(applied: set[tuple[str, str]], loader: MigrationLoader) -> list[tuple[str, str]]:
    """Per app, the last migrations of a set of applied ones."""
    leaves = []
    for key in sorted(applied):
        node = loader.graph.node_map.get(key)
        if node is None:
            continue
        later = {child.key for child in node.children if child.key[0] == key[0]}
        if not later & applied:
            leaves.append(key)
    return leaves


def _migrations_check(manifest: dict[str, Any], alias: str) -> None:
    """The database must be at the archive's migrations, which the code must know."""
    loader = MigrationLoader(connections[alias])
    archived = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    ahead = sorted(
        f"{app}.{name}"
        for app, name in archived
        if app not in loader.migrated_apps or (app, name) not in loader.disk_migrations
    )
    if ahead:
        raise BackupRefused(
            "Bản sao lưu được tạo bởi phiên bản mã mới hơn phiên bản này (có di chuyển cơ sở dữ "
            f"liệu chưa có ở đây: {', '.join(ahead[:5])}); hãy cài phiên bản mã của máy đã sao "
            "lưu rồi khôi phục."
        )
    current = {key for key in loader.applied_migrations if key[0] in loader.migrated_apps}
    if current == archived:
        return
    if set(loader.graph.leaf_nodes()) <= archived:
        steps = "chạy manage.py migrate"
    else:
        steps = (
            "trên một cơ sở dữ liệu mới tạo, chạy lần lượt "
            + "; ".join(
                f"manage.py migrate {app} {name}" for app, name in _leaves(archived, loader)
            )
            + " rồi khôi phục, sau đó chạy manage.py migrate"
        )
    raise BackupRefused(
        "Cơ sở dữ liệu đích không ở đúng trạng thái di chuyển (migration) của bản sao lưu; "
        f"hãy {steps}."
    )


def _empty_check(manifest: dict[str, Any], alias: str) -> None:
    filled = []
    # Users and documents named first: what an operator recognises.
    for label in sorted(
        manifest["counts"], key=lambda x: x not in ("auth.user", "portal.document")
    ):
        count = apps.get_model(label)._base_manager.using(alias).count()
        if count:
            filled.append(f"{label}: {count}")
    if filled:
        raise BackupRefused(
            f"Cơ sở dữ liệu đích đã có dữ liệu ({', '.join(filled[:6])}); chỉ khôi phục vào một "
            "phiên bản trống: tạo cơ sở dữ liệu mới, chạy manage.py migrate rồi khôi phục."
        )


def _restore_files(archive: zipfile.ZipFile, manifest: dict[str, Any], progress: Progress) -> int:
    roots = storage_roots()
    progress(f"Chép {len(manifest['files'])} tệp vào MEDIA_ROOT và PRIVATE_ROOT…")
    for entry in manifest["files"]:
        folder, relative = member_path(entry["name"])
        target = roots[folder].joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(FILES + entry["name"]) as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
    return len(manifest["files"])


def _load_data(
    archive: zipfile.ZipFile, manifest: dict[str, Any], alias: str, progress: Progress
) -> dict[str, int]:
    """Load every row in one transaction; counted against the manifest before it commits."""
    expected = manifest["counts"]
    progress(f"Nạp {sum(expected.values())} bản ghi trong một giao dịch…")
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / DATA
        with archive.open(DATA) as source, data.open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
        try:
            with transaction.atomic(using=alias):
                call_command("loaddata", str(data), database=alias, verbosity=0)
                counts = {
                    label: apps.get_model(label)._base_manager.using(alias).count()
                    for label in expected
                }
                wrong = [
                    f"{label}: {counts[label]} thay vì {count}"
                    for label, count in expected.items()
                    if counts[label] != count
                ]
                if wrong:
                    raise BackupRefused(
                        f"Số bản ghi nạp được không khớp bản sao lưu ({', '.join(wrong[:6])}); "
                        "đã hoàn tác, cơ sở dữ liệu vẫn trống."
                    )
        except (DatabaseError, DeserializationError, ValueError) as exc:
            raise BackupRefused(
                f"Không nạp được dữ liệu ({exc}); đã hoàn tác, cơ sở dữ liệu vẫn trống. Các tệp "
                "đã chép sẽ được ghi đè khi khôi phục lại."
            ) from exc
    return counts


def backup_restore(
    *, path: Path, alias: str = DEFAULT_DB_ALIAS, progress: Progress = lambda _line: None
) -> RestoreResult:
    """Restore the archive at ``path`` into the empty database and file roots."""
    with _open(path) as archive:
        manifest = _manifest(archive, path)
        progress(
            f"Bản sao lưu tạo lúc {manifest['created_at']} trên {manifest['database_vendor']}: "
            f"{sum(manifest['counts'].values())} bản ghi, {len(manifest['files'])} tệp."
        )
        _migrations_check(manifest, alias)
        _empty_check(manifest, alias)
        _verify(archive, manifest, progress)
        files = _restore_files(archive, manifest, progress)
        counts = _load_data(archive, manifest, alias, progress)
    return RestoreResult(
        rows=sum(counts.values()), files=files, counts=counts, missing=manifest["missing_files"]
    )
