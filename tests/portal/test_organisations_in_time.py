"""Organisations in time: printed lines by date, closed registers, review chains as data,
and the archive of a predecessor read by its successor."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from guidance.skeletons import guidance_recipients
from portal.access import review_chain_of
from portal.lines import printed_lines
from portal.models import Document, Membership, Organisation, PrintedLines
from portal.rendering.documents import print_data_for
from portal.selectors import documents_visible_to
from portal.services.documents import document_create
from portal.services.organisations import membership_grant, organisation_create
from portal.services.workflow import chain_for, document_approve, document_publish_imported
from tests.factories import make_document

TODAY = "2026-12-02 09:00 +07:00"


def _rename_city_department(orgs) -> Organisation:
    """The city's Ban Tuyên giáo printing as Ban Tuyên giáo và Dân vận from 1 July 2025."""
    department = orgs["hp-btg"]
    PrintedLines.objects.create(
        organisation=department,
        until=date(2025, 7, 1),
        name=department.name,
        parent_line=department.parent_line,
        print_name=department.print_name,
        symbol=department.symbol,
        place=department.place,
    )
    department.name = "Ban Tuyên giáo và Dân vận Thành ủy Hải Phòng"
    department.print_name, department.symbol = "BAN TUYÊN GIÁO VÀ DÂN VẬN", "BTGDVTU"
    department.save()
    return department


def test_a_document_prints_the_lines_of_its_own_date(users, orgs):
    department = _rename_city_department(orgs)
    assert printed_lines(department, date(2025, 6, 30)).symbol == "BTGTU"
    assert printed_lines(department, date(2025, 7, 1)).symbol == "BTGDVTU"
    old = make_document(users, orgs, kind="guidance", issuer="hp-btg", editor="hp.editor")
    old.issued_on, old.number = date(2024, 3, 1), "5-HD/BTGTU"
    old.save()
    data = print_data_for(old)
    assert (data.issuer_name, data.number_symbol) == ("BAN TUYÊN GIÁO", "HD/BTGTU")
    with time_machine.travel(TODAY):
        draft = make_document(users, orgs, kind="guidance", issuer="hp-btg", editor="hp.editor")
        data = print_data_for(draft)  # a draft is dated today
    assert (data.issuer_name, data.number_symbol) == ("BAN TUYÊN GIÁO VÀ DÂN VẬN", "HD/BTGDVTU")


@time_machine.travel(TODAY)
def test_an_ended_organisations_register_is_closed_and_it_drafts_nothing_new(users, orgs):
    waiting = make_document(users, orgs, state="forwarded")
    department = orgs["doson-btg"]
    department.valid_to = date(2025, 7, 1)
    department.save()
    with pytest.raises(ValidationError, match="sổ văn bản của đơn vị đã khóa"):
        document_approve(document=waiting, actor=users["hp.approver"])
    waiting.refresh_from_db()
    assert (waiting.status, waiting.number) == (Document.Status.SUBMITTED, "")
    with pytest.raises(ValidationError, match="đã kết thúc hoạt động"):
        document_create(kind="bulletin", issuer=department, actor=users["doson.editor"],
                        title="Bản tin", body_html="<p>x</p>",
                        kind_fields={"period_month": 12, "period_year": 2026})  # fmt: skip


def test_the_review_chain_is_set_per_level_as_data(users, orgs):
    assert review_chain_of(orgs["doson-btg"]) == ["head", "approver"]
    orgs["doson"].review_chain = "approver"  # the district level: the city approves directly
    orgs["doson"].full_clean()
    orgs["doson"].save()
    assert review_chain_of(orgs["doson-btg"]) == ["approver"]
    assert review_chain_of(orgs["hp-btg"]) == ["head", "approver"]
    draft = make_document(users, orgs)
    assert chain_for(draft)[0] == ["approver"]
    for wrong in ("approver,head", "head", "head,head,approver", "editor,approver"):
        orgs["doson"].review_chain = wrong
        with pytest.raises(ValidationError):
            orgs["doson"].full_clean()


def test_a_successor_reads_its_predecessors_archive_and_nobody_else_does(users, orgs):
    published = make_document(users, orgs, state="published")
    ward = organisation_create(code="w", name="Đảng ủy phường Đồ Sơn", kind="committee",
                               parent=orgs["hp"])  # fmt: skip
    office = organisation_create(code="w-bxd", name="Ban Xây dựng Đảng", kind="department",
                                 parent=ward)  # fmt: skip
    cell = organisation_create(code="w-c", name="Chi bộ 1", kind="cell", parent=ward)
    editor, secretary = users["ngoquyen.editor"], users["hbt.editor"]
    membership_grant(user=editor, organisation=office, role=Membership.Role.EDITOR)
    membership_grant(user=secretary, organisation=cell, role=Membership.Role.READER)
    for user in (editor, secretary):
        user._portal_held = None
        assert published not in documents_visible_to(user)
    # What services.reorganisation keeps: the ward succeeded the district, its office the
    # district's department.
    ward.heritage = ward.reading_heritage = f"/{orgs['doson'].pk}/"
    office.heritage = f"/{orgs['doson-btg'].pk}/"
    office.reading_heritage = f"/{orgs['doson'].pk}/{orgs['doson-btg'].pk}/"
    cell.reading_heritage = ward.reading_heritage
    for organisation in (ward, office, cell):
        organisation.save()
    for user in (editor, secretary):
        user._portal_held = None
        assert published in documents_visible_to(user)
    assert published not in documents_visible_to(users["hn.editor"])


def test_a_district_number_cited_by_its_successor_ward_stays_the_districts(users, orgs):
    body = "<p>Thực hiện Kế hoạch số 5-KH/QU ngày 10/01/2024 của Quận ủy.</p>"
    old = make_document(users, orgs, body_html=body)  # Đồ Sơn's, 2024
    ward = organisation_create(code="w", name="Đảng ủy phường Đồ Sơn", kind="committee",
                               parent=orgs["hp"])  # fmt: skip
    office = organisation_create(code="w-bxd", name="Ban Xây dựng Đảng", kind="department",
                                 parent=ward)  # fmt: skip
    ward.heritage = f"/{orgs['doson'].pk}/"
    ward.save()
    editor = users["ngoquyen.editor"]
    membership_grant(user=editor, organisation=office, role=Membership.Role.EDITOR)
    new = document_create(kind="guidance", issuer=office, actor=editor, title="Hướng dẫn",
                          body_html=body)  # fmt: skip
    neighbour = make_document(users, orgs, issuer="ngoquyen-btg", editor="ngoquyen.editor",
                              body_html=body)  # fmt: skip
    plan = old.citations.get().cited
    assert plan.scope == orgs["doson"]
    assert new.citations.get().cited == plan  # the former district's plan, not a new one
    assert neighbour.citations.get().cited != plan  # Ngô Quyền's own 5-KH/QU
    own = document_create(kind="guidance", issuer=office, actor=editor, title="Hướng dẫn 2",
                          body_html="<p>Theo Hướng dẫn số 15-HD/ĐU của Đảng ủy.</p>")  # fmt: skip
    assert own.citations.get().cited.scope == ward  # the ward's own Đảng ủy number


def test_a_guidance_is_addressed_to_the_city_department_as_it_is_named_today(orgs):
    lines = guidance_recipients(orgs["doson-btg"]).splitlines()
    assert lines[0] == "Ban Tuyên giáo Thành ủy Hải Phòng (để báo cáo),"
    assert not any(line.startswith("-") for line in lines)  # the printed forms add the dash
    _rename_city_department(orgs)
    lines = guidance_recipients(orgs["doson-btg"]).splitlines()
    assert lines[0] == "Ban Tuyên giáo và Dân vận Thành ủy Hải Phòng (để báo cáo),"


@time_machine.travel(TODAY)
def test_a_paper_document_recorded_today_counts_as_published_on_its_issue_day(users, orgs):
    old = make_document(users, orgs)
    old = document_publish_imported(document=old, actor=users["doson.editor"], reason="giấy",
                                    issued_on=date(2024, 12, 2))  # fmt: skip
    assert old.published_at.date() == date(2024, 12, 2)
    new = document_publish_imported(document=make_document(users, orgs, title="Mới"),
                                    actor=users["doson.editor"], reason="giấy")  # fmt: skip
    assert new.published_at.date() == date(2026, 12, 2)
