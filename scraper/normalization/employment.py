"""Employment-type text -> the closed set of EmploymentType, in the order the text names them.

Pure and total. Reads words in English, German, French, Spanish, Portuguese, Dutch and the ATS enums
(schema.org, Ashby, Lever, Remotive); it does not infer a type from a title or a salary period.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from models.enums import EmploymentType

FT, PT, CONTRACT, FREELANCE, TEMP, INTERN = (
    EmploymentType.FULL_TIME,
    EmploymentType.PART_TIME,
    EmploymentType.CONTRACT,
    EmploymentType.FREELANCE,
    EmploymentType.TEMPORARY,
    EmploymentType.INTERNSHIP,
)

# Folded phrase (lower case, separators as single spaces, camelCase split) -> type.
_TERMS: Final[dict[str, EmploymentType]] = {
    "full time": FT,
    "fulltime": FT,
    "ft": FT,
    "vollzeit": FT,
    "temps plein": FT,
    "temps complet": FT,
    "tiempo completo": FT,
    "jornada completa": FT,
    "tempo integral": FT,
    "tempo pieno": FT,
    "voltijd": FT,
    "heltid": FT,
    "pelny etat": FT,
    "part time": PT,
    "parttime": PT,
    "pt": PT,
    "teilzeit": PT,
    "temps partiel": PT,
    "tiempo parcial": PT,
    "media jornada": PT,
    "meio periodo": PT,
    "tempo parziale": PT,
    "deeltijd": PT,
    "deltid": PT,
    "contract": CONTRACT,
    "contractor": CONTRACT,
    "contractors": CONTRACT,
    "contracting": CONTRACT,
    "contract to hire": CONTRACT,
    "contract to perm": CONTRACT,
    "c2h": CONTRACT,
    "b2b": CONTRACT,
    "werkvertrag": CONTRACT,
    "freelance": FREELANCE,
    "freelancer": FREELANCE,
    "freelancing": FREELANCE,
    "freiberuflich": FREELANCE,
    "freie mitarbeit": FREELANCE,
    "independant": FREELANCE,
    "autonomo": FREELANCE,
    "self employed": FREELANCE,
    "temporary": TEMP,
    "temp": TEMP,
    "temporaire": TEMP,
    "temporal": TEMP,
    "temporario": TEMP,
    "seasonal": TEMP,
    "fixed term": TEMP,
    "befristet": TEMP,
    "cdd": TEMP,
    "interim": TEMP,
    "per diem": TEMP,
    "perdiem": TEMP,
    "internship": INTERN,
    "internships": INTERN,
    "intern": INTERN,
    "interns": INTERN,
    "praktikum": INTERN,
    "praktikant": INTERN,
    "werkstudent": INTERN,
    "werkstudentin": INTERN,
    "working student": INTERN,
    "stage": INTERN,
    "stagiaire": INTERN,
    "alternance": INTERN,
    "apprenticeship": INTERN,
    "apprentice": INTERN,
    "ausbildung": INTERN,
    "practicas": INTERN,
    "becario": INTERN,
    "beca": INTERN,
    "estagio": INTERN,
    "stage student": INTERN,
    "co op": INTERN,
}
# A permanent contract says nothing of hours; read as full-time only when the text names no hours.
_IMPLIED_FULL_TIME: Final = frozenset({"cdi", "permanent", "unbefristet", "festanstellung", "indefinido"})
_MAX_WORDS: Final = 3
# Whole-field values of one word that some ATS APIs use for hours (Workable's `type`: "full", "part");
# read only when they are the whole field, since "full" alone in running text names nothing.
_WHOLE_FIELD: Final[dict[str, EmploymentType]] = {"full": FT, "part": PT}

# Text longer than this is not an employment type field; reading stops there.
MAX_CHARS: Final = 2_000

_CAMEL_RE: Final = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORD_RE: Final = re.compile(r"[a-z0-9]+")
_ACCENTS: Final = str.maketrans("áàâäãéèêëíìîïóòôöõúùûüçñł", "aaaaaeeeeiiiiooooouuuucnl")


def parse_employment_types(text: str | Sequence[str] | None) -> tuple[EmploymentType, ...]:
    """The employment types a field names, in its order, without repeats; () when it names none.

    >>> [t.value for t in parse_employment_types("Full Time Freelance Contract")]
    ['full-time', 'freelance', 'contract']
    >>> [t.value for t in parse_employment_types(["FULL_TIME", "CONTRACTOR"])]
    ['full-time', 'contract']
    >>> [t.value for t in parse_employment_types("CDI")]  # a permanent contract, no hours named
    ['full-time']
    >>> [t.value for t in parse_employment_types("full")], parse_employment_types("full remote")
    (['full-time'], ())
    """
    if text is None:
        return ()
    texts = [text] if isinstance(text, str) else [t for t in text if isinstance(t, str)]
    found: list[EmploymentType] = []
    implied = False
    budget = MAX_CHARS
    for item in texts:
        if budget <= 0:
            break
        item = item[:budget]
        budget -= len(item)
        whole = _WHOLE_FIELD.get(item.strip().lower())
        if whole is not None:
            if whole not in found:
                found.append(whole)
            continue
        words = _WORD_RE.findall(_CAMEL_RE.sub(" ", item).lower().translate(_ACCENTS))
        i = 0
        while i < len(words):
            for length in range(min(_MAX_WORDS, len(words) - i), 0, -1):
                phrase = " ".join(words[i : i + length])
                kind = _TERMS.get(phrase)
                if kind is not None:
                    if kind not in found:
                        found.append(kind)
                    i += length
                    break
                if length == 1 and phrase in _IMPLIED_FULL_TIME:
                    implied = True
            else:
                i += 1
    if implied and FT not in found and PT not in found:
        found.insert(0, FT)
    return tuple(found)
