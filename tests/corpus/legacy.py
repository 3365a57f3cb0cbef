"""Vietnamese text in the two legacy encodings of office archives: TCVN3 (ABC) and VNI.

Files typed with these fonts store one Windows-1252 character per byte of the legacy code;
the font draws it as a Vietnamese letter. Writing such a file means mapping each letter to
those characters, as the old keyboard drivers (ABC, VietKey, Unikey's converter) did.
"""

from __future__ import annotations

import unicodedata

# The 67 lowercase Vietnamese letters outside ASCII, in the order of the TCVN 5712 tables.
LETTERS = "àáảãạâầấẩẫậăằắẳẵặđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
# TCVN3 (ABC, fonts .VnTime/.VnArial): one byte per letter, in the order of LETTERS.
_TCVN3_BYTES = bytes.fromhex(
    "B5B8B6B7B9A9C7CAC8C9CBA8BBBEBCBDC6AECCD0CECFD1AAD2D5D3D4D6D7DDD8DCDEDF"
    "E3E1E2E4ABE5E8E6E7E9ACEAEDEBECEEEFF3F1F2F4ADF5F8F6F7F9FAFDFBFCFE"
)
# The capitals .VnTime itself holds; every other capital is typed in the ".VnTimeH" font,
# which draws the lowercase codes as capitals.
_TCVN3_CAPITALS = {"Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}
# VNI Windows (font VNI-Times): an ASCII base letter and a Windows-1252 mark character.
_VNI_TABLE = (
    "aø aù aû aõ aï aâ aà aá aå aã aä aê aè aé aú aü aë ñ eø eù eû eõ eï eâ eà eá eå eã eä "
    "ì í æ ó ò oø où oû oõ oï oâ oà oá oå oã oä ô ôø ôù ôû ôõ ôï uø uù uû uõ uï ö öø öù öû "
    "öõ öï yø yù yû yõ î"
)
_VNI_LOWER = _VNI_TABLE.split()
_VNI_UPPER = [code.upper() for code in _VNI_LOWER]

_TCVN3 = {
    letter: bytes([code]).decode("cp1252")
    for letter, code in zip(LETTERS, _TCVN3_BYTES, strict=True)
}
_VNI = dict(zip(LETTERS, _VNI_LOWER, strict=True)) | dict(
    zip(LETTERS.upper(), _VNI_UPPER, strict=True)
)


def tcvn3(text: str) -> str:
    """The text as a .VnTime run stores it; accented capitals it lacks fall to lowercase."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in _TCVN3_CAPITALS:
            out.append(bytes([_TCVN3_CAPITALS[char]]).decode("cp1252"))
        else:
            out.append(_TCVN3.get(char, _TCVN3.get(char.lower(), char)))
    return "".join(out)


def tcvn3_runs(text: str) -> list[tuple[str, str]]:
    """The text as a careful typist stores it in TCVN3: (codes, font) runs.

    A line in capitals is typed in .VnTimeH; elsewhere an accented capital that .VnTime lacks
    ("Á" of "Ánh") is typed as its lowercase code in .VnTimeH, one letter in its own run.
    """
    text = unicodedata.normalize("NFC", text)
    if text.isupper():
        return [(tcvn3_caps(text), ".VnTimeH")]
    runs: list[tuple[str, str]] = []
    for char in text:
        lacking = char.isupper() and char.lower() in _TCVN3 and char not in _TCVN3_CAPITALS
        font = ".VnTimeH" if lacking else ".VnTime"
        code = _TCVN3[char.lower()] if lacking else tcvn3(char)
        if runs and runs[-1][1] == font:
            runs[-1] = (runs[-1][0] + code, font)
        else:
            runs.append((code, font))
    return runs


def tcvn3_caps(text: str) -> str:
    """A capitalised line as a .VnTimeH run stores it: the lowercase codes, drawn as capitals."""
    return "".join(_TCVN3.get(char, char) for char in unicodedata.normalize("NFC", text).lower())


def vni(text: str) -> str:
    """The text as a VNI-Times run stores it."""
    return "".join(_VNI.get(char, char) for char in unicodedata.normalize("NFC", text))
