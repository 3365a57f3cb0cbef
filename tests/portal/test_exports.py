"""The document as data: `export_document --format json` and its read-only URL."""

import json
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse

from portal.services.imports import document_import
from tests.factories import make_document

SEEDS = Path(__file__).resolve().parents[2] / "portal" / "demo" / "seeds"


def _report(users, orgs):
    text = (SEEDS / "report-2023-q1-haiphong.txt").read_text(encoding="utf-8")
    document, _ = document_import(text=text, kind="report", issuer=orgs["hp"], actor=users["admin"])
    return document


def test_json_command_writes_metadata_outline_footnotes(users, orgs, tmp_path):
    document = _report(users, orgs)
    output = tmp_path / "report.json"
    call_command("export_document", str(document.pk), "--format", "json", "-o", str(output),
                 stdout=StringIO())  # fmt: skip
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["format"] == "portal-document" and data["kind"] == "report"
    assert (data["quarter"], data["year"]) == (1, 2023)
    assert data["issuer"]["code"] == "hp"
    assert data["signer_name"] == "Đỗ Mạnh Hiến"
    assert len(data["footnotes"]) == 27
    assert data["footnotes"][0].startswith("Kế hoạch của Ban Thường vụ Thành ủy")
    levels = [item["level"] for item in data["outline"]]
    assert levels.count(1) == 4 and levels.count(2) == 5
    assert data["outline"][0]["text"].startswith("I. KẾT QUẢ LÃNH ĐẠO")
    assert "<table>" in data["body_html"]
    numbered = [row for row in data["indicators"] if row["level"] == 0]
    assert [row["code"] for row in numbered] == [str(n) for n in range(1, 9)]
    revenue = next(row for row in data["indicators"] if row["code"] == "3")
    assert revenue["plan"] == ["116442.134", None]
    assert revenue["estimate"] == "24042.91"
    assert revenue["plan_ratio"]["value"] == "20,65"
    assert revenue["plan_ratio"]["status"] == "computed"
    numbers = {ref["number"] for ref in data["references"]}
    assert {"12-NQ/TW", "15-CT/TW"} <= numbers


def test_json_url_is_read_only_and_scoped(client, users, orgs):
    document = make_document(users, orgs, state="published")
    url = reverse("portal:document_json", args=[document.pk])
    client.force_login(users["vanhuong.secretary"])
    response = client.get(url)
    assert response.status_code == 200
    data = response.json()
    assert data["number"] == "1-BT/BTGQU" and data["period_month"] == 12
    assert data["footnotes"] == ["Tổ chức tại Lima, Peru."]
    assert client.post(url).status_code == 405
    client.force_login(users["ngoquyen.secretary"])
    assert client.get(url).status_code == 404
