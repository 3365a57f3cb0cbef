"""The demo shows both worlds: the 2024 tree with its seeds as issued, the reorganisation of
1 July 2025 applied through the same operation, and this month's bulletins of the new wards."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.handoff import person_name
from portal.lines import printed_lines
from portal.models import Document, Membership, Organisation, Reorganisation, Succession
from portal.selectors import NotFound, get_document_for_user, published_for_reader
from portal.services.demo import demo_load
from portal.services.documents import paragraph_texts

JULY_2025 = date(2025, 7, 1)


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _state() -> dict:
    """Everything the demo writes that a second load could change."""
    return {
        "organisations": sorted(
            Organisation.objects.values_list(
                "code", "parent__code", "path", "valid_from", "valid_to", "symbol", "heritage"
            )
        ),
        "memberships": sorted(
            Membership.objects.values_list("user__username", "organisation__code", "role")
        ),
        "documents": sorted(
            Document.objects.values_list("issuer__code", "kind", "status", "number", "issued_on")
        ),
        "successions": sorted(
            Succession.objects.values_list("predecessor__code", "successor__code", "kind")
        ),
        "reorganisations": Reorganisation.objects.count(),
    }


def _this_months_bulletin(issuer_code: str) -> Document:
    today = timezone.localdate()
    return Document.objects.get(
        issuer__code=issuer_code,
        kind="bulletin",
        bulletin__period_month=today.month,
        bulletin__period_year=today.year,
    )


@pytest.fixture
def demo(db):
    return demo_load()


def test_the_demo_loads_twice_to_the_same_data(demo):
    first = _state()
    again = demo_load()
    assert again["documents"] == 0
    assert _state() == first
    assert first["reorganisations"] == 1
    # The four seeds and one bulletin of this month in each city's demo ward.
    assert demo["documents"] == 6 and len(first["documents"]) == 6


def test_the_2024_dos_son_bulletins_keep_their_issuer_number_and_lines(demo):
    doson_btg = Organisation.objects.get(code="doson-btg")
    old = Document.objects.filter(issuer=doson_btg, kind="bulletin").order_by("issued_on")
    assert [(d.number, d.issued_on, d.status) for d in old] == [
        ("1-BT/BTGQU", date(2024, 2, 2), Document.Status.PUBLISHED),
        ("2-BT/BTGQU", date(2024, 12, 2), Document.Status.PUBLISHED),
    ]
    lines = printed_lines(doson_btg, old[0].issued_on)
    assert (lines.parent_line, lines.print_name, lines.symbol) == (
        "QUẬN ỦY ĐỒ SƠN",
        "BAN TUYÊN GIÁO",
        "BTGQU",
    )


def test_dos_son_ended_on_1_july_2025_split_into_its_two_wards(demo):
    ended = dict(
        Organisation.objects.filter(
            code__in=["doson", "doson-btg", "ngoquyen", "ngoquyen-btg", "hbt", "hbt-btg"]
        ).values_list("code", "valid_to")
    )
    assert set(ended.values()) == {JULY_2025} and len(ended) == 6
    successors = set(
        Succession.objects.filter(predecessor__code="doson").values_list("successor__code", "kind")
    )
    assert successors == {
        ("phuong-doson", Succession.Kind.SPLIT_INTO),
        ("phuong-namdoson", Succession.Kind.SPLIT_INTO),
    }
    assert not Membership.objects.filter(organisation__valid_to__isnull=False).exists()


def test_the_ward_exists_with_its_department_and_the_demo_users(demo):
    ward = Organisation.objects.get(code="phuong-doson")
    department = Organisation.objects.get(code="phuong-doson-bxdd")
    assert (ward.kind, ward.parent.code, ward.valid_from, ward.valid_to) == (
        Organisation.Kind.COMMITTEE,
        "hp",
        JULY_2025,
        None,
    )
    assert (ward.parent_line, ward.print_name, ward.symbol) == (
        "ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG",
        "ĐẢNG ỦY PHƯỜNG ĐỒ SƠN",
        "ĐU",
    )
    assert (department.kind, department.parent_id) == (Organisation.Kind.DEPARTMENT, ward.pk)
    assert (department.parent_line, department.print_name, department.symbol) == (
        "ĐẢNG ỦY PHƯỜNG ĐỒ SƠN",
        "BAN XÂY DỰNG ĐẢNG",
        "BXDĐ",
    )
    staff = set(
        Membership.objects.filter(organisation=department).values_list("user__username", "role")
    )
    assert staff == {("doson.editor", "editor"), ("doson.head", "head")}
    names = {u.username: person_name(u) for u in get_user_model().objects.all()}
    assert (names["doson.editor"], names["doson.head"]) == ("Nguyễn Thị Lan", "Hoàng Văn Nam")
    # Hà Nội likewise: Hai Bà Trưng's staff are in the ward of that name.
    assert set(
        Membership.objects.filter(organisation__code="phuong-haibatrung-bxdd").values_list(
            "user__username", flat=True
        )
    ) == {"hbt.editor", "hbt.head"}


def test_each_citys_propaganda_department_became_tuyen_giao_va_dan_van(demo):
    for code, city in (("hp-btg", "Hải Phòng"), ("hn-btg", "Hà Nội")):
        department = Organisation.objects.get(code=code)
        assert department.name == f"Ban Tuyên giáo và Dân vận Thành ủy {city}"
        assert (department.print_name, department.symbol) == (
            "BAN TUYÊN GIÁO VÀ DÂN VẬN",
            "BTGDVTU",
        )
        before = printed_lines(department, date(2025, 6, 30))
        assert (before.print_name, before.symbol) == ("BAN TUYÊN GIÁO", "BTGTU")
    assert Membership.objects.filter(
        user__username="hp.editor", organisation__code="hp-btg", role="editor"
    ).exists()


def test_a_former_dos_son_cell_reads_2024_and_this_month_under_its_ward(demo):
    ward = Organisation.objects.get(code="phuong-doson")
    cell = Organisation.objects.get(code="doson-vanhuong-cb1")
    assert cell.path.startswith(ward.path) and cell.valid_to is None
    secretary = _user("vanhuong.secretary")
    bulletin = _this_months_bulletin("phuong-doson-bxdd")
    assert bulletin.status == Document.Status.PUBLISHED
    assert bulletin.number == "1-BT/BXDĐ" and bulletin.issued_on == timezone.localdate()
    assert bulletin.created_by.username == "doson.editor"
    assert bulletin.signer_name == "Hoàng Văn Nam"
    texts = paragraph_texts(bulletin.approved_revision.body_html)
    assert any(text.startswith("Các chi bộ tổ dân phố trước đây thuộc quận") for text in texts)
    assert {e.actor.username for e in bulletin.events.filter(action="approve")} == {"hp.approver"}
    reads = set(published_for_reader(secretary).values_list("number", flat=True))
    assert {"1-BT/BTGQU", "2-BT/BTGQU", "1-BT/BXDĐ"} <= reads
    for document in Document.objects.filter(issuer__code__in=["doson-btg", "phuong-doson-bxdd"]):
        assert get_document_for_user(secretary, document.pk) == document
    # Nothing leaks: a cell of another ward and the other city read none of it.
    hanoi_bulletin = _this_months_bulletin("phuong-haibatrung-bxdd")
    for username in ("ngoquyen.secretary", "hn.approver"):
        with pytest.raises(NotFound):
            get_document_for_user(_user(username), bulletin.pk)
    with pytest.raises(NotFound):
        get_document_for_user(secretary, hanoi_bulletin.pk)
