"""The name a downloaded file carries: what the document is and who issued it.

"Bản tin tháng 12-2026 Ban Tuyên giáo Quận ủy Đồ Sơn.pdf" in the header's ``filename*``
(RFC 6266 and 5987), and "Ban-tin-thang-12-2026-Ban-Tuyen-giao-Quan-uy-Do-Son.pdf" for
programs that read only the plain ``filename``.
"""

import re
import unicodedata

from django.utils import translation

from portal.kinds import KINDS
from portal.models import Document

# Letters that carry no combining mark to drop: đ is a letter of its own.
_OWN_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})


def download_name(document: Document) -> str:
    """'Bản tin tháng 12-2026 Ban Tuyên giáo Quận ủy Đồ Sơn', without an extension.

    The kind names its period ("tháng 12/2026", "quý 1/2023"); a kind without one is named
    by its number ("Hướng dẫn số 127-HD/BTGTU"). File names cannot hold "/".
    """
    kind = KINDS[document.kind]
    with translation.override("vi"):
        what = kind.period_name(document) or (f"số {document.number}" if document.number else "")
        words = [str(kind.label), what, document.issuer.name]
    return " ".join(word for word in words if word).replace("/", "-")


def ascii_name(name: str) -> str:
    """'Ban-tin-thang-12-2026' for 'Bản tin tháng 12-2026': accents dropped, words joined by
    hyphens, nothing but ASCII letters and digits left; "" when no word remains."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_OWN_LETTERS))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return "-".join(re.findall(r"[A-Za-z0-9]+", plain, flags=re.ASCII))
