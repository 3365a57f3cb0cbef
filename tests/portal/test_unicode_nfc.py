"""Decomposed Unicode (NFD) is stored composed (NFC) on every way in: services, forms, import."""

import unicodedata

from django.urls import reverse

from guidance.models import Indicator
from portal.services.documents import document_create, document_update
from portal.services.imports import document_import
from tests.factories import make_document
from tests.guidance.test_indicators import appendix_html


def nfd(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    return decomposed


def nfc(value: str) -> bool:
    return unicodedata.is_normalized("NFC", value)


CLOSING = {
    "recipients": "Các chi bộ trực thuộc\nLưu Ban Tuyên giáo",
    "authority_line": "K/T TRƯỞNG BAN",
    "signer_title": "PHÓ TRƯỞNG BAN",
    "signer_name": "Nguyễn Thị Hạnh",
}
BODY = '<p>Tuyên truyền đại hội<span class="footnote">Nghị quyết số 45-NQ/TU.</span></p>'


def stored(document) -> list[str]:
    document.refresh_from_db()
    return [
        document.title,
        document.current_revision.body_html,
        *(getattr(document, name) for name in CLOSING),
    ]


def test_services_store_nfc(users, orgs):
    document = document_create(
        kind="bulletin",
        issuer=orgs["doson-btg"],
        actor=users["doson.editor"],
        title=nfd("Thông tin sinh hoạt chi bộ tháng 12 năm 2024"),
        body_html=nfd(BODY),
        fields={name: nfd(value) for name, value in CLOSING.items()},
        kind_fields={"period_month": 12, "period_year": 2024},
    )
    assert stored(document) == [
        "Thông tin sinh hoạt chi bộ tháng 12 năm 2024",
        BODY,
        *CLOSING.values(),
    ]
    document_update(
        document=document,
        actor=users["doson.editor"],
        title=nfd("Thông tin tháng mười hai"),
        body_html=nfd("<p>Đoạn sửa lại.</p>"),
        fields={name: nfd(value + " mới") for name, value in CLOSING.items()},
    )
    values = stored(document)
    assert values[:2] == ["Thông tin tháng mười hai", "<p>Đoạn sửa lại.</p>"]
    assert all(nfc(value) for value in values)
    assert document.recipients == "Các chi bộ trực thuộc\nLưu Ban Tuyên giáo mới"


def test_edit_form_stores_nfc(client, users, orgs):
    document = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    response = client.post(
        reverse("portal:document_edit", args=[document.pk]),
        {
            "title": nfd("Thông tin sinh hoạt chi bộ tháng 12 năm 2024"),
            "body": nfd(BODY),
            **{name: nfd(value) for name, value in CLOSING.items()},
            "period_month": 12,
            "period_year": 2024,
            "base_revision": 1,
        },
    )
    assert response.status_code == 302
    values = stored(document)
    assert values[1] == BODY
    assert all(nfc(value) for value in values)
    assert document.signer_name == "Nguyễn Thị Hạnh"


def test_indicator_rows_of_an_nfd_body_are_nfc(users, orgs):
    document = document_create(
        kind="report",
        issuer=orgs["doson-btg"],
        actor=users["doson.editor"],
        title="Báo cáo quý 1 năm 2023",
        body_html=nfd(appendix_html()),
        kind_fields={"quarter": 1, "year": 2023},
    )
    rows = list(Indicator.objects.filter(report_id=document.pk))
    assert rows
    assert all(nfc(row.name) and nfc(row.unit) for row in rows)
    assert "Tổng thu ngân sách trên địa bàn" in {row.name for row in rows}
    assert "Lượt người" in {row.unit for row in rows}


def test_import_of_nfd_text_stores_nfc_and_finds_the_closing(users, orgs):
    text = "\n\n".join(
        [
            "HƯỚNG DẪN",
            "Tuyên truyền kết quả đại hội đại biểu Đảng bộ quận",
            "I. MỤC ĐÍCH, YÊU CẦU",
            "1. Tạo sự thống nhất trong toàn Đảng bộ.",
            "Nơi nhận:",
            "- Các chi bộ trực thuộc,",
            "- Lưu BTG.",
            "K/T TRƯỞNG BAN",
            "PHÓ TRƯỞNG BAN",
            "Nguyễn Thị Hạnh",
        ]
    )
    document, _ = document_import(
        kind="guidance",
        issuer=orgs["doson-btg"],
        actor=users["doson.editor"],
        data=nfd(text).encode(),
    )
    assert document.title == "Tuyên truyền kết quả đại hội đại biểu Đảng bộ quận"
    assert (document.signer_title, document.signer_name) == ("PHÓ TRƯỞNG BAN", "Nguyễn Thị Hạnh")
    assert "Lưu BTG" in document.recipients
    assert all(nfc(value) for value in stored(document))
    assert "<h2" in document.current_revision.body_html
