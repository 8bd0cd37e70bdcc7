"""Chapter numbers as people write them: 6, ６, Ⅵ, VI."""

from __future__ import annotations

from .i18n import _

# The plan numbers its chapters with the full-width Roman numerals of Unicode (Ⅰ．… Ⅹ．).
FULLWIDTH_ROMAN = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"
_ASCII_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def roman_to_int(numeral: str) -> int | None:
    """Ⅵ or VI (any case) → 6; None for anything else."""
    if len(numeral) == 1 and numeral in FULLWIDTH_ROMAN:
        return FULLWIDTH_ROMAN.index(numeral) + 1
    upper = numeral.upper()
    return _ASCII_ROMAN.index(upper) + 1 if upper in _ASCII_ROMAN else None


def parse_chapter(value: str) -> int:
    """6, ６, Ⅵ, VI or vi → 6. Raises ValueError."""
    v = value.strip().translate(_FULLWIDTH_DIGITS)
    if v.isdigit() and int(v) > 0:
        return int(v)
    number = roman_to_int(v)
    if number is None:
        raise ValueError(_("{value!r} is not a chapter number (6, Ⅵ or VI)").format(value=value))
    return number
