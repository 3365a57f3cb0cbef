"""A downloaded file is named after what it is: kind, its own period or number, issuer."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import translation

from portal.filenames import ascii_name, download_name
from tests.factories import make_document

BULLETIN_NAME = "Bản tin tháng 12-2026 Ban Tuyên giáo Quận ủy Đồ Sơn"


def test_ascii_name_drops_accents_and_joins_words_with_hyphens():
    assert ascii_name(BULLETIN_NAME) == "Ban-tin-thang-12-2026-Ban-Tuyen-giao-Quan-uy-Do-Son"
    assert ascii_name("ĐẢNG ỦY Ưu Ơi") == "DANG-UY-Uu-Oi"
    assert ascii_name('"; \r\n/..') == ""


@pytest.mark.parametrize(
    ("kind", "issuer", "editor", "fields", "expected"),
    [
        ("bulletin", "doson-btg", "doson.editor", {"period_month": 12, "period_year": 2026},
         BULLETIN_NAME),
        ("report", "doson-btg", "doson.editor", {"quarter": 1, "year": 2023},
         "Báo cáo quý 1-2023 Ban Tuyên giáo Quận ủy Đồ Sơn"),
        ("guidance", "hp-btg", "hp.editor", {},
         "Hướng dẫn số 1-HD-BTGTU Ban Tuyên giáo Thành ủy Hải Phòng"),
        # A kind that names no period of its own (the throw-away plan) goes by its number.
        ("plan", "doson-btg", "doson.editor", {"year": 2027},
         "Kế hoạch số 1-KH-BTGQU Ban Tuyên giáo Quận ủy Đồ Sơn"),
    ],
)  # fmt: skip
def test_each_kind_is_named_by_its_period_or_its_number(
    users, orgs, kind, issuer, editor, fields, expected
):
    document = make_document(users, orgs, kind=kind, issuer=issuer, editor=editor,
                             kind_fields=fields, state="approved", render=False)  # fmt: skip
    assert download_name(document) == expected


def test_the_name_is_vietnamese_whatever_the_interface_language(users, orgs):
    document = make_document(users, orgs, kind_fields={"period_month": 12, "period_year": 2026})
    with translation.override("en"):
        assert download_name(document) == BULLETIN_NAME


def _download(client, document):
    link = client.get(reverse("portal:document_pdf", args=[document.pk]))["Location"]
    return link, client.get(link)


def test_the_download_carries_an_ascii_name_and_the_vietnamese_one(client, users, orgs):
    document = make_document(
        users, orgs, state="published", kind_fields={"period_month": 12, "period_year": 2026}
    )
    client.force_login(users["vanhuong.secretary"])
    link, response = _download(client, document)
    assert link.endswith("/" + quote(f"{BULLETIN_NAME}.pdf"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="Ban-tin-thang-12-2026-Ban-Tuyen-giao-Quan-uy-Do-Son.pdf"; '
        "filename*=UTF-8''" + quote(f"{BULLETIN_NAME}.pdf", safe="")
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_name_edited_in_the_link_cannot_break_out_of_the_header(client, users, orgs):
    document = make_document(users, orgs, state="published")
    client.force_login(users["vanhuong.secretary"])
    link, _response = _download(client, document)
    token_part = link.rsplit("/", 1)[0]
    edited = client.get(token_part + "/" + quote('a"; filename=evil.exe', safe=""))
    assert edited.status_code == 200
    assert edited["Content-Disposition"] == (
        'attachment; filename="a-filename-evil.pdf"; '
        "filename*=UTF-8''a%22%3B%20filename%3Devil.exe"
    )
