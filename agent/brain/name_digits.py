"""How many digits a name may hold, and the host names it may not (for ``agent.brain.names``).

A run of digits in any form (138 0013, 一三八零, ①③⑧, 2️⃣7️⃣, after ``contacts.fold``) longer
than ``MAX_DIGIT_RUN`` or more than ``MAX_DIGITS`` in all is a number to call, not a name (a
year is fine: 小明2003). A host with a two-letter ending after a dot in any spelling (g o o . g l,
t点cn, t·me: every two-letter ending is a country's domain) is a link.
"""

from __future__ import annotations

import re

__all__ = ["MAX_DIGITS", "MAX_DIGIT_RUN", "short_host", "too_many_digits"]

# The longest run of digits with separators between them, and how many digits a name may hold.
_DIGIT_RUN_RE = re.compile(r"\d(?:[\s\x00\x01._\-·,，、/|]*\d)*")
MAX_DIGIT_RUN = 4
MAX_DIGITS = 6
# A host: letters, a dot (folded: 点, 。, dot), a two-letter ending (g o o . g l, bit.ly, t点cn).
_SHORT_HOST_RE = re.compile(
    r"[a-z0-9](?:[ \x00\x01]?[a-z0-9-])*[ \x00\x01]{0,3}"
    r"(?:\.|(?<=[ \x00\x01])dot(?=[ \x00\x01]))[ \x00\x01]{0,3}"
    r"([a-z])[ \x00\x01]?([a-z])(?![ \x00\x01]?[a-z0-9])",
    re.IGNORECASE,
)
# Dots that ``contacts.fold`` reads as a space (a middle dot between words of a name): in a
# host (t·me) they are its dot. One character for one, so spans still index the name.
_MIDDLE_DOTS = str.maketrans("·•∙‧⋅", ".....")


def too_many_digits(folded: str) -> bool:
    """More digits (in any form: ``folded`` by ``contacts.fold``) than a name needs."""
    digits = sum(map(str.isdigit, folded))
    if digits <= MAX_DIGIT_RUN:
        return False  # no run can be longer, and the total is within MAX_DIGITS
    longest = max(sum(map(str.isdigit, m.group())) for m in _DIGIT_RUN_RE.finditer(folded))
    return longest > MAX_DIGIT_RUN or digits > MAX_DIGITS


def short_host(whole: str, folded: str) -> bool:
    """A host name with a two-letter ending (a country's domain), however its dot is spelled.
    Mr.Li is a name: an ending written as a capitalised word is not a domain."""
    dotted = whole.translate(_MIDDLE_DOTS)
    if dotted != whole and len(folded) == len(whole):  # fold made them spaces: read them as dots
        folded = "".join(d if d == "." else f for d, f in zip(dotted, folded, strict=True))
    if "." not in folded and "dot" not in folded.lower():
        return False
    for m in _SHORT_HOST_RE.finditer(folded):
        first, second = whole[m.start(1)], whole[m.start(2)]
        if not (first.isupper() and second.islower()):
            return True
    return False
