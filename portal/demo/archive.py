"""A realistic archive built through the portal's own models, for measuring at scale.

Ten years of a city's propaganda work: the organisation tree, its staff and cell
secretaries, every kind of document in every status with their revisions, events, register
numbers, citations, report indicators and the cells' receipts. Rows go in with bulk inserts,
so L (10,000 cells) builds in minutes; the result is the same for the same size (seeded).

Shared rather than real: every approved revision points at ONE rendered PDF file, and every
generated account has the demo password (hashed once).
"""

import hashlib
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import connection, models, transaction
from django.utils import timezone

from portal.demo.tree import DEMO_PASSWORD, DEMO_TOTP_SECRET
from portal.kinds import KINDS, month_index
from portal.models import (
    Citation,
    CitedDocument,
    Document,
    Membership,
    Organisation,
    Receipt,
    RegisterEntry,
    RenderedFile,
    Revision,
    SearchEntry,
    WorkflowEvent,
)
from portal.references import normalise_number
from portal.search import entry_fields
from portal.services.references import body_text
from portal.services.register import format_number, term_start_for
from portal.storage import private_storage

Status = Document.Status
DOWNLOADED = Receipt.Via.DOWNLOADED.value
Kind = Organisation.Kind
Role = Membership.Role

BATCH = 5000
FIRST_MONTH = (2017, 1)  # ten years, fixed so that two builds are the same
MONTHS = 120
# The last months are still being worked on; before them nearly everything is published.
WORKING_MONTHS = 3
SEED = 12

# What the generated bodies say, a few sentences each, so that search reads text of the
# size and the words of real bulletins (drawn with a generator of their own: the rest of
# the archive is the same as before they were added).
SENTENCES = (
    "Đẩy mạnh công tác tuyên truyền, giáo dục chính trị tư tưởng trong cán bộ, đảng viên.",
    "Các chi bộ tổ chức quán triệt, học tập các nghị quyết, chỉ thị của Đảng.",
    "Tiếp tục thực hiện Chỉ thị số 05-CT/TW về đẩy mạnh học tập và làm theo tư tưởng, "
    "đạo đức, phong cách Hồ Chí Minh.",
    "Tuyên truyền kỷ niệm các ngày lễ lớn, các sự kiện chính trị quan trọng của đất nước.",
    "Nắm bắt tình hình tư tưởng, dư luận xã hội, kịp thời định hướng thông tin.",
    "Đấu tranh phản bác các quan điểm sai trái, thù địch trên không gian mạng.",
    "Phát huy vai trò tiền phong, gương mẫu của đảng viên trong khu dân cư.",
    "Triển khai hiệu quả cuộc vận động Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh.",
    "Tăng cường công tác dân vận, củng cố khối đại đoàn kết toàn dân tộc.",
    "Đảm bảo an ninh chính trị, trật tự an toàn xã hội trên địa bàn.",
    "Thực hiện tốt công tác phòng, chống thiên tai, dịch bệnh và bảo vệ môi trường.",
    "Chuẩn bị chu đáo nội dung sinh hoạt chi bộ định kỳ hằng tháng.",
    "Tổng kết, đánh giá kết quả thực hiện nhiệm vụ và đề ra phương hướng thời gian tới.",
    "Quốc hội thông qua các luật quan trọng về kinh tế, xã hội và quốc phòng, an ninh.",
    "Tình hình kinh tế - xã hội của thành phố tiếp tục chuyển biến tích cực.",
    "Thu ngân sách trên địa bàn đạt và vượt kế hoạch đề ra.",
    "Công tác chuyển đổi số được quan tâm chỉ đạo, đạt nhiều kết quả quan trọng.",
    "Sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn, hoạt động hiệu lực, hiệu quả.",
)
# One published document in this many (by key) is recalled after publication.
RECALL_EVERY = 211
SHARED_PDF_NAME = "rendered/archive/shared.pdf"
# A one-page PDF, hand-written: every approved revision of the archive points at it.
SHARED_PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R
/Resources << /Font << /F1 5 0 R >> >> >> endobj
4 0 obj << /Length 52 >> stream
BT /F1 18 Tf 72 760 Td (Generated archive document) Tj ET
endstream endobj
5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
trailer << /Root 1 0 R >>
%%EOF
"""


@dataclass(frozen=True)
class Size:
    cities: int
    districts: int  # in all, shared among the cities
    cells: int  # in all, shared among the districts
    cells_per_grassroots: int = 10


SIZES = {
    "S": Size(cities=1, districts=5, cells=100),
    "M": Size(cities=2, districts=20, cells=2000),
    "L": Size(cities=2, districts=45, cells=10000),
}

CITY_NAMES = ["Hải Phòng", "Hà Nội", "Đà Nẵng"]
NATIONAL_CITED = [  # type name, type code, issuing body's code and name
    ("Nghị quyết", "NQ", "TW", "Ban Chấp hành Trung ương"),
    ("Chỉ thị", "CT", "TW", "Ban Bí thư"),
    ("Kết luận", "KL", "TW", "Bộ Chính trị"),
    ("Quy định", "QĐ", "TW", "Ban Chấp hành Trung ương"),
    ("Hướng dẫn", "HD", "BTGTW", "Ban Tuyên giáo Trung ương"),
]
INDICATORS = [
    ("1", "Tốc độ tăng trưởng kinh tế", "%"),
    ("2", "Thu ngân sách nhà nước", "tỷ đồng"),
    ("3", "Tổng vốn đầu tư toàn xã hội", "tỷ đồng"),
    ("4", "Kim ngạch xuất khẩu", "triệu USD"),
    ("5", "Số đảng viên mới kết nạp", "người"),
    ("6", "Tỷ lệ hộ nghèo", "%"),
]


def _kind_models() -> list:
    labels = ("bulletins.Bulletin", "guidance.Guidance", "guidance.Report")
    return [apps.get_model(label) for label in labels]


class ArchiveRefused(ValueError):
    """The database already holds data: the archive is built only into an empty one."""


@dataclass
class Department:
    """A propaganda department and what it needs to issue documents."""

    org: Organisation
    committee: Organisation
    city: Organisation
    editors: list
    head: object
    approver: object


@dataclass
class Planned:
    """A document before insertion, with the times of its history."""

    document: Document
    status: str
    dept: Department
    created: datetime
    revisions: int
    period: tuple[int, int]


def archive_require_empty() -> None:
    """Refuse to build into a database that holds organisations, users or documents."""
    if (
        Organisation.objects.exists()
        or Document.objects.exists()
        or get_user_model().objects.exists()
    ):
        raise ArchiveRefused(
            "Cơ sở dữ liệu đã có dữ liệu (tổ chức, người dùng hoặc văn bản): chỉ tạo kho "
            "văn bản mẫu trong cơ sở dữ liệu trống, để không trộn với dữ liệu thật."
        )


@contextmanager
def _given_times() -> Iterator[None]:
    """Let bulk inserts keep the dates the archive gives (auto_now would stamp today)."""
    fields = [
        (model._meta.get_field(name), attr)
        for model, name, attr in [
            (Document, "created_at", "auto_now_add"),
            (Document, "updated_at", "auto_now"),
            (Revision, "created_at", "auto_now_add"),
            (WorkflowEvent, "created_at", "auto_now_add"),
            (RegisterEntry, "created_at", "auto_now_add"),
            (Receipt, "created_at", "auto_now_add"),
        ]
    ]
    for field, attr in fields:
        setattr(field, attr, False)
    try:
        yield
    finally:
        for field, attr in fields:
            setattr(field, attr, True)


def _bulk(model: type[models.Model], rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH)


def _insert_rows(model: type[models.Model], columns: list[str], rows: list[tuple]) -> int:
    """Insert plain rows without building model instances: COPY on PostgreSQL (ten times
    faster than INSERT for the receipts' millions of rows), executemany elsewhere."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            # Table and column names come from the model, never from input.
            insert = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(insert, rows)
    return len(rows)


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


class _Builder:
    def __init__(self, size: Size, progress: Callable[[str], None]):
        self.size = size
        self.progress = progress
        self.rng = random.Random(SEED)
        self.password = make_password(DEMO_PASSWORD)
        self.counts: dict[str, int] = {}

    # -- organisations -------------------------------------------------------------------

    def _insert_level(self, rows: list[Organisation]) -> list[Organisation]:
        created = _bulk(Organisation, rows)
        for org in created:
            org.path = f"{org.parent.path if org.parent else '/'}{org.pk}/"
        Organisation.objects.bulk_update(created, ["path"], batch_size=BATCH)
        return created

    def organisations(self) -> None:
        size = self.size
        cities = self._insert_level(
            [
                Organisation(
                    code=f"tp{i + 1}",
                    name=f"Thành ủy {CITY_NAMES[i]}",
                    kind=Kind.COMMITTEE,
                    parent_line=f"ĐẢNG BỘ THÀNH PHỐ {CITY_NAMES[i].upper()}",
                    print_name="THÀNH ỦY",
                    symbol="TU",
                    place=CITY_NAMES[i],
                )
                for i in range(size.cities)
            ]
        )
        districts = self._insert_level(
            [
                Organisation(
                    code=f"q{i + 1}",
                    name=f"Quận ủy số {i + 1}",
                    kind=Kind.COMMITTEE,
                    parent=cities[i % len(cities)],
                    parent_line=f"ĐẢNG BỘ THÀNH PHỐ {cities[i % len(cities)].place.upper()}",
                    print_name=f"QUẬN ỦY SỐ {i + 1}",
                    symbol="QU",
                    place=f"Quận {i + 1}",
                )
                for i in range(size.districts)
            ]
        )
        committees = cities + districts
        departments = self._insert_level(
            [
                Organisation(
                    code=f"{c.code}-btg",
                    name=f"Ban Tuyên giáo {c.name}",
                    kind=Kind.DEPARTMENT,
                    parent=c,
                    parent_line=c.name.upper(),
                    print_name="BAN TUYÊN GIÁO",
                    symbol="BTGTU" if c.parent_id is None else "BTGQU",
                    place=c.place,
                )
                for c in committees
            ]
        )
        per_district = [size.cells // size.districts] * size.districts
        for i in range(size.cells % size.districts):
            per_district[i] += 1
        grassroots_rows, cell_counts = [], []
        for district, cells in zip(districts, per_district, strict=True):
            count = max(1, round(cells / size.cells_per_grassroots))
            for g in range(count):
                grassroots_rows.append(
                    Organisation(
                        code=f"{district.code}-p{g + 1}",
                        name=f"Đảng bộ phường {g + 1} {district.place}",
                        kind=Kind.GRASSROOTS,
                        parent=district,
                        place=district.place,
                    )
                )
                cell_counts.append(cells // count + (1 if g < cells % count else 0))
        grassroots = self._insert_level(grassroots_rows)
        cells = self._insert_level(
            [
                Organisation(
                    code=f"{g.code}-cb{n + 1}",
                    name=f"Chi bộ tổ dân phố số {n + 1} {g.name.removeprefix('Đảng bộ ')}",
                    kind=Kind.CELL,
                    parent=g,
                    place=g.place,
                )
                for g, count in zip(grassroots, cell_counts, strict=True)
                for n in range(count)
            ]
        )
        self.cities, self.districts, self.departments = cities, districts, departments
        self.cells = cells
        # The cells under each committee: the readers of what it publishes.
        self.cells_under: dict[int, list[Organisation]] = {c.pk: [] for c in committees}
        for cell in cells:
            for ancestor in cell.path.strip("/").split("/")[:2]:
                self.cells_under[int(ancestor)].append(cell)
        self._count("tổ chức", Organisation.objects.count())

    # -- people --------------------------------------------------------------------------

    def people(self) -> None:
        user_model = get_user_model()
        wanted: list[tuple[str, Organisation, str]] = []
        for city in self.cities:
            wanted.append((f"{city.code}.approver", city, Role.APPROVER))
        for dept in self.departments:
            wanted += [(f"{dept.code}.editor{n}", dept, Role.EDITOR) for n in (1, 2)]
            wanted.append((f"{dept.code}.head", dept, Role.HEAD))
        wanted += [(f"{cell.code}.secretary", cell, Role.READER) for cell in self.cells]
        users = _bulk(
            user_model,
            [
                user_model(username=name, email=f"{name}@archive.invalid", password=self.password)
                for name, _org, _role in wanted
            ],
        )
        _bulk(
            Membership,
            [
                Membership(user=user, organisation=org, role=role)
                for user, (_name, org, role) in zip(users, wanted, strict=True)
            ],
        )
        by_name = {user.username: user for user in users}
        for city in self.cities:  # approvers sign in in two steps, as in the demo
            TOTP.activate(by_name[f"{city.code}.approver"], DEMO_TOTP_SECRET)
        self.secretary_of = {
            org.pk: user
            for user, (_n, org, role) in zip(users, wanted, strict=True)
            if role == Role.READER
        }
        city_of = {c.pk: c for c in self.cities}
        self.staff = []
        for dept in self.departments:
            committee = dept.parent
            city = city_of[committee.parent_id or committee.pk]
            self.staff.append(
                Department(
                    org=dept,
                    committee=committee,
                    city=city,
                    editors=[by_name[f"{dept.code}.editor{n}"] for n in (1, 2)],
                    head=by_name[f"{dept.code}.head"],
                    approver=by_name[f"{city.code}.approver"],
                )
            )
        self._count("người dùng", len(users))

    # -- documents -----------------------------------------------------------------------

    def _status(self, month_index: int) -> str:
        roll = self.rng.random()
        if month_index < MONTHS - WORKING_MONTHS:
            # Old work: published, but a few drafts were abandoned or returned for ever.
            if roll < 0.03:
                return Status.DRAFT
            if roll < 0.05:
                return Status.RETURNED
            return Status.PUBLISHED
        for status, share in [
            (Status.DRAFT, 0.25),
            (Status.SUBMITTED, 0.45),
            (Status.RETURNED, 0.55),
            (Status.APPROVED, 0.7),
        ]:
            if roll < share:
                return status
        return Status.PUBLISHED

    def _plan(self, dept: Department, kind: str, issuer, month_index: int, title: str):
        year, month = divmod(FIRST_MONTH[0] * 12 + FIRST_MONTH[1] - 1 + month_index, 12)
        month += 1
        created = _moment(date(year, month, self.rng.randint(1, 20)), 8)
        status = self._status(month_index)
        document = Document(
            kind=kind,
            issuer=issuer,
            audience=dept.committee,
            title=title,
            status=status,
            created_by=dept.editors[month_index % 2],
            created_at=created,
            updated_at=created,
        )
        return Planned(document, status, dept, created, self.rng.randint(1, 3), (year, month))

    def documents(self) -> None:
        planned: list[Planned] = []
        for dept in self.staff:
            where = dept.committee.name
            for m in range(MONTHS):
                year, month = divmod(FIRST_MONTH[0] * 12 + FIRST_MONTH[1] - 1 + m, 12)
                planned.append(
                    self._plan(
                        dept,
                        "bulletin",
                        dept.org,
                        m,
                        f"Thông tin sinh hoạt chi bộ tháng {month + 1:02d} năm {year} ({where})",
                    )
                )
                if month % 3 == 2:  # a quarterly report of the committee, at quarter's end
                    planned.append(
                        self._plan(
                            dept,
                            "report",
                            dept.committee,
                            m,
                            f"Báo cáo kết quả thực hiện nhiệm vụ quý {month // 3 + 1} năm "
                            f"{year} ({where})",
                        )
                    )
                if self.rng.random() < 0.25:  # guidance for the occasions of the year
                    planned.append(
                        self._plan(
                            dept,
                            "guidance",
                            dept.org,
                            m,
                            f"Hướng dẫn tuyên truyền các ngày lễ lớn tháng {month + 1:02d} "
                            f"năm {year} ({where})",
                        )
                    )
        with _given_times():
            self._insert_documents(planned)
            self._count("văn bản", len(planned))
            self._history(planned)

    def _insert_documents(self, planned: list[Planned]) -> None:
        # Numbers in order of issue per issuer, kind and term (services.register's rule).
        sequences: dict[tuple[int, str, int], int] = {}
        for plan in sorted(planned, key=lambda p: p.created):
            d = plan.document
            if plan.status == Status.SUBMITTED:
                d.step, d.chain = 1, "head,approver"
            if plan.status not in (Status.APPROVED, Status.PUBLISHED):
                continue
            d.step, d.chain = 2, "head,approver"
            d.issued_on = (plan.created + timedelta(days=5)).date()
            d.term_start = term_start_for(d.issued_on)
            key = (d.issuer.pk, d.kind, d.term_start)
            sequences[key] = sequences.get(key, 0) + 1
            d.number = format_number(sequence=sequences[key], kind=d.kind, issuer=d.issuer)
            d.signer_title = "PHÓ TRƯỞNG BAN"
            d.signer_name = "Nguyễn Văn An"
            if plan.status == Status.PUBLISHED:
                d.published_at = plan.created + timedelta(days=5, hours=2)
            d.updated_at = d.published_at or plan.created + timedelta(days=5)
        rows = self._kind_rows(planned)
        _bulk(Document, [p.document for p in planned])
        self._kind_rows_insert(rows)

    def _kind_rows(self, planned: list[Planned]) -> tuple[list, list, list]:
        """Each document's kind row, and the derived columns its save() would keep (bulk
        inserts call no save())."""
        bulletin, guidance, report = _kind_models()
        bulletins, guidances, reports = [], [], []
        for plan in planned:
            (year, month), d = plan.period, plan.document
            if d.kind == "bulletin":
                row = bulletin(document=d, period_month=month, period_year=year)
                bulletins.append(row)
            elif d.kind == "guidance":
                row = guidance(document=d)
                guidances.append(row)
            else:
                row = report(document=d, quarter=(month - 1) // 3 + 1, year=year)
                reports.append(row)
            d.number_key = normalise_number(d.number) if d.number else ""
            own = KINDS[d.kind].period_months
            d.period_first, d.period_last = (
                own(row) if own else (month_index(d.issued_on or plan.created),) * 2
            )
        return bulletins, guidances, reports

    def _kind_rows_insert(self, rows: tuple[list, list, list]) -> None:
        bulletin, guidance, report = _kind_models()
        indicator = apps.get_model("guidance.Indicator")
        bulletins, guidances, reports = rows
        for row in (*bulletins, *guidances, *reports):
            row.document_id = row.document.pk
        _bulk(bulletin, bulletins)
        _bulk(guidance, guidances)
        _bulk(report, reports)
        rows = []
        for r in reports:
            for position, (code, name, unit) in enumerate(INDICATORS, start=1):
                plan_low = Decimal(self.rng.randint(100, 9000))
                rows.append(
                    indicator(
                        report=r,
                        position=position,
                        code=code,
                        name=name,
                        unit=unit,
                        plan_low=plan_low,
                        estimate=plan_low * Decimal(self.rng.randint(20, 30)) / 100,
                        same_period=plan_low * Decimal(self.rng.randint(18, 28)) / 100,
                    )
                )
        _bulk(indicator, rows)
        self._count("dòng chỉ tiêu", len(rows))

    def _history(self, planned: list[Planned]) -> None:
        revisions = []
        words = random.Random(SEED + 1)
        for plan in planned:
            for n in range(1, plan.revisions + 1):
                said = " ".join(words.sample(SENTENCES, words.randint(3, 8)))
                revisions.append(
                    Revision(
                        document=plan.document,
                        number=n,
                        body_html=f"<p>{plan.document.title}: nội dung bản sửa {n}.</p>"
                        f"<p>{said}</p>",
                        author=plan.document.created_by,
                        created_at=plan.created + timedelta(hours=n),
                    )
                )
        _bulk(Revision, revisions)
        last = {r.document_id: r for r in revisions}  # in order: the last one wins
        for plan in planned:
            d = plan.document
            d.current_revision = last[d.pk]
            if plan.status in (Status.APPROVED, Status.PUBLISHED):
                d.approved_revision = d.current_revision
        Document.objects.bulk_update(
            [p.document for p in planned],
            ["current_revision", "approved_revision"],
            batch_size=BATCH,
        )
        self._count("phiên bản", len(revisions))
        _bulk(WorkflowEvent, [e for plan in planned for e in self._events(plan)])
        self._count("sự kiện", WorkflowEvent.objects.count())
        entries = [
            RegisterEntry(
                issuer=p.document.issuer,
                kind=p.document.kind,
                term_start=p.document.term_start,
                sequence=int(p.document.number.split("-", 1)[0]),
                document=p.document,
                created_at=_moment(p.document.issued_on, 10),
            )
            for p in planned
            if p.document.number
        ]
        _bulk(RegisterEntry, entries)
        self._count("số trong sổ văn bản", len(entries))

    def _events(self, plan: Planned) -> list[WorkflowEvent]:
        """The history of one document, ending in its status."""
        d, dept, t = plan.document, plan.dept, plan.created
        author = d.created_by
        revision = d.current_revision
        steps = [("create", author, "", Status.DRAFT, 0, "")]
        steps += [("edit", author, Status.DRAFT, Status.DRAFT, 0, "")] * (plan.revisions - 1)
        if plan.status != Status.DRAFT:
            steps.append(("submit", author, Status.DRAFT, Status.SUBMITTED, 1, ""))
        if plan.status == Status.RETURNED:
            steps.append(
                ("return", dept.head, Status.SUBMITTED, Status.RETURNED, 0, "Cần bổ sung số liệu.")
            )
        if plan.status in (Status.APPROVED, Status.PUBLISHED):
            steps.append(("forward", dept.head, Status.SUBMITTED, Status.SUBMITTED, 2, ""))
            steps.append(("approve", dept.approver, Status.SUBMITTED, Status.APPROVED, 2, ""))
        if plan.status == Status.PUBLISHED:
            steps.append(("publish", dept.approver, Status.APPROVED, Status.PUBLISHED, 2, ""))
        return [
            WorkflowEvent(
                document=d,
                actor=actor,
                action=action,
                from_status=from_status,
                to_status=to_status,
                step=step,
                reason=reason,
                revision=revision,
                created_at=t + timedelta(days=position, minutes=position),
            )
            for position, (action, actor, from_status, to_status, step, reason) in enumerate(steps)
        ]

    # -- what documents point at ---------------------------------------------------------

    def shared_pdf(self) -> None:
        approved = list(
            Document.objects.exclude(approved_revision=None).values_list(
                "approved_revision_id", "issued_on"
            )
        )
        name = private_storage().save(SHARED_PDF_NAME, ContentFile(SHARED_PDF))
        etag = hashlib.sha256(SHARED_PDF).hexdigest()
        _bulk(
            RenderedFile,
            [
                RenderedFile(
                    revision_id=revision_id,
                    format="pdf",
                    file=name,
                    etag=etag,
                    created_at=_moment(issued_on, 12),
                )
                for revision_id, issued_on in approved
            ],
        )
        self._count("tệp PDF (chung một tệp)", len(approved))

    def citations(self) -> None:
        cited = []
        for type_name, code, issuer_code, issued_by in NATIONAL_CITED:
            for year in range(2011, 2027):
                for n in self.rng.sample(range(1, 60), 4):
                    number = f"{n:02d}-{code}/{issuer_code}"
                    cited.append(
                        CitedDocument(
                            number=number,
                            key=normalise_number(number),
                            year=year,
                            type_name=type_name,
                            issuer_code=issuer_code,
                            issued_by=issued_by,
                            issued_on=date(year, self.rng.randint(1, 12), self.rng.randint(1, 28)),
                        )
                    )
        national = len(cited)
        for committee in self.cities + self.districts:
            for year in range(2017, 2027):
                for n in self.rng.sample(range(1, 200), 3):
                    number = f"{n}-KH/{committee.symbol}"
                    cited.append(
                        CitedDocument(
                            number=number,
                            key=normalise_number(number),
                            year=year,
                            type_name="Kế hoạch",
                            issuer_code=committee.symbol,
                            issued_by=committee.name,
                            scope=committee,
                        )
                    )
        cited = _bulk(CitedDocument, cited)
        pool_national, local = cited[:national], cited[national:]
        local_of: dict[int, list[CitedDocument]] = {}
        for c in local:
            local_of.setdefault(c.scope_id, []).append(c)
        documents = Document.objects.values_list(
            "pk", "current_revision_id", "audience_id", "created_at"
        ).order_by("pk")
        rows = []
        for pk, revision_id, audience_id, created_at in documents.iterator(chunk_size=BATCH):
            earlier = [c for c in pool_national if c.year <= created_at.year]
            chosen = self.rng.sample(earlier, self.rng.randint(3, 8))
            nearby = [c for c in local_of[audience_id] if c.year <= created_at.year]
            chosen += self.rng.sample(nearby, min(len(nearby), self.rng.randint(0, 3)))
            rows += [
                Citation(
                    document_id=pk,
                    cited=c,
                    revision_id=revision_id,
                    text=f"{c.type_name} số {c.number}",
                    position=position,
                    basis=position == 0 and c.scope_id is not None,
                )
                for position, c in enumerate(chosen)
            ]
        _bulk(Citation, rows)
        self._count("văn bản được trích dẫn", len(cited))
        self._count("trích dẫn", len(rows))

    def search_entries(self) -> None:
        """Each document's search entry, as saving it through the portal makes it."""
        documents = Document.objects.values_list(
            "pk", "title", "number", "current_revision__body_html"
        ).order_by("pk")
        rows = [
            SearchEntry(
                document_id=pk,
                **entry_fields(title=title, number=number, body_text=body_text(body or "")),
            )
            for pk, title, number, body in documents.iterator(chunk_size=BATCH)
        ]
        self._count("mục tìm kiếm", len(_bulk(SearchEntry, rows)))

    def receipts(self) -> None:
        published = (
            Document.objects.filter(status=Status.PUBLISHED)
            .values_list("pk", "audience_id", "published_at")
            .order_by("pk")
        )
        columns = ["document_id", "organisation_id", "user_id", "created_at", "via", "received_at"]
        total = 0
        rows: list[tuple] = []
        for pk, audience_id, published_at in published.iterator(chunk_size=BATCH):
            cells = self.cells_under[audience_id]
            # Most cells download a document within days; some never do.
            share = self.rng.uniform(0.4, 0.9)
            for cell in self.rng.sample(cells, round(len(cells) * share)):
                when = published_at + timedelta(hours=self.rng.randint(1, 240))
                rows.append((pk, cell.pk, self.secretary_of[cell.pk].pk, when, DOWNLOADED, when))
            if len(rows) >= BATCH * 10:
                total += _insert_rows(Receipt, columns, rows)
                rows = []
        total += _insert_rows(Receipt, columns, rows)
        self._count("xác nhận đã nhận", total)

    def recalls(self) -> None:
        """A few published documents recalled after publication (every RECALL_EVERY-th by
        key, so the rest of the archive is as before): status, event and search entry as
        recalling one through the portal leaves them; their receipts stay."""
        published = Document.objects.filter(status=Status.PUBLISHED).order_by("pk")
        chosen = list(published.filter(pk__in=[
            pk for pk in published.values_list("pk", flat=True) if pk % RECALL_EVERY == 0
        ]).select_related("current_revision"))  # fmt: skip
        publishers = dict(
            WorkflowEvent.objects.filter(document__in=chosen, action="publish").values_list(
                "document_id", "actor_id"
            )
        )
        events = []
        for d in chosen:
            d.status = Status.RECALLED
            events.append(WorkflowEvent(
                document=d, actor_id=publishers.get(d.pk), action="recall",
                from_status=Status.PUBLISHED, to_status=Status.RECALLED, step=2,
                reason="Ban hành nhầm đối tượng.", revision=d.current_revision,
                created_at=d.published_at + timedelta(days=2),
            ))  # fmt: skip
        Document.objects.bulk_update(chosen, ["status"], batch_size=BATCH)
        _bulk(WorkflowEvent, events)
        SearchEntry.objects.bulk_update(
            [SearchEntry(document_id=d.pk, **entry_fields(title=d.title, number=d.number,
                                                          body_text="")) for d in chosen],
            ["text", "words", "title_words", "number_words"], batch_size=BATCH,
        )  # fmt: skip
        self._count("văn bản bị thu hồi", len(chosen))
        self.counts["sự kiện"] = WorkflowEvent.objects.count()

    def _count(self, what: str, number: int) -> None:
        self.counts[what] = number
        self.progress(f"{what}: {number:,}")


def archive_generate(*, size: str, progress: Callable[[str], None] = lambda line: None):
    """Build the archive of the given size (S, M, L) into an empty database; the totals."""
    builder = _Builder(SIZES[size], progress)
    with transaction.atomic():
        archive_require_empty()
        for phase in (
            builder.organisations,
            builder.people,
            builder.documents,
            builder.shared_pdf,
            builder.citations,
            builder.search_entries,
            builder.receipts,
            builder.recalls,
        ):
            phase()
    return builder.counts
