"""Search over what each user may read: accents and case folded, numbers and footnotes
found, ranked, snippets marked, filters, the entries kept with every save, the same answers
on SQLite and PostgreSQL (CI runs these tests on both)."""

import unicodedata

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from portal.models import SearchEntry
from portal.search import (
    entry_fields,
    fold,
    highlighted,
    matching_entries,
    search,
    snippet,
    terms_of,
)
from portal.selectors import documents_visible_to
from portal.services.demo import demo_load
from portal.services.documents import document_update
from tests.factories import make_document

NOTED = (
    "<h2>I. CÔNG TÁC TUYÊN TRUYỀN</h2><p>Đẩy mạnh tuyên truyền kỷ niệm Ngày thành lập Đảng"
    '<span class="footnote">Theo Hướng dẫn số 127-HD/BTGTU của Ban Tuyên giáo.</span>.</p>'
    "<p>Các chi bộ tổ chức học tập Nghị quyết &lt;script&gt; trong tháng.</p>"
)


def _found(user, query: str, **filters) -> list[str]:
    """The titles found for the user, in the order shown."""
    return [d.title for d in search(documents_visible_to(user).filter(**filters), query)]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Tuyên truyền", "tuyen truyen"),
        ("ĐẢNG ỦY phường Đồ Sơn", "dang uy phuong do son"),
        ("127-HD/BTGTU", "127 hd btgtu"),
        ("Nghị quyết số 57-NQ/TW; «Hạ Long»", "nghi quyet so 57 nq tw   ha long "),
    ],
)
def test_folding_drops_accents_and_case_one_character_for_one(text, folded):
    assert fold(text) == folded and len(fold(text)) == len(text)
    assert fold(unicodedata.normalize("NFD", text)) == folded  # typed decomposed: the same


def test_the_terms_of_a_query_are_its_folded_words_once_each():
    assert terms_of("  Tuyên truyền, tuyen TRUYEN ") == ["tuyen", "truyen"]
    assert terms_of("«»—…") == []


def test_the_snippet_shows_the_passage_with_the_words_marked_and_escaped():
    fields = entry_fields(title="Bản tin", number="", body_text="Mở đầu. " * 40 + NOTED)
    line = snippet(fields["text"], fields["words"], terms_of("tuyen truyen"))
    assert line.startswith("… ") and "<mark>TUYÊN</mark> <mark>TRUYỀN</mark>" in line
    assert "&lt;span" in line  # the body is text here: nothing of it is markup
    assert highlighted("Đẩy mạnh <b>", ["day"]) == "<mark>Đẩy</mark> mạnh &lt;b&gt;"


@pytest.fixture
def documents(users, orgs):
    return {
        "published": make_document(
            users, orgs, state="published", title="Bản tin tháng 12", body_html=NOTED
        ),
        "draft": make_document(
            users,
            orgs,
            title="Dự thảo hướng dẫn tuyên truyền",
            kind="guidance",
            kind_fields={},
            render=False,
        ),
        "other": make_document(
            users,
            orgs,
            issuer="ngoquyen-btg",
            editor="ngoquyen.editor",
            state="published",
            title="Tuyên truyền ở Ngô Quyền",
        ),
    }


def test_each_user_finds_only_what_they_may_read(users, documents):
    assert _found(users["doson.editor"], "tuyen truyen") == [
        "Dự thảo hướng dẫn tuyên truyền",  # every term in the title comes first
        "Bản tin tháng 12",
    ]
    assert _found(users["vanhuong.secretary"], "TUYÊN TRUYỀN") == ["Bản tin tháng 12"]
    assert _found(users["ngoquyen.editor"], "tuyen truyen") == ["Tuyên truyền ở Ngô Quyền"]
    assert _found(users["hn.approver"], "tuyen truyen") == []


def test_footnotes_numbers_and_word_beginnings_are_found(users, documents):
    reader = users["vanhuong.secretary"]
    assert _found(reader, "127-HD/BTGTU") == ["Bản tin tháng 12"]  # in a footnote
    assert _found(reader, "ky niem ngay thanh lap") == ["Bản tin tháng 12"]
    assert _found(reader, "tuye") == ["Bản tin tháng 12"]  # a word typed half-way
    assert _found(reader, "uyen") == []  # the middle of a word is no word
    assert _found(reader, "tuyen truyen hanoi") == []  # every term must be there


def test_a_documents_own_number_ranks_it_first(users, orgs, documents):
    numbered = documents["other"]
    reader = users["ngoquyen.editor"]
    mention = make_document(
        users,
        orgs,
        issuer="ngoquyen-btg",
        editor="ngoquyen.editor",
        state="published",
        title="Bản tin có nhắc số",
        body_html=f"<p>Thực hiện văn bản số {numbered.number}.</p>",
    )
    assert mention.published_at > numbered.published_at
    assert _found(reader, numbered.number) == [numbered.title, mention.title]


def test_the_entry_follows_every_save_and_the_number_given_at_approval(users, orgs, documents):
    draft = documents["draft"]
    editor = users["doson.editor"]
    document_update(
        document=draft, actor=editor, title="Hướng dẫn học tập", body_html="<p>Chuyên đề 2026</p>"
    )
    assert _found(editor, "tuyen truyen") == ["Bản tin tháng 12"]
    assert _found(editor, "chuyen de 2026") == ["Hướng dẫn học tập"]
    published = documents["published"]
    assert published.number and SearchEntry.objects.get(
        document=published
    ).number_words == " ".join(fold(published.number).split())


def test_the_page_shows_ranked_hits_with_snippets_and_keeps_its_filters(client, users, documents):
    client.force_login(users["doson.editor"])
    page = client.get(reverse("portal:search"), {"q": "tuyen truyen"}).content.decode()
    assert 'id="search-summary">2 văn bản có «tuyen truyen».' in page
    assert page.index("Dự thảo hướng dẫn") < page.index("Bản tin tháng 12")
    assert "<mark>tuyên</mark> <mark>truyền</mark>" in page  # the body's words, marked
    assert 'value="tuyen truyen"' in page  # in the box at the top, too
    page = client.get(reverse("portal:search"), {"q": "tuyen truyen", "kind": "bulletin"})
    assert "Dự thảo hướng dẫn" not in page.content.decode()
    page = client.get(reverse("portal:search"), {"q": "tuyen", "month": "2024-13"})
    assert "Tháng lọc không hợp lệ" in page.content.decode()  # refused, search still runs
    page = client.get(reverse("portal:search"), {"q": "—"}).content.decode()
    assert "Hãy gõ ít nhất một chữ hoặc số để tìm." in page


def test_the_reindex_command_makes_the_entries_again(users, documents, capsys):
    SearchEntry.objects.all().delete()
    assert _found(users["vanhuong.secretary"], "tuyen truyen") == []
    call_command("search_reindex")
    assert "Đã lập chỉ mục tìm kiếm cho 3 văn bản." in capsys.readouterr().out
    assert _found(users["vanhuong.secretary"], "tuyen truyen") == ["Bản tin tháng 12"]


def test_the_demo_answers_the_same_on_either_database(db):
    """The demo's four seeds and this month's bulletins: the same answers, in the same order,
    whichever database runs this test (CI runs it on SQLite and on PostgreSQL)."""
    from django.contrib.auth import get_user_model

    demo_load()
    secretary = get_user_model().objects.get(username="vanhuong.secretary")
    numbers = [d.number for d in search(documents_visible_to(secretary), "tuyen truyen")]
    assert numbers == ["1-BT/BXDĐ", "2-BT/BTGQU", "1-BT/BTGQU", "1-BC/TU"]
    assert not search(documents_visible_to(secretary), "hungary qwzx").exists()
    assert [d.number for d in search(documents_visible_to(secretary), "hungary")] == ["1-BT/BTGQU"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the full-text index exists on PostgreSQL only"
)
def test_postgresql_answers_from_the_full_text_index(users, documents):
    """The words are matched by the expression of the GIN index: with sequential scans
    off, PostgreSQL can still read the entries, through that index. (Joined with a user's
    few documents, the planner may rightly start from those instead.)"""
    query = matching_entries(terms_of("tuyen truyen")).values("document_id")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "portal_searchentry_words_fts" in plan, plan
    # All three documents have both words (in the body, or in the title).
    assert sorted(query.values_list("document_id", flat=True)) == sorted(
        d.pk for d in documents.values()
    )


def test_results_are_paged_with_their_total_and_as_many_queries_for_more(client, users, documents):
    """The page's rows bring the total along; 45 hits are three pages, newest first."""
    from django.test.utils import CaptureQueriesContext

    from portal.services.search import search_entry_sync
    from tests.portal.test_pagination import _copies

    def page(number: int) -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("portal:search"), {"q": "tuyen truyen", "trang": number})
        return response.content.decode(), len(queries)

    client.force_login(users["vanhuong.secretary"])
    _first, few = page(1)
    for copy in _copies(documents["published"], 44):
        copy.current_revision = documents["published"].current_revision
        search_entry_sync(document=copy)
    first, many = page(1)
    assert 'id="search-summary">45 văn bản có «tuyen truyen».' in first
    assert "Trang 1/3 · 45 văn bản" in first and many == few
    last, _queries = page(3)
    assert last.count('class="doc-row search-hit"') == 5 and "Bản sao 043" in last
