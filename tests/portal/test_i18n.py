"""Vietnamese is the interface language; English comes from locale/en through Django's i18n."""

import json
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _english(client) -> None:
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("portal:document_list")}
    )
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_document_list_is_vietnamese_by_default(client, users):
    client.force_login(users["doson.editor"])
    page = client.get(reverse("portal:document_list")).content.decode()
    assert '<html lang="vi">' in page
    assert "<h1>Văn bản đang xử lý</h1>" in page
    assert "Documents in progress" not in page
    assert 'action="/i18n/setlang/"' in page and 'name="language"' in page


def test_document_list_in_english_after_switching(client, users):
    client.force_login(users["doson.editor"])
    _english(client)
    page = client.get(reverse("portal:document_list")).content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Documents in progress</h1>" in page
    assert "New bulletin" in page and "Awaiting your approval" in page
    assert "Văn bản đang xử lý" not in page
    assert "Bản tin mới" not in page


def test_accept_language_header_selects_english(client, users):
    client.force_login(users["doson.editor"])
    page = client.get(reverse("portal:library"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Library of published documents</h1>" in page
    assert "Thư viện văn bản đã ban hành" not in page


def test_login_page_in_both_languages(client):
    vietnamese = client.get("/tai-khoan/login/").content.decode()
    assert '<html lang="vi">' in vietnamese
    assert "Cổng văn bản tuyên giáo" in vietnamese and "Đăng nhập" in vietnamese
    assert "Sign In" not in vietnamese and "Propaganda Documents Portal" not in vietnamese

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/tai-khoan/login/").content.decode()
    assert '<html lang="en">' in english
    assert "Propaganda Documents Portal" in english and "Sign In" in english
    assert "Cổng văn bản tuyên giáo" not in english and "Đăng nhập" not in english


def test_form_errors_and_labels_follow_the_language(client, users, orgs):
    client.force_login(users["doson.editor"])
    data = {"issuer": orgs["doson-btg"].pk, "title": "", "period_month": 1, "period_year": 2025}
    url = reverse("portal:document_new", args=["bulletin"])

    vietnamese = client.post(url, data).content.decode()
    assert "Trường này là bắt buộc" in vietnamese
    assert "Tiêu đề / trích yếu" in vietnamese

    _english(client)
    english = client.post(url, data).content.decode()
    assert "This field is required." in english
    assert "Title / summary" in english and "Save draft" in english
    assert "Trường này là bắt buộc" not in english
    assert "Tiêu đề / trích yếu" not in english and "Lưu bản nháp" not in english


def test_error_page_in_english(client, users):
    client.force_login(users["doson.editor"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/van-ban/999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page or document not found" in page and "Không tìm thấy" not in page


def _po_entries() -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of every live entry of the English catalog, header excluded.

    A plural entry counts by its singular: msgid with msgstr[0] (its plural form is checked
    separately below).
    """
    entries = []
    for block in PO_FILE.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        key = None
        for line in lines:
            match = re.match(r'^(msgid_plural|msgid|msgstr\[\d\]|msgstr) (".*")$', line)
            if match:
                key = {"msgstr[0]": "msgstr"}.get(match.group(1), match.group(1))
                fields[key] = ""
                line = match.group(2)
            if key and line.startswith('"'):
                fields[key] += json.loads(line)
        if fields.get("msgid"):
            entries.append((fields["msgid"], fields.get("msgstr", ""), fuzzy))
    return entries


def test_english_catalog_is_complete_and_compiled():
    entries = _po_entries()
    assert len(entries) > 50
    assert [m for m, s, fuzzy in entries if not s or fuzzy] == []
    with translation.override("en"):
        stale = [m for m, s, _ in entries if translation.gettext(m) != s]
    assert stale == [], "locale/en/LC_MESSAGES/django.mo is older than django.po"


def test_english_plural_forms_follow_the_count():
    with translation.override("en"):
        one = translation.ngettext(
            "%(counter)s văn bản trích dẫn", "%(counter)s văn bản trích dẫn", 1
        )
        many = translation.ngettext(
            "%(counter)s văn bản trích dẫn", "%(counter)s văn bản trích dẫn", 3
        )
    assert (one, many) == ("%(counter)s citing document", "%(counter)s citing documents")


_GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop", "pgettext", "ngettext"}
_TRANSLATE_TAG = re.compile(r"""\{%\s*translate\s+"([^"]+)"(?:\s+as\s+\w+)?\s*%\}""")


def _source_msgids() -> set[str]:
    """The literal messages of the Python code and the {% translate %} tags of templates."""
    import ast

    root = Path(settings.BASE_DIR)
    found = set()
    for path in [*root.glob("portal/**/*.py"), *root.glob("guidance/**/*.py"),
                 *root.glob("bulletins/**/*.py")]:  # fmt: skip
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(getattr(node, "func", None), "id", None)
            if isinstance(node, ast.Call) and name in _GETTEXT_NAMES and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
    for path in root.glob("templates/**/*.html"):
        # makemessages writes a template's "%" as "%%" (the tag formats with %).
        texts = _TRANSLATE_TAG.findall(path.read_text(encoding="utf-8"))
        found.update(text.replace("%", "%%") for text in texts)
    return found


def test_every_message_of_the_code_is_in_the_english_catalog():
    catalog = {msgid for msgid, _msgstr, _fuzzy in _po_entries()}
    missing = sorted(_source_msgids() - catalog)
    assert missing == [], "run makemessages -l en and translate: " + "; ".join(missing[:10])
