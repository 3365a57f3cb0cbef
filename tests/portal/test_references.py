"""References to Party and State documents: the recogniser, citations, pages and access."""

import unicodedata
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.models import Citation, CitedDocument, Document
from portal.pagination import PER_PAGE
from portal.references import find_references, is_based_on, normalise_number, years_in_context
from portal.services.documents import document_update
from portal.services.imports import document_import
from portal.services.references import (
    body_text,
    citations_visible_to,
    period_label,
    references_sync,
)
from portal.services.workflow import document_publish_imported
from portal.templatetags.references import link_references
from tests.conftest import PERSONAS
from tests.factories import make_document

SEEDS = Path(__file__).resolve().parents[2] / "portal" / "demo" / "seeds"


def _seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def _section_three(name: str) -> str:
    text = _seed(name)
    return text[text.index("\nIII. ") :]


def _summary(text: str) -> list[tuple]:
    return [
        (r.type_name, r.number, r.issuer_code, r.issued_on, r.issued_by)
        for r in find_references(text)
    ]


# The recogniser ---------------------------------------------------------------------------


def test_bulletin_2024_12_section_three():
    assert _summary(_section_three("bulletin-2024-12-doson.txt")) == [
        ("Quy định", "144-QĐ/TW", "TW", None, "Bộ Chính trị"),
        ("Chỉ thị", "35-CT/TW", "TW", date(2024, 6, 14), "Bộ Chính trị"),
        ("Kế hoạch", "379-KH/TU", "TU", date(2024, 7, 17), "Ban Chấp hành Đảng bộ"),
        ("Thông tri", "10-TT/TU", "TU", date(2024, 7, 22), "Ban Thường vụ Thành ủy"),
        ("Kế hoạch", "204-KH/QU", "QU", date(2024, 8, 7), "Ban Chấp hành Đảng bộ"),
        ("Thông tri", "23-TT/QU", "QU", date(2024, 8, 7), "Ban Thường vụ Quận ủy"),
        ("Kết luận", "96-KL/TW", "TW", date(2024, 9, 30), "Bộ Chính trị"),
        ("Nghị quyết", "45-NQ/TW", "TW", None, "Bộ Chính trị"),
        ("Nghị quyết", "45-NQ/TW", "TW", None, "Bộ Chính trị"),
    ]


def test_bulletin_2024_02_section_three():
    assert _summary(_section_three("bulletin-2024-02-doson.txt")) == [
        ("Nghị quyết", "117/NQ-CP", "CP", date(2023, 7, 30), "Chính phủ"),
        ("Chỉ thị", "23-CT/TW", "TW", date(2023, 5, 25), "Ban Bí thư"),
        ("Chương trình hành động", "57-CTr/TU", "TU", date(2023, 9, 28), "Ban Thường vụ Thành ủy"),
        ("Chỉ thị", "23-CT/TW", "TW", None, ""),
        ("Công điện", "1300/CĐ-TTg", "TTg", date(2023, 12, 5), "Thủ tướng Chính phủ"),
        ("Thông báo", "30/TB-SVHTT", "SVHTT", None, ""),
    ]


def test_guidance_is_based_on_the_city_guidance():
    text = _seed("guidance-2024-haibatrung.txt")
    first = find_references(text)[0]
    assert (first.type_name, first.number, first.issuer_code) == (
        "Hướng dẫn",
        "127-HD/BTGTU",
        "BTGTU",
    )
    assert first.issued_on == date(2023, 12, 29)
    assert first.issued_by == "Ban Tuyên giáo Thành ủy"
    assert text[first.start : first.end] == (
        "Hướng dẫn số 127-HD/BTGTU ngày 29/12/2023 của Ban Tuyên giáo Thành ủy"
    )
    assert is_based_on(text, first)
    assert [r for r in find_references(text) if is_based_on(text, r)] == [first]


def test_report_footnote_one():
    footnote = next(line for line in _seed("report-2023-q1-haiphong.txt").splitlines()
                    if line.startswith("¹"))  # fmt: skip
    assert [(r.number, r.issued_on, r.issued_by) for r in find_references(footnote)] == [
        ("12-NQ/TW", date(2022, 3, 16), "Bộ Chính trị"),
        ("15-CT/TW", date(2022, 8, 10), "Ban Bí thư Trung ương Đảng"),
        ("23-NQ/TW", date(2008, 6, 16), "Bộ Chính trị"),
        ("07-NQ/TU", date(2022, 8, 1), "Ban Chấp hành Đảng bộ thành phố"),
        ("24-CT/TW", date(2008, 7, 4), "Ban Bí thư Trung ương Đảng"),
        ("23-CT/TW", date(2018, 2, 9), "Ban Bí thư"),
        ("22-NQ/TW", date(2022, 8, 30), "Bộ Chính trị"),
        ("35-NQ/TW", date(2018, 10, 22), "Bộ Chính trị"),
        ("23-NQ/TW", date(2008, 6, 16), "Bộ Chính trị"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # number, issuer code, date, body
        ("Nghị quyết 57-NQ/TW của Bộ Chính trị", ("57-NQ/TW", "TW", None, "Bộ Chính trị")),
        (
            "Nghị quyết số 88/2014/QH13 ngày 28/11/2014 của Quốc hội về đổi mới",
            ("88/2014/QH13", "QH13", date(2014, 11, 28), "Quốc hội"),
        ),
        ("Nghị định số 15/2020/NĐ-CP của Chính phủ", ("15/2020/NĐ-CP", "CP", None, "Chính phủ")),
        (
            "Chỉ thị số 35-CT/TW ngày 14 tháng 6 năm 2024",
            ("35-CT/TW", "TW", date(2024, 6, 14), ""),
        ),
        (
            "Kết luận số 57-KL/TW của Bộ Chính trị ngày 15/6/2023",
            ("57-KL/TW", "TW", date(2023, 6, 15), "Bộ Chính trị"),
        ),
        ("Quy định số 144-QĐ/TW, ngày 31/02/2024", ("144-QĐ/TW", "TW", None, "")),
        ("Quy định số 144-QÐ/TW của cán bộ", ("144-QĐ/TW", "TW", None, "")),
        ("Thông tri số 10-TT/TU (22/7/2024)", ("10-TT/TU", "TU", date(2024, 7, 22), "")),
        (
            "Kết luận số 09-KL/TU của Ban Thường vụ Thành ủy⁹",
            ("09-KL/TU", "TU", None, "Ban Thường vụ Thành ủy"),
        ),  # fmt: skip
    ],
)
def test_variants(text, expected):
    (reference,) = find_references(text)
    assert (reference.number, reference.issuer_code, reference.issued_on, reference.issued_by) == (
        expected
    )


@pytest.mark.parametrize(
    "text",
    [
        "Nghị quyết số 18 là nhiệm vụ đặc biệt quan trọng",
        "Nghị quyết Đại hội XIII của Đảng",
        "Kế hoạch của Ban Thường vụ Thành ủy",
        "đạt 688/4.100 đảng viên; Nghị quyết số 12/2023",
        "Chỉ thị số 35-CT/TWNgày",
    ],
)
def test_not_references(text):
    assert find_references(text) == []


def test_law_style_number_carries_its_year_and_keys_are_normalised():
    (law,) = find_references("Nghị quyết số 35/2021/QH15")
    assert law.year == 2021
    assert normalise_number("07-nq/tu") == normalise_number("7-NQ/TU") == "7-NQ/TU"
    assert normalise_number("144-QÐ/TW") == "144-QĐ/TW"


def test_undated_mention_takes_the_year_of_the_dated_one_in_the_same_text():
    text = (
        "Chỉ thị số 23-CT/TW, ngày 09/02/2018 của Ban Bí thư; thực hiện Chỉ thị số 23-CT/TW; "
        "Chỉ thị số 23-CT/TW ngày 25/5/2023; sơ kết Chỉ thị số 23-CT/TW."
    )
    assert years_in_context(find_references(text)) == [2018, 2018, 2023, 2023]
    assert years_in_context(find_references("Quy định số 1-QĐ/TW và Quy định 1-QĐ/TW năm")) == [
        None,
        None,
    ]


def test_decomposed_text_spans_point_into_the_given_text():
    text = unicodedata.normalize(
        "NFD", "Tiếp tục Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị."
    )
    (reference,) = find_references(text)
    assert unicodedata.normalize("NFC", text[reference.start : reference.end]) == (
        "Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị"
    )
    assert reference.issued_by == "Bộ Chính trị"


def test_recogniser_terminates_on_adversarial_text():
    # Shaped to trip backtracking patterns; speed itself is the benchmark's business.
    text = ("Chỉ thị số 1-" + "A-" * 30 + " của " + "Ban " * 40) * 300
    assert all(0 <= r.start < r.end <= len(text) for r in find_references(text))


_FRAGMENTS = st.sampled_from(
    ["Chỉ thị", " số ", "35", "-", "–", "/", "CT", "TW", " ngày ", "14/6/2024", " của ",
     "Bộ Chính trị", ",", " ", "\n", "Ð", "ê", "\u0301", "2014", "QH13", "(", ")", "⁹"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(_FRAGMENTS, max_size=40).map("".join)))
def test_any_text_terminates_with_spans_inside(text):
    references = find_references(text)
    assert isinstance(references, list)
    for reference in references:
        assert 0 <= reference.start < reference.end <= len(text)
    assert len(years_in_context(references)) == len(references)


def test_non_text_gives_nothing():
    assert find_references(None) == []  # type: ignore[arg-type]
    assert find_references("") == []


# Citations --------------------------------------------------------------------------------


# seed file, kind, issuer, importing user (as in portal/demo/tree.py)
SEED_FILES = {
    "feb": ("bulletin-2024-02-doson.txt", "bulletin", "doson-btg", "doson.editor"),
    "dec": ("bulletin-2024-12-doson.txt", "bulletin", "doson-btg", "doson.editor"),
    "hbt": ("guidance-2024-haibatrung.txt", "guidance", "hbt-btg", "hbt.editor"),
    "report": ("report-2023-q1-haiphong.txt", "report", "hp", "admin"),
}


def _import(users, orgs, name: str, *, publish: bool = True) -> Document:
    """Import a seed as load_demo does, whose save hook syncs its references."""
    seed, kind, issuer, editor = SEED_FILES[name]
    document, _ = document_import(
        text=_seed(seed), kind=kind, issuer=orgs[issuer], actor=users[editor]
    )
    if publish:
        document = document_publish_imported(document=document, actor=users[editor], reason="giấy")
    references_sync(document=document, revision=document.current_revision)
    return document


def _cited(number: str, year: int | None = None) -> CitedDocument:
    rows = CitedDocument.objects.filter(key=normalise_number(number))
    return rows.get(year=year) if year else rows.get()


def test_sync_stores_each_cited_document_once_per_document(users, orgs):
    document, _ = document_import(
        text=_seed("bulletin-2024-12-doson.txt"),
        kind="bulletin",
        issuer=orgs["doson-btg"],
        actor=users["doson.editor"],
    )
    document = document_publish_imported(document=document, actor=users["admin"], reason="giấy")
    count = references_sync(document=document, revision=document.current_revision)
    numbers = [c.cited.number for c in document.citations.select_related("cited")]
    assert count == len(numbers) == len(set(numbers)) == 13
    directive = _cited("35-CT/TW")
    assert (directive.type_name, directive.issued_on, directive.issued_by) == (
        "Chỉ thị",
        date(2024, 6, 14),
        "Bộ Chính trị",
    )
    assert directive.issuer_code == "TW"
    citation = document.citations.get(cited=directive)
    assert citation.revision == document.current_revision
    assert citation.text == "Chỉ thị số 35-CT/TW của Bộ Chính trị"  # its first mention
    assert _cited("88/2014/QH13").issued_by == "Quốc hội"
    # Syncing again changes nothing.
    assert references_sync(document=document, revision=document.current_revision) == 13
    assert CitedDocument.objects.filter(key="35-CT/TW").count() == 1


def test_a_new_revision_replaces_the_citations(users, orgs):
    document = make_document(users, orgs)
    revision = document_update(
        document=document,
        actor=users["doson.editor"],
        title=document.title,
        body_html="<p>Tuyên truyền Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị.</p>",
    )
    assert references_sync(document=document, revision=revision) == 1
    revision = document_update(
        document=document, actor=users["doson.editor"], title=document.title, body_html="<p>x</p>"
    )
    assert references_sync(document=document, revision=revision) == 0
    assert not Citation.objects.filter(document=document).exists()


def test_party_numbers_reused_across_terms_stay_apart(users, orgs):
    february = _import(users, orgs, "feb")
    report = _import(users, orgs, "report")
    older, newer = _cited("23-CT/TW", 2018), _cited("23-CT/TW", 2023)
    assert older.issued_on == date(2018, 2, 9) and newer.issued_on == date(2023, 5, 25)
    assert february.citations.filter(cited__key="23-CT/TW").get().cited == newer
    assert report.citations.filter(cited__key="23-CT/TW").get().cited == older


def test_an_undated_citation_gets_its_date_from_a_later_dated_one(users, orgs):
    first = make_document(users, orgs)
    revision = document_update(document=first, actor=users["doson.editor"], title="a",
                               body_html="<p>Quán triệt Quy định số 144-QĐ/TW.</p>")  # fmt: skip
    references_sync(document=first, revision=revision)
    assert _cited("144-QĐ/TW").year is None
    second = make_document(users, orgs, editor="ngoquyen.editor", issuer="ngoquyen-btg")
    revision = document_update(
        document=second,
        actor=users["ngoquyen.editor"],
        title="b",
        body_html="<p>Quy định số 144-QĐ/TW ngày 17/5/2024 của Bộ Chính trị.</p>",
    )
    references_sync(document=second, revision=revision)
    cited = _cited("144-QĐ/TW")
    assert (cited.year, cited.issued_on, cited.issued_by) == (2024, None, "")  # a draft's word
    Document.objects.filter(pk=second.pk).update(status=Document.Status.APPROVED)
    second.refresh_from_db()
    references_sync(document=second, revision=revision)
    cited.refresh_from_db()
    assert (cited.year, cited.issued_on, cited.issued_by) == (
        2024,
        date(2024, 5, 17),
        "Bộ Chính trị",
    )
    assert first.citations.get().cited == cited == second.citations.get().cited


def test_citations_across_inline_tags_and_footnotes():
    html = (
        "<p><strong>Chỉ thị</strong> số 35-CT/TW&nbsp;ngày 14/6/2024"
        '<span class="footnote">Kết luận số 96-KL/TW</span>của Bộ</p><h2>Nghị quyết số 1-NQ/TW</h2>'
    )
    text = body_text(html)
    assert [r.number for r in find_references(text)] == ["35-CT/TW", "96-KL/TW", "1-NQ/TW"]
    assert find_references(text)[0].issued_on == date(2024, 6, 14)


# Guidance based on a higher guidance ------------------------------------------------------


def _city_guidance(users, orgs, issuer="hn-btg", editor="hbt.editor", number="127-HD/BTGTU"):
    document = make_document(users, orgs, kind="guidance", issuer=issuer, editor=editor,
                             title="Tuyên truyền kết quả năm 2023")  # fmt: skip
    document.number, document.issued_on = number, date(2023, 12, 29)
    document.status = Document.Status.APPROVED
    document.save()
    return document


def test_guidance_links_to_the_higher_guidance_of_its_own_city(users, orgs):
    # Hải Phòng's city department also has a 127-HD/BTGTU: another city, never linked.
    _city_guidance(users, orgs, issuer="hp-btg", editor="doson.editor")
    higher = _city_guidance(users, orgs)
    lower = _import(users, orgs, "hbt")
    lower.guidance.refresh_from_db()
    assert lower.guidance.based_on == higher
    assert list(higher.guidance_issued_under.all()) == [lower.guidance]
    assert lower.citations.get(cited__key="127-HD/BTGTU").basis


def test_higher_guidance_numbered_later_is_linked_when_synced(users, orgs):
    lower = _import(users, orgs, "hbt")
    lower.guidance.refresh_from_db()
    assert lower.guidance.based_on is None
    higher = _city_guidance(users, orgs)
    references_sync(document=higher, revision=higher.current_revision)
    lower.guidance.refresh_from_db()
    assert lower.guidance.based_on == higher


def test_a_guidance_merely_mentioning_another_is_not_based_on_it(users, orgs):
    _city_guidance(users, orgs)
    lower = make_document(users, orgs, kind="guidance", issuer="hbt-btg", editor="hbt.editor")
    revision = document_update(
        document=lower,
        actor=users["hbt.editor"],
        title="x",
        body_html="<p>Các đơn vị đã tổng kết Hướng dẫn số 127-HD/BTGTU.</p>",
    )
    references_sync(document=lower, revision=revision)
    lower.guidance.refresh_from_db()
    assert lower.guidance.based_on is None


def _based_on_text(users, orgs, *, issuer: str, editor: str, number: str) -> Document:
    lower = make_document(users, orgs, kind="guidance", issuer=issuer, editor=editor)
    revision = document_update(
        document=lower,
        actor=users[editor],
        title="x",
        body_html=f"<p>Căn cứ Hướng dẫn số {number} về tuyên truyền, Ban Tuyên giáo hướng dẫn.</p>",
    )
    references_sync(document=lower, revision=revision)
    lower.guidance.refresh_from_db()
    return lower


def test_a_neighbour_districts_guidance_is_never_the_basis(users, orgs):
    # Every district department signs BTGQU: Ngô Quyền's 1-HD/BTGQU is not Đồ Sơn's.
    _city_guidance(
        users, orgs, issuer="ngoquyen-btg", editor="ngoquyen.editor", number="1-HD/BTGQU"
    )
    lower = _based_on_text(
        users, orgs, issuer="doson-btg", editor="doson.editor", number="1-HD/BTGQU"
    )
    assert lower.guidance.based_on is None
    own = _city_guidance(
        users, orgs, issuer="doson-btg", editor="doson.editor", number="1-HD/BTGQU"
    )
    references_sync(document=own, revision=own.current_revision)
    lower.guidance.refresh_from_db()
    assert lower.guidance.based_on == own


def test_a_neighbours_guidance_approved_later_is_not_linked_either(users, orgs):
    lower = _based_on_text(
        users, orgs, issuer="doson-btg", editor="doson.editor", number="1-HD/BTGQU"
    )
    neighbour = _city_guidance(
        users, orgs, issuer="ngoquyen-btg", editor="ngoquyen.editor", number="1-HD/BTGQU"
    )
    references_sync(document=neighbour, revision=neighbour.current_revision)  # as on approval
    lower.guidance.refresh_from_db()
    assert lower.guidance.based_on is None


def test_a_guidance_no_longer_based_on_another_is_unlinked(users, orgs):
    higher = _city_guidance(users, orgs)
    lower = _based_on_text(
        users, orgs, issuer="hbt-btg", editor="hbt.editor", number="127-HD/BTGTU"
    )
    assert lower.guidance.based_on == higher
    revision = document_update(
        document=lower, actor=users["hbt.editor"], title="x", body_html="<p>Tự làm.</p>"
    )
    references_sync(document=lower, revision=revision)
    lower.guidance.refresh_from_db()
    assert lower.guidance.based_on is None


def test_a_draft_carrying_the_number_is_not_the_basis(users, orgs):
    higher = _city_guidance(users, orgs)
    Document.objects.filter(pk=higher.pk).update(status=Document.Status.DRAFT)
    lower = _based_on_text(
        users, orgs, issuer="hbt-btg", editor="hbt.editor", number="127-HD/BTGTU"
    )
    assert lower.guidance.based_on is None


def test_json_names_the_basis_only_to_those_who_may_open_it(client, users, orgs):
    higher = _city_guidance(users, orgs)  # approved, not yet published: the city's own
    lower = _based_on_text(
        users, orgs, issuer="hbt-btg", editor="hbt.editor", number="127-HD/BTGTU"
    )
    assert lower.guidance.based_on == higher
    url = reverse("portal:document_json", args=[lower.pk])
    client.force_login(users["hbt.editor"])
    assert client.get(url).json()["based_on"] == {"id": None, "number": "127-HD/BTGTU"}
    client.force_login(users["admin"])
    assert client.get(url).json()["based_on"] == {"id": higher.pk, "number": "127-HD/BTGTU"}


def test_document_page_shows_both_directions(client, users, orgs):
    higher = _city_guidance(users, orgs)
    Document.objects.filter(pk=higher.pk).update(status="published")  # readable city-wide
    lower = _import(users, orgs, "hbt")
    client.force_login(users["hbt.editor"])
    page = client.get(reverse("portal:document_detail", args=[lower.pk])).content.decode()
    assert reverse("portal:document_detail", args=[higher.pk]) in page
    cited = _cited("127-HD/BTGTU")
    link = reverse("portal:cited_detail", args=[cited.pk])
    assert (
        f'căn cứ <a class="citation" href="{link}">Hướng dẫn số 127-HD/BTGTU ngày 29/12/2023 '
        "của Ban Tuyên giáo Thành ủy</a> về" in page
    )
    assert 'id="cited-documents"' in page
    # The higher guidance, seen by the city approver, lists the guidance issued under it.
    client.force_login(users["hn.approver"])
    page = client.get(reverse("portal:document_detail", args=[higher.pk])).content.decode()
    assert 'id="guidance-issued-under"' in page
    assert reverse("portal:document_detail", args=[lower.pk]) in page


def test_issued_under_lists_only_what_the_user_may_open(client, users, orgs):
    higher = _city_guidance(users, orgs)
    Document.objects.filter(pk=higher.pk).update(status="published")
    _import(users, orgs, "hbt", publish=False)
    client.force_login(users["hn.approver"])  # the district draft is not theirs to see
    page = client.get(reverse("portal:document_detail", args=[higher.pk])).content.decode()
    assert 'id="guidance-issued-under"' not in page


# The link filter --------------------------------------------------------------------------


def _citations_for(users, orgs, body: str):
    document = make_document(users, orgs)
    revision = document_update(
        document=document, actor=users["doson.editor"], title="t", body_html=body
    )
    references_sync(document=document, revision=revision)
    return list(document.citations.select_related("cited")), revision


def test_filter_links_text_and_leaves_the_rest_byte_for_byte(users, orgs):
    body = (
        '<p>A &amp; B: Chỉ thị số 35-CT/TW ngày 14/6/2024.</p><p><a href="https://x.vn" '
        'title="a&gt;b">Chỉ thị số 35-CT/TW</a></p><p>Kết luận số 96-KL/TW chưa có.</p>'
    )
    citations, revision = _citations_for(users, orgs, body)
    linked = str(link_references(revision.body_html, citations))
    url = reverse("portal:cited_detail", args=[citations[0].cited_id])
    assert (
        f'<p>A &amp; B: <a class="citation" href="{url}">Chỉ thị số 35-CT/TW ngày 14/6/2024'
        "</a>.</p>" in linked
    )
    assert linked.count('class="citation"') == 2  # not inside the existing link
    tail = revision.body_html[revision.body_html.index("<p><a") :]
    assert tail[: tail.index("<p>Kết")] in linked
    assert str(link_references(revision.body_html, [])) == revision.body_html


def test_filter_links_reused_numbers_to_their_own_year(users, orgs):
    body = (
        "<p>Chỉ thị số 23-CT/TW, ngày 09/02/2018 của Ban Bí thư.</p>"
        "<p>Chỉ thị số 23-CT/TW ngày 25/5/2023 của Ban Bí thư; Chỉ thị số 23-CT/TW.</p>"
    )
    citations, revision = _citations_for(users, orgs, body)
    by_year = {c.cited.year: c.cited_id for c in citations}
    linked = str(link_references(revision.body_html, citations))
    urls = [reverse("portal:cited_detail", args=[by_year[y]]) for y in (2018, 2023, 2023)]
    assert [linked.index(u) for u in urls] == sorted(linked.index(u) for u in urls)
    assert linked.count(urls[1]) == 2 and linked.count(urls[0]) == 1


# Pages ------------------------------------------------------------------------------------


@pytest.fixture
def seeded(users, orgs):
    """The four seeds imported as load_demo does, each followed by references_sync."""
    return {name: _import(users, orgs, name) for name in SEED_FILES}


def test_cited_page_lists_only_visible_citing_documents(client, users, orgs, seeded):
    # A Ngô Quyền draft also cites 35-CT/TW; Đồ Sơn's editor must not see it listed.
    draft = make_document(users, orgs, issuer="ngoquyen-btg", editor="ngoquyen.editor")
    revision = document_update(document=draft, actor=users["ngoquyen.editor"], title="Nháp NQ",
                               body_html="<p>Chỉ thị số 35-CT/TW.</p>")  # fmt: skip
    references_sync(document=draft, revision=revision)
    cited = _cited("35-CT/TW")
    client.force_login(users["doson.editor"])
    page = client.get(reverse("portal:cited_detail", args=[cited.pk])).content.decode()
    for fact in ("35-CT/TW", "Chỉ thị", "Bộ Chính trị", "14/06/2024", "TW"):
        assert fact in page
    assert reverse("portal:document_detail", args=[seeded["dec"].pk]) in page
    assert "Tháng 12/2024 · Ban Tuyên giáo Quận ủy Đồ Sơn" in page
    assert "Nháp NQ" not in page
    client.force_login(users["ngoquyen.editor"])
    page = client.get(reverse("portal:cited_detail", args=[cited.pk])).content.decode()
    assert "Nháp NQ" in page and seeded["dec"].title not in page


def test_cited_page_of_unknown_or_unseen_document_is_404(client, users, orgs, seeded):
    client.force_login(users["hn.approver"])
    assert client.get(reverse("portal:cited_detail", args=[999999])).status_code == 404
    cited = _cited("35-CT/TW")
    assert client.get(reverse("portal:cited_detail", args=[cited.pk])).status_code == 404


def test_propaganda_page_lists_directives_with_documents_and_months(client, users, seeded):
    client.force_login(users["doson.head"])
    page = client.get(reverse("portal:propaganda")).content.decode()
    assert "Chỉ thị số 35-CT/TW" in page and "Nghị quyết số 117/NQ-CP" in page
    assert "gần nhất tháng 12/2024" in page  # 35-CT/TW, cited in December
    assert "Hướng dẫn số 127-HD/BTGTU" not in page  # only in a Hà Nội guidance
    assert "Tháng 02/2024" not in page  # the citing documents are one click away


def test_propaganda_filters_by_period_and_issuer(client, users, seeded):
    client.force_login(users["hp.approver"])
    url = reverse("portal:propaganda")
    page = client.get(url, {"start": "2024-12", "end": "2024-12"}).content.decode()
    assert "Chỉ thị số 35-CT/TW" in page and "Nghị quyết số 117/NQ-CP" not in page
    page = client.get(url, {"end": "2024-02"}).content.decode()
    assert "Nghị quyết số 117/NQ-CP" in page and "Chỉ thị số 35-CT/TW" not in page
    page = client.get(url, {"issuer": "hp"}).content.decode()
    assert "Nghị quyết số 12-NQ/TW" in page and "Chỉ thị số 35-CT/TW" not in page
    page = client.get(url, {"issuer": "doson-btg"}).content.decode()
    assert "Chỉ thị số 35-CT/TW" in page and "Nghị quyết số 12-NQ/TW" not in page


def test_propaganda_filters_by_the_body_that_issued_the_cited_document(client, users, seeded):
    client.force_login(users["hp.approver"])
    url = reverse("portal:propaganda")
    page = client.get(url).content.decode()
    assert '<option value="CP">CP — Chính phủ</option>' in page
    page = client.get(url, {"cited_issuer": "CP"}).content.decode()
    assert "Nghị quyết số 117/NQ-CP" in page and "Chỉ thị số 35-CT/TW" not in page
    page = client.get(url, {"cited_issuer": "TW"}).content.decode()
    assert "Chỉ thị số 35-CT/TW" in page and "Nghị quyết số 117/NQ-CP" not in page
    refused = client.get(url, {"cited_issuer": "\x00<script>"})
    assert refused.status_code == 200
    assert 'class="refusal"' in refused.content.decode()


def test_months_are_the_bulletin_month_the_report_quarter_else_the_issue_date(users, seeded):
    seeded["hbt"].issued_on = date(2024, 1, 5)
    seeded["hbt"].save()
    periods = {c.document_id: period_label(c.period) for c in citations_visible_to(users["admin"])}
    assert periods[seeded["dec"].pk] == "12/2024"
    assert periods[seeded["feb"].pk] == "02/2024"
    assert periods[seeded["report"].pk] == "03/2023"  # quarter I
    assert periods[seeded["hbt"].pk] == "01/2024"


@pytest.mark.parametrize("params", [{"start": "12/2024"}, {"end": "2024-13"}, {"issuer": "nope"},
                                    {"start": "9" * 40}])  # fmt: skip
def test_propaganda_bad_filters_are_explained_not_500(client, users, seeded, params):
    client.force_login(users["doson.editor"])
    response = client.get(reverse("portal:propaganda"), params)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "Chỉ thị số 35-CT/TW" in response.content.decode()  # the filter is dropped, not the page


def _many_citations(users, orgs, count: int, *, first: int = 0) -> None:
    documents = [make_document(users, orgs, title=f"Bản tin {i}") for i in range(10)]
    cited = CitedDocument.objects.bulk_create(
        CitedDocument(number=f"{i}-CT/TW", key=f"{i}-CT/TW", year=2024, type_name="Chỉ thị")
        for i in range(first, first + count)
    )
    Citation.objects.bulk_create(
        Citation(document=documents[i % 10], cited=c, revision=documents[i % 10].current_revision,
                 text=c.number, position=i)
        for i, c in enumerate(cited)
    )  # fmt: skip


@pytest.mark.parametrize("count", [10, 1000])
def test_propaganda_queries_do_not_grow_with_citations(
    client, users, orgs, count, django_assert_max_num_queries
):
    _many_citations(users, orgs, count)
    client.force_login(users["doson.editor"])
    # session (in the database, shared by every process), user, memberships, the issuers'
    # ids, the issuing bodies of the cited, the count of cited documents, the page's counts,
    # its cited documents, the issuers of the filter, the unread notifications badge
    with django_assert_max_num_queries(10):
        response = client.get(reverse("portal:propaganda"), {"start": "2000-01"})
    page = response.content.decode()
    assert page.count('class="doc-row cited-row"') == min(count, PER_PAGE)
    assert f"· {count} văn bản</span>" in page  # the pager's total


def test_propaganda_runs_the_same_queries_for_10_and_1000_citations(client, users, orgs):
    client.force_login(users["doson.editor"])
    counts = []
    for count, first in ((10, 0), (990, 10)):
        _many_citations(users, orgs, count, first=first)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("portal:propaganda"))
        page = response.content.decode()
        assert page.count('class="doc-row cited-row"') == min(first + count, PER_PAGE)
        assert f"· {first + count} văn bản</span>" in page
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_nav_link_for_staff_only(client, users):
    for persona, shown in (("doson.editor", True), ("hp.approver", True),
                           ("vanhuong.secretary", False)):  # fmt: skip
        client.force_login(users[persona])
        page = client.get(reverse("portal:library")).content.decode()
        assert ('id="nav-propaganda"' in page) is shown, persona


def test_reader_is_refused_in_vietnamese(client, users):
    client.force_login(users["vanhuong.secretary"])
    response = client.get(reverse("portal:propaganda"))
    assert response.status_code == 403
    assert "Chỉ chuyên viên, lãnh đạo ban và thường trực duyệt" in response.content.decode()


# Access -----------------------------------------------------------------------------------

# persona order: doson.editor, ngoquyen.editor, doson.head, hp.approver,
#                vanhuong.secretary, ngoquyen.secretary, hn.approver
ACCESS = {
    "propaganda": [200, 200, 200, 200, 403, 403, 200],
    "cited_detail": [200, 404, 200, 200, 200, 404, 404],
}


@pytest.mark.parametrize(
    ("name", "persona", "expected"),
    [(name, persona, statuses[i]) for name, statuses in ACCESS.items()
     for i, persona in enumerate(PERSONAS)],
)  # fmt: skip
def test_access(client, users, orgs, name, persona, expected):
    document = make_document(users, orgs, state="published", render=False)
    cited = CitedDocument.objects.create(number="35-CT/TW", key="35-CT/TW", type_name="Chỉ thị")
    Citation.objects.create(
        document=document, cited=cited, revision=document.current_revision, text="x"
    )
    args = [cited.pk] if name == "cited_detail" else []
    client.force_login(users[persona])
    response = client.get(reverse(f"portal:{name}", args=args))
    assert response.status_code == expected, (persona, name)


@pytest.mark.parametrize("name", ["propaganda", "cited_detail"])
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(f"portal:{name}", args=[1] if name == "cited_detail" else []))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# Command ----------------------------------------------------------------------------------


def test_sync_references_command_rescans_every_document(users, orgs, seeded):
    Citation.objects.all().delete()
    out = StringIO()
    call_command("sync_references", stdout=out)
    total = Citation.objects.count()
    assert total > 40
    assert seeded["dec"].citations.count() == 13
    assert out.getvalue().strip() == (
        f"Đã quét 4 văn bản: {total} trích dẫn, {CitedDocument.objects.count()} "
        "văn bản được trích dẫn."
    )


def test_higher_guidance_is_named_only_to_those_who_may_open_it(client, users, orgs):
    higher = _city_guidance(users, orgs)  # a draft of the city department
    lower = _import(users, orgs, "hbt")
    lower.guidance.refresh_from_db()
    assert lower.guidance.based_on == higher
    client.force_login(users["hbt.head"])
    page = client.get(reverse("portal:document_detail", args=[lower.pk])).content.decode()
    assert f"/van-ban/{higher.pk}/" not in page
    client.force_login(users["admin"])
    page = client.get(reverse("portal:document_detail", args=[lower.pk])).content.decode()
    assert f"/van-ban/{higher.pk}/" in page


def test_an_unknown_document_type_is_stored_within_its_field(users, orgs):
    document = make_document(users, orgs)
    # A dotless ı defeats the canonical spelling; the spaces are the editor's &nbsp;.
    body = "<p>Thông" + "&nbsp;" * 70 + "trı số 12-TT/TU.</p>"
    revision = document_update(
        document=document, actor=users["doson.editor"], title="x", body_html=body
    )
    references_sync(document=document, revision=revision)
    cited = document.citations.get().cited
    assert cited.type_name == "Thông trı"


def _approved_citing(users, orgs, *, issuer: str, editor: str, body: str) -> Document:
    document = make_document(users, orgs, issuer=issuer, editor=editor)
    revision = document_update(document=document, actor=users[editor], title="x", body_html=body)
    Document.objects.filter(pk=document.pk).update(status=Document.Status.APPROVED)
    document.refresh_from_db()
    references_sync(document=document, revision=revision)
    return document


def test_a_district_number_is_one_document_per_district_a_national_one_is_shared(users, orgs):
    doson = _approved_citing(
        users, orgs, issuer="doson-btg", editor="doson.editor",
        body="<p>Kế hoạch số 5-KH/QU ngày 03/01/2024 của Quận ủy; Chỉ thị số 35-CT/TW.</p>",
    )  # fmt: skip
    ngoquyen = _approved_citing(
        users, orgs, issuer="ngoquyen-btg", editor="ngoquyen.editor",
        body="<p>Kế hoạch số 5-KH/QU ngày 09/01/2024 của Quận ủy; Chỉ thị số 35-CT/TW.</p>",
    )  # fmt: skip
    plans = CitedDocument.objects.filter(key="5-KH/QU").order_by("issued_on")
    assert [(p.scope_id, p.issued_on) for p in plans] == [
        (orgs["doson"].pk, date(2024, 1, 3)),
        (orgs["ngoquyen"].pk, date(2024, 1, 9)),
    ]
    assert (
        doson.citations.get(cited__key="5-KH/QU").cited
        != ngoquyen.citations.get(cited__key="5-KH/QU").cited
    )
    directive = CitedDocument.objects.get(key="35-CT/TW")
    assert directive.scope is None
    assert {c.document_id for c in directive.citations.all()} == {doson.pk, ngoquyen.pk}


def test_a_city_number_is_the_citing_citys(users, orgs):
    _approved_citing(users, orgs, issuer="doson-btg", editor="doson.editor",
                     body="<p>Hướng dẫn số 127-HD/BTGTU.</p>")  # fmt: skip
    _approved_citing(users, orgs, issuer="hbt-btg", editor="hbt.editor",
                     body="<p>Hướng dẫn số 127-HD/BTGTU.</p>")  # fmt: skip
    scopes = set(CitedDocument.objects.filter(key="127-HD/BTGTU").values_list("scope", flat=True))
    assert scopes == {orgs["hp"].pk, orgs["hn"].pk}


def test_the_migration_splits_a_local_number_cited_by_two_districts(users, orgs):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("portal.migrations.0006_cited_document_scope")
    doson = _approved_citing(users, orgs, issuer="doson-btg", editor="doson.editor",
                             body="<p>Kế hoạch số 5-KH/QU.</p>")  # fmt: skip
    ngoquyen = _approved_citing(users, orgs, issuer="ngoquyen-btg", editor="ngoquyen.editor",
                                body="<p>Kế hoạch số 5-KH/QU.</p>")  # fmt: skip
    shared = CitedDocument.objects.filter(key="5-KH/QU").first()  # as before scopes
    Citation.objects.filter(cited__key="5-KH/QU").update(cited=shared)
    CitedDocument.objects.filter(key="5-KH/QU").exclude(pk=shared.pk).delete()
    CitedDocument.objects.filter(pk=shared.pk).update(scope=None)
    migration.scope_local_numbers(apps, None)
    rows = {c.document_id: c.cited.scope_id for c in Citation.objects.filter(cited__key="5-KH/QU")}
    assert rows == {doson.pk: orgs["doson"].pk, ngoquyen.pk: orgs["ngoquyen"].pk}


def _body_citing(count: int, first: int) -> str:
    """A body citing ``count`` national directives and as many district plans, all new."""
    return "".join(
        f"<p>Quán triệt Chỉ thị số {i}-CT/TW ngày 14/6/2024 của Bộ Chính trị "
        f"và Kế hoạch số {i}-KH/QU.</p>"
        for i in range(first, first + count)
    )


def test_a_save_costs_the_same_queries_for_5_and_50_citations(users, orgs):
    document = make_document(users, orgs)
    counts = []
    for count, first in ((5, 1000), (50, 2000)):
        for body in (_body_citing(count, first), _body_citing(count, first) + "<p>.</p>"):
            # the first save makes the cited documents, the second finds them
            with CaptureQueriesContext(connection) as queries:
                document_update(document=document, actor=users["doson.editor"],
                                title=document.title, body_html=body)  # fmt: skip
            counts.append(len(queries))
        assert document.citations.count() == 2 * count
    assert counts[0] == counts[2] and counts[1] == counts[3]
    plan = document.citations.get(cited__key="2000-KH/QU").cited
    assert (plan.year, plan.scope_id) == (None, orgs["doson"].pk)
    directive = document.citations.get(cited__key="2049-CT/TW").cited
    assert (directive.year, directive.scope_id) == (2024, None)


def test_propaganda_reads_the_cited_issuers_as_distinct_pairs_unsorted(client, users, orgs):
    _many_citations(users, orgs, 20)
    client.force_login(users["doson.editor"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("portal:propaganda")).status_code == 200
    issuers = [q["sql"] for q in queries if q["sql"].startswith("SELECT DISTINCT")]
    assert issuers and all("ORDER BY" not in sql for sql in issuers)


def test_a_cited_documents_citing_documents_are_paged_latest_first(client, users, orgs):
    documents = [make_document(users, orgs, title=f"Bản tin {i}") for i in range(PER_PAGE + 5)]
    for month, document in enumerate(documents):
        document.bulletin.period_month, document.bulletin.period_year = month % 12 + 1, 2020
        document.bulletin.period_year += month // 12
        document.bulletin.save()
    cited = CitedDocument.objects.create(
        number="99-CT/TW", key="99-CT/TW", year=2020, type_name="Chỉ thị"
    )
    Citation.objects.bulk_create(
        Citation(document=d, cited=cited, revision=d.current_revision, text="x") for d in documents
    )
    client.force_login(users["doson.editor"])
    url = reverse("portal:cited_detail", args=[cited.pk])
    first = client.get(url).content.decode()
    assert f"{PER_PAGE + 5} văn bản trích dẫn" in first
    assert first.count('class="doc-row"') == PER_PAGE
    assert first.index("Bản tin 34<") < first.index("Bản tin 33<")  # latest month first
    second = client.get(url, {"trang": 2}).content.decode()
    assert second.count('class="doc-row"') == 5
    assert "Bản tin 0<" in second and "Bản tin 34<" not in second
    index = client.get(reverse("portal:propaganda")).content.decode()
    assert "Chỉ thị số 99-CT/TW" in index and f"{PER_PAGE + 5} văn bản trích dẫn" in index
    assert "gần nhất tháng 11/2022" in index  # Bản tin 34: 2020 + 34 // 12, month 34 % 12 + 1


def test_the_cited_issuers_filter_names_national_bodies_and_those_of_the_users_city(
    client, users, orgs
):
    CitedDocument.objects.create(number="5-KH/QU", key="5-KH/QU", year=2024, type_name="Kế hoạch",
                                 issuer_code="QU", issued_by="Quận ủy Đồ Sơn",
                                 scope=orgs["doson"])  # fmt: skip
    CitedDocument.objects.create(
        number="35-CT/TW", key="35-CT/TW", year=2024, type_name="Chỉ thị", issuer_code="TW",
        issued_by="Ban Bí thư",
    )  # fmt: skip
    option = '<option value="QU">QU — Quận ủy Đồ Sơn</option>'
    client.force_login(users["doson.editor"])
    page = client.get(reverse("portal:propaganda")).content.decode()
    assert option in page and "TW — Ban Bí thư" in page
    client.force_login(users["hn.editor"])
    page = client.get(reverse("portal:propaganda")).content.decode()
    assert option not in page and "TW — Ban Bí thư" in page


def test_the_propaganda_index_reads_its_page_and_total_in_one_grouped_query(client, users, orgs):
    _many_citations(users, orgs, PER_PAGE + 5)
    client.force_login(users["doson.editor"])
    url = reverse("portal:propaganda")
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url).content.decode()
    grouped = [q["sql"] for q in queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1 and "OVER ()" in grouped[0]
    assert f"Trang 1/2 · {PER_PAGE + 5} văn bản" in first
    last = client.get(url, {"trang": 2}).content.decode()
    assert last.count('class="doc-row cited-row"') == 5 and "Trang 2/2" in last
    beyond = client.get(url, {"trang": 99}).content.decode()  # an old link: the last page
    assert beyond.count('class="doc-row cited-row"') == 5 and "Trang 2/2" in beyond
