"""Backup and restore: one archive of an instance, restored into an empty second one."""

import hashlib
import io
import json
import os
import subprocess
import sys
import threading
import zipfile
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import close_old_connections, connection
from django.utils import timezone
from PIL import Image

from portal.models import Document, DocumentImage, RenderedFile
from portal.services import backup
from portal.services.documents import document_create
from portal.services.images import image_upload
from portal.services.receipts import receipt_record
from portal.services.register import register_next_number
from portal.services.workflow import document_return
from tests.factories import make_document
from tests.guidance.test_indicators import make_report
from tests.portal import backup_probe

CITING = (
    "<h2>I. MỤC ĐÍCH, YÊU CẦU</h2><p>Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ"
    " Chính trị và Kết luận số 118-KL/TW ngày 18/01/2025 của Bộ Chính trị.</p>"
)
# Tables the instance built below must fill, or the comparison would prove little.
FILLED = (
    "auth.user",
    "mfa.authenticator",
    "portal.organisation",
    "portal.membership",
    "portal.document",
    "portal.revision",
    "portal.renderedfile",
    "portal.workflowevent",
    "portal.registerentry",
    "portal.receipt",
    "portal.documentimage",
    "portal.citeddocument",
    "portal.citation",
    "bulletins.bulletin",
    "guidance.guidance",
    "guidance.report",
    "guidance.indicator",
    "django_tasks_database.dbtaskresult",
)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (6, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def _bulletin(users, orgs, month: int, state: str, **options) -> Document:
    fields = {"period_month": month, "period_year": 2024}
    title = f"Thông tin sinh hoạt chi bộ tháng {month} năm 2024"
    return make_document(users, orgs, state=state, title=title, kind_fields=fields, **options)


def _instance(users, orgs) -> dict[str, Document]:
    """Documents in every state, made through the services."""
    published = _bulletin(users, orgs, 10, "published")
    receipt_record(document=published, user=users["vanhuong.secretary"])
    _bulletin(users, orgs, 11, "approved")
    returned = _bulletin(users, orgs, 9, "submitted")
    document_return(document=returned, actor=users["doson.head"], reason="Thiếu số liệu tháng.")
    forwarded = _bulletin(users, orgs, 8, "forwarded")
    draft = _bulletin(users, orgs, 12, "draft")
    upload = SimpleUploadedFile("anh.png", _png(), content_type="image/png")
    image_upload(document=draft, actor=users["doson.editor"], upload=upload)
    make_report(users, orgs, state="submitted")
    # Approved last and not rendered: its render task waits in the task table.
    make_document(
        users,
        orgs,
        kind="guidance",
        state="approved",
        title="Hướng dẫn tuyên truyền",
        body_html=CITING,
        render=False,
    )
    return {"published": published, "forwarded": forwarded}


def _backup(target: Path) -> list[str]:
    out, err = StringIO(), StringIO()
    call_command("backup", "-o", str(target), stdout=out, stderr=err)
    return out.getvalue().splitlines() + err.getvalue().splitlines()


@contextmanager
def _second_instance(folder: Path, vendor: str):
    """The environment of a second instance: its own empty database and file folders."""
    folder.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DEBUG": "1",
        "ALLOWED_HOSTS": "testserver",
        "MEDIA_ROOT": str(folder / "media"),
        "PRIVATE_ROOT": str(folder / "private"),
    }
    if vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{folder / 'restored.sqlite3'}"
        yield env
        return
    import psycopg
    from psycopg import sql

    own = connection.settings_dict
    name = f"{own['NAME']}_restored"
    server = {
        "host": own["HOST"] or "127.0.0.1",
        "port": own["PORT"] or 5432,
        "user": own["USER"],
        "password": own["PASSWORD"] or None,
    }
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        password = f":{quote(server['password'])}" if server["password"] else ""
        env["DATABASE_URL"] = (
            f"postgres://{quote(server['user'])}{password}@{server['host']}:{server['port']}/{name}"
        )
        try:
            yield env
        finally:
            admin.execute(drop)


def _run(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _restore_elsewhere(folder: Path, vendor: str, archive: Path, **probe: object):
    """Migrate an empty second instance, restore the archive there, and probe it."""
    with _second_instance(folder, vendor) as env:
        _run(env, "manage.py", "migrate", "-v0")
        restored = _run(env, "manage.py", "restore", str(archive))
        found = _run(
            env,
            "-m",
            "tests.portal.backup_probe",
            *(f"--{name}={value}" for name, value in probe.items()),
        )
    return restored, json.loads(found.splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_a_restored_instance_holds_the_same_and_works(tmp_path, users, orgs):
    documents = _instance(users, orgs)
    published, forwarded = documents["published"], documents["forwarded"]
    pdf = RenderedFile.objects.get(revision=published.approved_revision, format="pdf")
    with pdf.file.open("rb") as stored:
        pdf_sha256 = hashlib.sha256(stored.read()).hexdigest()
    next_number = register_next_number(document=forwarded, day=timezone.localdate())
    rows, files = backup_probe.table_rows(), backup_probe.stored_files()
    assert [label for label in FILLED if not rows[label]] == []
    assert {name.split("/")[0] for name in files} == {"media", "private"}

    archive = tmp_path / "backup.zip"
    output = _backup(archive)
    assert output[-1].startswith(f"Đã sao lưu vào {archive}: ")
    assert archive.stat().st_mode & 0o777 == 0o600  # password hashes and every text

    # Into the same database vendor; from PostgreSQL also into SQLite: the data is portable.
    vendors = [connection.vendor] + (["sqlite"] if connection.vendor == "postgresql" else [])
    for vendor in vendors:
        restored, found = _restore_elsewhere(
            tmp_path / f"restored-{vendor}",
            vendor,
            archive,
            approve=forwarded.pk,
            download=published.pk,
            reader="vanhuong.secretary",
        )
        assert "Kiểm tra mã băm sha256" in restored
        assert restored.splitlines()[-1].startswith(f"Đã khôi phục từ {archive}: "), vendor
        for label, expected in rows.items():
            assert found["rows"][label] == expected, (vendor, label)
        assert found["files"] == files, vendor

        works = found["works"]
        assert works["number"] == next_number, vendor
        assert works["link_status"] == 302, vendor
        assert works["download_status"] == 200, vendor
        assert works["download_sha256"] == pdf_sha256, vendor
        assert works["new_document"] > max(row["id"] for row in rows["portal.document"]), vendor


@pytest.fixture
def archive(tmp_path, users, orgs) -> Path:
    """A small archive: the demo tree and a draft with an image."""
    draft = make_document(users, orgs)
    upload = SimpleUploadedFile("anh.png", _png(), content_type="image/png")
    image_upload(document=draft, actor=users["doson.editor"], upload=upload)
    target = tmp_path / "small.zip"
    _backup(target)
    return target


def _rewritten(source: Path, *, manifest=None, members: dict[str, bytes] | None = None) -> Path:
    """A copy of an archive with its manifest or some members changed."""
    target = source.with_name(f"changed-{source.name}")
    target.unlink(missing_ok=True)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == "manifest.json" and manifest:
                data = json.dumps(manifest(json.loads(data))).encode()
            new.writestr(info.filename, (members or {}).get(info.filename, data))
    return target


def _restore(*args) -> str:
    out = StringIO()
    call_command("restore", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_restore_refuses_a_database_that_holds_data(archive):
    with pytest.raises(CommandError, match="đã có dữ liệu.*auth.user: "):
        _restore(archive)


def test_restore_refuses_an_archive_of_newer_code(archive):
    def later(manifest):
        manifest["migrations"]["portal"].append("9999_later")
        return manifest

    with pytest.raises(CommandError, match="mới hơn.*portal.9999_later"):
        _restore(_rewritten(archive, manifest=later))


def test_restore_names_the_migrations_of_an_older_archive(archive):
    names = json.loads(zipfile.ZipFile(archive).read("manifest.json"))["migrations"]["portal"]

    def older(manifest):
        manifest["migrations"]["portal"].remove(names[-1])
        return manifest

    with pytest.raises(CommandError, match=f"manage.py migrate portal {names[-2]}"):
        _restore(_rewritten(archive, manifest=older))


def test_check_reads_every_file_and_refuses_a_damaged_one(archive, tmp_path):
    assert "nguyên vẹn: " in _restore("--check", archive)
    image = DocumentImage.objects.get().file.name
    damaged = _rewritten(archive, members={f"files/media/{image}": b"not the image"})
    with pytest.raises(CommandError, match=f"files/media/{image} không khớp mã băm"):
        _restore("--check", damaged)
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"PK but not a zip")
    with pytest.raises(CommandError, match="không phải bản sao lưu"):
        _restore("--check", garbage)


def test_restore_refuses_a_file_name_outside_the_folders(archive):
    def outside(manifest):
        manifest["files"][0]["name"] = "media/../../outside.png"
        return manifest

    with pytest.raises(CommandError, match="tên tệp không hợp lệ"):
        _restore("--check", _rewritten(archive, manifest=outside))


def test_backup_names_a_file_referred_to_but_missing(tmp_path, users, orgs):
    draft = make_document(users, orgs)
    upload = SimpleUploadedFile("anh.png", _png(), content_type="image/png")
    stored = image_upload(document=draft, actor=users["doson.editor"], upload=upload)
    Path(stored.file.path).unlink()
    output = _backup(tmp_path / "a.zip")
    assert f"Thiếu tệp media/{stored.file.name}: có bản ghi trỏ tới nhưng không thấy tệp." in output
    assert [line for line in output if line.endswith("; thiếu 1 tệp (xem trên).")]
    with zipfile.ZipFile(tmp_path / "a.zip") as written:
        manifest = json.loads(written.read("manifest.json"))
        assert manifest["missing_files"] == [f"media/{stored.file.name}"]
        assert manifest["counts"]["portal.documentimage"] == 1
        assert not [n for n in written.namelist() if n.startswith("files/media/")]


def test_backup_never_overwrites_a_file(tmp_path, users):
    target = tmp_path / "old.zip"
    target.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="đã có; bản sao lưu không ghi đè"):
        _backup(target)
    assert target.read_bytes() == b"an older backup"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_backup_reads_the_database_at_one_moment(tmp_path, users, orgs, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("two connections writing at once need PostgreSQL; CI runs this on PostgreSQL")
    make_document(users, orgs, title="before")
    write_data = backup._write_data

    def someone_saves_meanwhile(*args, **kwargs):
        def save() -> None:
            try:
                document_create(
                    kind="guidance",
                    issuer=orgs["doson-btg"],
                    actor=users["doson.editor"],
                    title="during",
                    body_html=CITING,
                    fields={},
                    kind_fields={},
                )
            finally:
                close_old_connections()

        writer = threading.Thread(target=save)
        writer.start()
        writer.join()
        return write_data(*args, **kwargs)

    monkeypatch.setattr(backup, "_write_data", someone_saves_meanwhile)
    _backup(tmp_path / "a.zip")
    assert Document.objects.count() == 2  # the other save went through
    with zipfile.ZipFile(tmp_path / "a.zip") as written:
        manifest = json.loads(written.read("manifest.json"))
        lines = [json.loads(line) for line in written.read("data.jsonl").splitlines()]
    titles = [line["fields"]["title"] for line in lines if line["model"] == "portal.document"]
    assert titles == ["before"]
    for label, count in manifest["counts"].items():
        assert sum(1 for line in lines if line["model"] == label) == count, label
