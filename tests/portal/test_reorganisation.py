"""Reorganising the demo tree: who reads and edits what before and after, refusals, preview,
the command and the admin page."""

import json
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.access import drafts_for
from portal.demo.tree import SEEDS
from portal.models import (
    Document,
    Membership,
    Organisation,
    PrintedLines,
    Reorganisation,
    Succession,
    WorkflowEvent,
)
from portal.rules import ACTIONS
from portal.selectors import documents_visible_to
from portal.services.demo import SEED_DIR, demo_tree_load
from portal.services.imports import document_import
from portal.services.organisations import membership_grant, organisation_create
from portal.services.reorganisation import (
    heritage_sync,
    reorganisation_apply,
    reorganisation_preview,
)
from portal.services.workflow import document_publish_imported
from tests.conftest import PERSONAS as CONFTEST_PERSONAS
from tests.factories import make_document

PERSONAS = [
    "doson.editor",
    "doson.head",
    "ngoquyen.editor",
    "hp.approver",
    "vanhuong.secretary",
    "ngoquyen.secretary",
    "lachtray.secretary",
    "hn.approver",
]

WARD = {
    "code": "p-doson",
    "name": "Đảng ủy phường Đồ Sơn",
    "kind": "committee",
    "parent": "hp",
    "parent_line": "ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG",
    "print_name": "ĐẢNG ỦY PHƯỜNG ĐỒ SƠN",
    "symbol": "ĐU",
    "place": "Đồ Sơn",
}
WARD_BXD = {
    "code": "p-doson-bxd",
    "name": "Ban Xây dựng Đảng Đảng ủy phường Đồ Sơn",
    "kind": "department",
    "parent": "p-doson",
    "parent_line": "ĐẢNG ỦY PHƯỜNG ĐỒ SƠN",
    "print_name": "BAN XÂY DỰNG ĐẢNG",
    "symbol": "BXDĐ",
    "place": "Đồ Sơn",
    "review_chain": "head,approver",
}
END_DOSON = [
    {
        "code": "doson-btg",
        "how": "dissolved_into",
        "into": ["p-doson-bxd"],
        "drafts_to": "p-doson-bxd",
    },
    {"code": "doson", "how": "dissolved_into", "into": ["p-doson"], "drafts_to": "p-doson-bxd"},
]
DOSON_PLAN = {
    "name": "Sắp xếp Quận ủy Đồ Sơn",
    "effective_on": "2025-07-01",
    "create": [WARD, WARD_BXD],
    "rename": [
        {
            "code": "hp-btg",
            "name": "Ban Tuyên giáo và Dân vận Thành ủy Hải Phòng",
            "print_name": "BAN TUYÊN GIÁO VÀ DÂN VẬN",
            "symbol": "BTGDVTU",
        }
    ],  # fmt: skip
    "move": [{"code": "doson-vanhuong", "to": "p-doson"}],
    "memberships": [
        {"user": "doson.editor", "role": "editor", "from": "doson-btg", "to": "p-doson-bxd"},
        {"user": "doson.head", "role": "head", "from": "doson-btg", "to": "p-doson-bxd"},
    ],
    "end": END_DOSON,
}


def _ward(code: str, name: str, parent: str = "hp", kind: str = "committee") -> dict:
    return {"code": code, "name": name, "kind": kind, "parent": parent}


SPLIT_PLAN = {
    "name": "Chia tách Quận ủy Ngô Quyền",
    "effective_on": "2025-07-01",
    "create": [
        _ward("p-gia-vien", "Đảng ủy phường Gia Viên"),
        _ward("p-gia-vien-bxd", "Ban Xây dựng Đảng phường Gia Viên", "p-gia-vien", "department"),
        _ward("p-ngo-quyen", "Đảng ủy phường Ngô Quyền"),
        _ward("p-ngo-quyen-bxd", "Ban Xây dựng Đảng phường Ngô Quyền", "p-ngo-quyen", "department"),
    ],
    "move": [
        {"code": "ngoquyen-maytho", "to": "p-gia-vien"},
        {"code": "ngoquyen-lachtray", "to": "p-ngo-quyen"},
    ],
    "memberships": [
        {
            "user": "ngoquyen.editor",
            "role": "editor",
            "from": "ngoquyen-btg",
            "to": "p-ngo-quyen-bxd",
        },
    ],  # fmt: skip
    "end": [
        {
            "code": "ngoquyen-btg",
            "how": "split_into",
            "into": ["p-gia-vien-bxd", "p-ngo-quyen-bxd"],
            "drafts_to": "p-ngo-quyen-bxd",
        },
        {"code": "ngoquyen", "how": "split_into", "into": ["p-gia-vien", "p-ngo-quyen"]},
    ],  # fmt: skip
}


@pytest.fixture
def demo(db):
    """A copy of the 2024 demo (tree, users, the four seeds) with a second grassroots
    organisation in Ngô Quyền, and open and published documents of both districts."""
    orgs, users = demo_tree_load()
    for filename, kind, issuer, username, issued_on in SEEDS:  # as issued on paper in 2024
        text = (SEED_DIR / filename).read_text(encoding="utf-8")
        author = users[username]
        document, _ = document_import(text=text, kind=kind, issuer=orgs[issuer], actor=author)
        document_publish_imported(
            document=document, actor=users[username], reason=filename, issued_on=issued_on
        )
    grassroots = organisation_create(
        code="ngoquyen-lachtray", name="Đảng bộ phường Lạch Tray", kind="grassroots",
        parent=orgs["ngoquyen"],
    )  # fmt: skip
    cell = organisation_create(
        code="ngoquyen-lachtray-cb1", name="Chi bộ 1 Lạch Tray", kind="cell", parent=grassroots
    )
    secretary = get_user_model().objects.create_user("lachtray.secretary")
    membership_grant(user=secretary, organisation=cell, role=Membership.Role.READER)
    orgs = {o.code: o for o in Organisation.objects.all()}
    users["lachtray.secretary"] = secretary
    seeds = Document.objects.filter(status=Document.Status.PUBLISHED)
    docs = {
        "bt-2024-02": seeds.get(issuer__code="doson-btg", issued_on=date(2024, 2, 2)),
        "bt-2024-12": seeds.get(issuer__code="doson-btg", issued_on=date(2024, 12, 2)),
        "hbt-guidance": seeds.get(issuer__code="hbt-btg"),
        "hp-report": seeds.get(issuer__code="hp"),
        "doson-draft": make_document(users, orgs, title="Bản nháp Đồ Sơn"),
        "doson-submitted": make_document(users, orgs, state="submitted", title="Chờ duyệt"),
        "nq-draft": make_document(
            users, orgs, issuer="ngoquyen-btg", editor="ngoquyen.editor", title="Nháp NQ"
        ),
        "nq-published": make_document(
            users,
            orgs,
            issuer="ngoquyen-btg",
            editor="ngoquyen.editor",
            state="published",
            render=False,
            title="Bản tin Ngô Quyền",
        ),  # fmt: skip
    }
    return docs


def matrix(docs: dict) -> dict[str, tuple[set, set]]:
    """For every persona: the documents they can view and those they can edit."""
    result = {}
    for username in PERSONAS:
        # A fresh user object: memberships are cached on it for a request.
        user = get_user_model().objects.get(username=username)
        visible = set(documents_visible_to(user).values_list("pk", flat=True))
        view, edit = set(), set()
        for label, document in docs.items():
            document = Document.objects.select_related("issuer", "audience").get(pk=document.pk)
            if document.pk in visible and ACTIONS["view"].test(user, document):
                view.add(label)
            if document.pk in visible and ACTIONS["edit"].test(user, document):
                edit.add(label)
        result[username] = (view, edit)
    return result


DOSON_ARCHIVE = {"bt-2024-02", "bt-2024-12"}
DOSON_OPEN = {"doson-draft", "doson-submitted"}
# Who reads and edits what, the same before and after both reorganisations: nothing is lost,
# nothing leaks.
EXPECTED = {
    "doson.editor": (DOSON_ARCHIVE | DOSON_OPEN | {"hp-report"}, {"doson-draft"}),
    "doson.head": (DOSON_ARCHIVE | DOSON_OPEN | {"hp-report"}, set()),
    "ngoquyen.editor": ({"hp-report", "nq-draft", "nq-published"}, {"nq-draft"}),
    "hp.approver": (DOSON_ARCHIVE | {"doson-submitted", "hp-report", "nq-published"}, set()),
    "vanhuong.secretary": (DOSON_ARCHIVE | {"hp-report"}, set()),
    "ngoquyen.secretary": ({"hp-report", "nq-published"}, set()),
    "lachtray.secretary": ({"hp-report", "nq-published"}, set()),
    "hn.approver": ({"hbt-guidance"}, set()),
}


def test_dissolve_and_merge_keeps_who_reads_and_edits_what(demo):
    assert matrix(demo) == EXPECTED
    reorganisation = reorganisation_apply(plan=DOSON_PLAN, actor=None)
    assert matrix(demo) == EXPECTED

    orgs = {o.code: o for o in Organisation.objects.all()}
    assert orgs["doson"].valid_to == orgs["doson-btg"].valid_to == date(2025, 7, 1)
    assert orgs["p-doson"].valid_from == date(2025, 7, 1)
    assert orgs["p-doson-bxd"].review_chain == "head,approver"
    # The grassroots organisation and its cells moved with their paths.
    assert orgs["doson-vanhuong"].parent == orgs["p-doson"]
    moved_cell = f"{orgs['doson-vanhuong'].pk}/{orgs['doson-vanhuong-cb1'].pk}/"
    assert orgs["doson-vanhuong-cb1"].path == orgs["p-doson"].path + moved_cell
    # The archive keeps its issuer, number and audience; open work passed to the successor.
    archive = Document.objects.get(pk=demo["bt-2024-02"].pk)
    assert (archive.issuer.code, archive.audience.code) == ("doson-btg", "doson")
    assert archive.number == demo["bt-2024-02"].number != ""
    for label in DOSON_OPEN:
        document = Document.objects.get(pk=demo[label].pk)
        assert (document.issuer.code, document.audience.code) == ("p-doson-bxd", "p-doson")
        event = document.events.order_by("-pk").first()
        assert event.action == WorkflowEvent.Action.HANDOVER and event.actor is None
        assert "Ban Xây dựng Đảng Đảng ủy phường Đồ Sơn" in event.reason
    # The former district editor drafts for the ward now, never for the ended department.
    editor = get_user_model().objects.get(username="doson.editor")
    assert set(drafts_for(editor)) == {orgs["p-doson-bxd"].pk, orgs["p-doson"].pk}
    assert orgs["p-doson-bxd"].heritage == f"/{orgs['doson-btg'].pk}/"
    assert orgs["doson-vanhuong-cb1"].reading_heritage == f"/{orgs['doson'].pk}/"
    assert not Membership.objects.filter(organisation__code__in=["doson", "doson-btg"]).exists()
    # The renamed city department keeps its former lines for its earlier documents.
    lines = PrintedLines.objects.get(organisation=orgs["hp-btg"])
    assert (lines.until, lines.print_name, lines.symbol) == (
        date(2025, 7, 1),
        "BAN TUYÊN GIÁO",
        "BTGTU",
    )
    assert orgs["hp-btg"].symbol == "BTGDVTU"
    assert orgs["hp-btg"].parent_line == "THÀNH ỦY HẢI PHÒNG"  # a key not given is kept
    # The audit entry.
    assert Succession.objects.filter(reorganisation=reorganisation).count() == 2
    summary = Reorganisation.objects.get(pk=reorganisation.pk).summary
    assert summary["counts"]["open_documents"] == 2
    assert {m["user"] for m in summary["memberships"]} == {"doson.editor", "doson.head"}


def test_split_keeps_who_reads_and_edits_what(demo):
    assert matrix(demo) == EXPECTED
    reorganisation_apply(plan=SPLIT_PLAN, actor=None)
    after = matrix(demo)
    assert after == EXPECTED
    orgs = {o.code: o for o in Organisation.objects.all()}
    # Both wards succeeded the district: their units read its archive, staff of either read it.
    for ward in ("p-gia-vien", "p-ngo-quyen"):
        assert orgs[ward].heritage == f"/{orgs['ngoquyen'].pk}/"
    assert orgs["ngoquyen-maytho-cb1"].path.startswith(orgs["p-gia-vien"].path)
    assert orgs["ngoquyen-lachtray-cb1"].path.startswith(orgs["p-ngo-quyen"].path)
    assert Document.objects.get(pk=demo["nq-draft"].pk).issuer == orgs["p-ngo-quyen-bxd"]


def test_staff_of_a_successor_read_the_archive_and_cells_of_other_districts_never(demo):
    reorganisation_apply(plan=DOSON_PLAN, actor=None)
    ward_bxd = Organisation.objects.get(code="p-doson-bxd")
    newcomer = get_user_model().objects.create_user("ward.head")
    membership_grant(user=newcomer, organisation=ward_bxd, role=Membership.Role.HEAD)
    visible = set(documents_visible_to(newcomer).values_list("pk", flat=True))
    assert {demo[label].pk for label in DOSON_ARCHIVE | DOSON_OPEN} <= visible
    for username in ("ngoquyen.secretary", "lachtray.secretary", "ngoquyen.editor"):
        user = get_user_model().objects.get(username=username)
        visible = set(documents_visible_to(user).values_list("pk", flat=True))
        assert not visible & {demo[label].pk for label in DOSON_ARCHIVE | DOSON_OPEN}


def _state() -> tuple:
    return (
        list(Organisation.objects.order_by("pk").values_list("pk", "parent_id", "path", "valid_to",
                                                             "heritage", "name")),
        list(Membership.objects.order_by("pk").values_list("pk", "organisation_id", "role")),
        list(Document.objects.order_by("pk").values_list("pk", "issuer_id", "audience_id")),
        Succession.objects.count(),
        Reorganisation.objects.count(),
        PrintedLines.objects.count(),
        WorkflowEvent.objects.count(),
    )  # fmt: skip


def test_preview_reports_and_changes_nothing(demo):
    before = _state()
    report = reorganisation_preview(plan=DOSON_PLAN)
    assert _state() == before
    moved = {o["code"]: o["action"] for o in report["organisations"]}
    assert moved == {"p-doson": "create", "p-doson-bxd": "create", "hp-btg": "rename",
                     "doson-vanhuong": "move", "doson-btg": "end", "doson": "end"}  # fmt: skip
    assert {d["id"] for d in report["open_documents"]} == {demo[k].pk for k in DOSON_OPEN}
    assert {(m["user"], m["to"]) for m in report["memberships"]} == {
        ("doson.editor", "Ban Xây dựng Đảng Đảng ủy phường Đồ Sơn"),
        ("doson.head", "Ban Xây dựng Đảng Đảng ủy phường Đồ Sơn"),
    }
    # The two cells keep reading the district's bulletins: no reading change to report.
    assert report["documents"] == []


def test_preview_counts_cells_whose_reading_changes(demo):
    plan = {
        "name": "Chi bộ Lạch Tray về Đồ Sơn",
        "effective_on": "2025-07-01",
        "move": [{"code": "ngoquyen-lachtray", "to": "doson"}],
    }
    report = reorganisation_preview(plan=plan)
    changed = {d["id"]: (d["before"], d["after"]) for d in report["documents"]}
    assert changed[demo["bt-2024-02"].pk] == (2, 3)
    assert changed[demo["nq-published"].pk] == (3, 2)
    assert demo["hp-report"].pk not in changed


def test_ending_twice_is_refused_and_nothing_applied(demo):
    reorganisation_apply(plan=DOSON_PLAN, actor=None)
    again = {
        "name": "Lần hai",
        "effective_on": "2025-08-01",
        "create": [_ward("p-moi", "Đảng ủy phường Mới")],
        "end": [{"code": "doson", "how": "merged_into", "into": ["p-moi"]}],
    }
    before = _state()
    with pytest.raises(ValidationError) as refused:
        reorganisation_apply(plan=again, actor=None)
    assert "end #1 (doson)" in refused.value.messages[0]
    assert "đã kết thúc hoạt động từ ngày 01/07/2025" in refused.value.messages[0]
    assert _state() == before


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ({"move": [{"code": "ngoquyen-lachtray", "to": "doson"}]}, "move #1 (ngoquyen-lachtray)"),
        (
            {"end": [{"code": "ngoquyen", "how": "merged_into", "into": ["doson"]}]},
            "end #1 (ngoquyen)",
        ),
        (
            {
                "end": [
                    {
                        "code": "ngoquyen-btg",
                        "how": "merged_into",
                        "into": ["hp-btg"],
                        "drafts_to": "doson-btg",
                    }
                ]
            },
            "end #1 (ngoquyen-btg)",
        ),  # fmt: skip
        ({"move": [{"code": "khong-co", "to": "hp"}]}, "không có tổ chức mã “khong-co”"),
        ({"end": [{"code": "hbt", "how": "gone", "into": ["hn"]}]}, "hình thức “gone”"),
        (
            {"end": [{"code": "hbt", "how": "merged_into", "into": ["hn"]}]},
            "end #1 (hbt): Ban Tuyên giáo Quận ủy Hai Bà Trưng vẫn trực thuộc",
        ),
    ],
)
def test_refusals_name_the_entry(demo, plan, message):
    reorganisation_apply(plan=DOSON_PLAN, actor=None)
    before = _state()
    with pytest.raises(ValidationError) as refused:
        reorganisation_apply(plan={"name": "Sai", "effective_on": "2025-09-01", **plan}, actor=None)
    assert message in " ".join(refused.value.messages)
    assert _state() == before


def test_a_plan_of_the_wrong_form_is_refused_with_every_mistake(db):
    with pytest.raises(ValidationError) as refused:
        reorganisation_preview(plan={"effective_on": "1/7/2025", "move": [{"code": "x"}],
                                     "delete": []})  # fmt: skip
    text = " ".join(refused.value.messages)
    for part in ("delete", "thiếu tên", "YYYY-MM-DD", "move #1 (x): thiếu to"):
        assert part in text


def test_open_documents_of_an_organisation_ended_without_drafts_to_are_refused(demo):
    plan = {**DOSON_PLAN, "end": [{**END_DOSON[0], "drafts_to": None}, END_DOSON[1]]}
    with pytest.raises(ValidationError) as refused:
        reorganisation_apply(plan=plan, actor=None)
    assert "drafts_to" in refused.value.messages[0]


def test_heritage_is_transitive(demo, django_assert_num_queries):
    reorganisation_apply(plan=DOSON_PLAN, actor=None)
    later = {
        "name": "Hợp nhất tiếp",
        "effective_on": "2026-01-01",
        "create": [_ward("p-lon", "Đảng ủy phường Lớn")],
        "move": [{"code": "doson-vanhuong", "to": "p-lon"}],
        "end": [{"code": "p-doson-bxd", "how": "merged_into", "into": ["p-lon"],
                 "drafts_to": "p-lon"},
                {"code": "p-doson", "how": "merged_into", "into": ["p-lon"]}],
    }  # fmt: skip
    reorganisation_apply(plan=later, actor=None)
    orgs = {o.code: o for o in Organisation.objects.all()}
    expected = sorted(orgs[c].pk for c in ("doson", "doson-btg", "p-doson", "p-doson-bxd"))
    assert orgs["p-lon"].heritage == "".join(f"/{pk}" for pk in expected) + "/"
    with django_assert_num_queries(2):  # whatever the tree's size
        assert heritage_sync() == 0  # already in step
    secretary = get_user_model().objects.get(username="vanhuong.secretary")
    visible = set(documents_visible_to(secretary).values_list("pk", flat=True))
    assert {demo[label].pk for label in DOSON_ARCHIVE} <= visible


def test_command_previews_without_apply_and_applies_with_it(demo, tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(DOSON_PLAN, ensure_ascii=False), encoding="utf-8")
    before = _state()
    out = StringIO()
    call_command("reorganise", str(plan), stdout=out)
    lines = out.getvalue().splitlines()
    assert _state() == before
    assert (
        "Tổ chức: Đảng bộ phường Vạn Hương (doson-vanhuong): "
        "chuyển từ Quận ủy Đồ Sơn về Đảng ủy phường Đồ Sơn"
    ) in lines
    assert lines[-1].startswith("Xem trước, chưa thay đổi gì: 6 thay đổi tổ chức, 2 thành viên")
    out = StringIO()
    call_command("reorganise", str(plan), "--apply", "--user", "admin", stdout=out)
    reorganisation = Reorganisation.objects.get()
    assert reorganisation.applied_by.username == "admin"
    applied = f"Đã áp dụng phương án “Sắp xếp Quận ủy Đồ Sơn” (số {reorganisation.pk}): "
    assert out.getvalue().startswith(applied) and len(out.getvalue().splitlines()) == 1
    with pytest.raises(CommandError, match="create #1 \\(p-doson\\): mã “p-doson” đã có"):
        call_command("reorganise", str(plan), stdout=StringIO())


def test_admin_page_previews_then_applies(demo, client):
    client.force_login(get_user_model().objects.get(username="admin"))
    url = reverse("portal:reorganisation_list")
    assert client.get(url).status_code == 200
    plan = json.dumps(DOSON_PLAN, ensure_ascii=False)
    response = client.post(url, {"plan": plan})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Đảng bộ phường Vạn Hương" in page and "Bản nháp Đồ Sơn" in page
    assert not Reorganisation.objects.exists()
    response = client.post(url, {"plan": plan, "confirm": "1"})
    reorganisation = Reorganisation.objects.get()
    assert response.status_code == 302
    detail = reverse("portal:reorganisation_detail", args=[reorganisation.pk])
    assert response["Location"] == detail
    page = client.get(response["Location"]).content.decode()
    assert "Sắp xếp Quận ủy Đồ Sơn" in page and "Đảng ủy phường Đồ Sơn" in page
    assert "Đã áp dụng phương án" in page  # the success message
    # Roles, statuses and kinds in words, not as the plan's codes.
    assert "(Chuyên viên)" in page and "(editor)" not in page
    assert "Bản tin, nhiệm kỳ" in page and "bulletin," not in page
    assert "Sắp xếp Quận ủy Đồ Sơn" in client.get(url).content.decode()
    # A refused plan is shown with its reason, nothing applied.
    response = client.post(url, {"plan": plan, "confirm": "1"})
    assert response.status_code == 200 and "đã có" in response.content.decode()
    assert Reorganisation.objects.count() == 1


def test_admin_page_explains_a_plan_that_is_not_json_in_vietnamese(demo, client):
    client.force_login(get_user_model().objects.get(username="admin"))
    response = client.post(
        reverse("portal:reorganisation_list"), {"plan": '{"name": "x"\n "a": 1}'}
    )
    page = response.content.decode()
    assert "lỗi ở dòng 2, cột 2" in page and "Expecting" not in page


def test_admin_page_takes_an_uploaded_plan(demo, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(get_user_model().objects.get(username="admin"))
    upload = SimpleUploadedFile("plan.json", json.dumps(DOSON_PLAN).encode(), "application/json")
    response = client.post(reverse("portal:reorganisation_list"), {"plan_file": upload})
    assert response.status_code == 200 and "Đảng bộ phường Vạn Hương" in response.content.decode()


def test_admin_page_is_for_administrators_only(demo, client):
    url = reverse("portal:reorganisation_list")
    for username in CONFTEST_PERSONAS:
        client.force_login(get_user_model().objects.get(username=username))
        assert client.get(url).status_code == 403
        assert client.post(url, {"plan": json.dumps(DOSON_PLAN), "confirm": "1"}).status_code == 403
    assert not Reorganisation.objects.exists()
    # An administrator of the city (a membership) may; one of another city may not touch it.
    city_admin = get_user_model().objects.create_user("hp.admin")
    membership_grant(user=city_admin, organisation=Organisation.objects.get(code="hp"),
                     role=Membership.Role.ADMIN)  # fmt: skip
    other_admin = get_user_model().objects.create_user("hn.admin")
    membership_grant(user=other_admin, organisation=Organisation.objects.get(code="hn"),
                     role=Membership.Role.ADMIN)  # fmt: skip
    client.force_login(other_admin)
    assert client.get(url).status_code == 200
    assert client.post(url, {"plan": json.dumps(DOSON_PLAN)}).status_code == 403
    client.force_login(city_admin)
    assert client.post(url, {"plan": json.dumps(DOSON_PLAN), "confirm": "1"}).status_code == 302
    assert Reorganisation.objects.get().applied_by == city_admin


def test_the_inbox_offers_reorganising_to_administrators_only(demo, client):
    url = reverse("portal:document_list")
    client.force_login(get_user_model().objects.get(username="admin"))
    assert 'id="reorganise-link"' in client.get(url).content.decode()
    client.force_login(get_user_model().objects.get(username="doson.editor"))
    assert 'id="reorganise-link"' not in client.get(url).content.decode()
