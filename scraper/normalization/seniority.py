"""Seniority from a source's stated level, else from the title, with the basis it came from.

Pure and total. The levels are DESIGN.md's closed set: intern, junior, mid, senior, lead, principal
(Principal, Staff, Distinguished), executive (Chief, VP, Head of, Director). It does not classify roles
(title.py does) and never guesses: a title with no level word has no seniority.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final, Literal

from models.enums import Seniority

Basis = Literal["stated", "title"]

# Levels ranked so that the highest word of a title decides ("Senior Staff Engineer" is principal,
# "Associate Director" executive); an intern word overrides all.
_RANK: Final[dict[Seniority, int]] = {level: rank for rank, level in enumerate(Seniority)}

# Longer text is not a title or a level field; reading stops there.
MAX_CHARS: Final = 500

# "Mid-Market", "Mid-Size", "Mid-Cap" name a customer segment, not a level ("Account Executive, Mid-Market").
_NOT_A_SEGMENT: Final = r"(?!\W*(?:market|size|sized|sized business|cap|tier|enterprise|west|atlantic)\b)"

# A stated band of levels: its level stands only when the title names none. LinkedIn's "Mid-Senior level"
# (SmartRecruiters' `experienceLevel` uses LinkedIn's scale: Internship, Entry Level, Associate, Mid-Senior
# Level, Director, Executive, Not Applicable) is the experienced individual contributor: senior, unless the
# title says "Staff", "Lead" or "Mid-level".
_BANDS: Final[tuple[tuple[re.Pattern[str], Seniority], ...]] = (
    (re.compile(r"\bmid\W*(?:to\W*)?senior\b"), Seniority.SENIOR),
)

_STATED: Final[tuple[tuple[re.Pattern[str], Seniority | None], ...]] = tuple(
    (re.compile(pattern), level)
    for pattern, level in (
        (r"\bnot applicable\b|\bn ?/ ?a\b|\bnone\b|\bany\b", None),
        (
            r"\b(?:intern(?:ship)?|praktikant\w*|praktikum|werkstudent\w*|stagiaire|stage|becari[oa]|trainee|student)\b",
            Seniority.INTERN,
        ),
        (r"\b(?:executive|director|vp|vice president|c level|chief|head)\b", Seniority.EXECUTIVE),
        (r"\b(?:principal|staff|distinguished)\b", Seniority.PRINCIPAL),
        (r"\b(?:lead|manager|team lead)\b", Seniority.LEAD),
        (r"\b(?:senior|expert|sr|advanced|experienced)\b", Seniority.SENIOR),
        (rf"\b(?:mid{_NOT_A_SEGMENT}|intermediate|medior|middle)\b", Seniority.MID),
        (
            r"\b(?:entry|junior|jr|associate|graduate|beginner|early career|no experience|einsteiger)\b",
            Seniority.JUNIOR,
        ),
    )
)

_TITLE_LEVELS: Final[tuple[tuple[re.Pattern[str], Seniority], ...]] = tuple(
    (re.compile(pattern), level)
    for pattern, level in (
        (
            r"\b(?:interns?|internship|praktikant(?:in)?|praktikum|werkstudent(?:in)?|working student|"
            r"stagiaire|alternant(?:e)?|alternance|becari[oa]|practicante|estagiari[oa]|summer student|"
            r"co ?op)\b",
            Seniority.INTERN,
        ),
        (
            r"\b(?:junior|jr|entry level|graduate|new grad|grad|trainee|berufseinsteiger(?:in)?|"
            r"debutant(?:e)?|associate(?! director| vp| vice| principal| partner))\b",
            Seniority.JUNIOR,
        ),
        (rf"\b(?:mid level|mid{_NOT_A_SEGMENT}|midlevel|intermediate|medior|semi senior|ssr)\b", Seniority.MID),
        (r"\b(?:senior|sr|snr|senior level|experienced|confirme(?:e)?)\b", Seniority.SENIOR),
        (
            r"\b(?:lead|tech lead|team lead|teamlead|leader|teamleiter(?:in)?|leiter(?:in)?|"
            r"chef d equipe|responsable d equipe)\b",
            Seniority.LEAD,
        ),
        (
            r"\b(?:principal|distinguished|staff(?! (?:accountant|nurse|auditor|writer|assistant|pharmacist|"
            r"physician|attorney|member|scientist i\b)))\b",
            Seniority.PRINCIPAL,
        ),
        (
            r"\b(?:chief|cto|ceo|cfo|coo|cdo|cio|cpo|caio|ciso|vp|svp|evp|vice president|head of|head|director|"
            r"directeur|directrice|directora?|direktor(?:in)?|managing director|geschaftsfuhrer(?:in)?|"
            r"president|co founder|cofounder|bereichsleiter(?:in)?|abteilungsleiter(?:in)?)\b",
            Seniority.EXECUTIVE,
        ),
    )
)
# Company ladders: Roman numerals after the role and Google/Meta-style L/E/IC levels.
_ROMAN_RE: Final = re.compile(r"(?<=\w)[ ,-]+(I{1,3}|IV|V)(?![\w.])")
_ROMAN_LEVELS: Final[dict[str, Seniority]] = {
    "I": Seniority.JUNIOR,
    "II": Seniority.MID,
    "III": Seniority.SENIOR,
    "IV": Seniority.SENIOR,
    "V": Seniority.PRINCIPAL,
}
_LADDER_RE: Final = re.compile(r"\b(?:l|e|ic|level|lvl)\s?([1-9])\b")
_LADDER_LEVELS: Final[dict[int, Seniority]] = {
    1: Seniority.JUNIOR,
    2: Seniority.JUNIOR,
    3: Seniority.JUNIOR,
    4: Seniority.MID,
    5: Seniority.SENIOR,
    6: Seniority.PRINCIPAL,
    7: Seniority.PRINCIPAL,
    8: Seniority.PRINCIPAL,
    9: Seniority.EXECUTIVE,
}
# "Software Engineer 2" (Microsoft-style numbers after a role word).
_NUMBERED_RE: Final = re.compile(
    r"\b(?:engineer|developer|scientist|analyst|architect|programmer|researcher|specialist|consultant)\s+([1-5])\b"
)
_NUMBERED_LEVELS: Final[dict[int, Seniority]] = {
    1: Seniority.JUNIOR,
    2: Seniority.MID,
    3: Seniority.SENIOR,
    4: Seniority.SENIOR,
    5: Seniority.PRINCIPAL,
}
# "Mid/Senior Data Engineer" spans two levels; the title then states none of them.
_SPAN_RE: Final = re.compile(
    r"\b(?:junior|jr|mid(?: level)?|intermediate)\s*(?:/|to|or)?\s*(?:mid(?: level)?|senior|sr)\b"
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text[:MAX_CHARS])
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w/]+|_", " ", text).split())


def parse_seniority(stated: str | None, title: str | None) -> tuple[Seniority | None, Basis | None]:
    """(level, basis): the source's stated level first ("stated"), else the title's words ("title").

    >>> parse_seniority("Senior-level / Expert", "Data Engineer")
    (<Seniority.SENIOR: 'senior'>, 'stated')
    >>> parse_seniority(None, "Staff LLM Inference Engineer")
    (<Seniority.PRINCIPAL: 'principal'>, 'title')
    >>> parse_seniority("Not Applicable", "Data Analyst")
    (None, None)
    >>> parse_seniority("Mid-Senior Level", "Data Engineer"), parse_seniority("Mid-Senior Level", "Staff Engineer")
    ((<Seniority.SENIOR: 'senior'>, 'stated'), (<Seniority.PRINCIPAL: 'principal'>, 'title'))
    """
    band = None
    if stated:
        band = _band(stated)
        level = None if band is not None else level_from_stated(stated)
        if level is not None:
            return level, "stated"
    if title:
        level = level_from_title(title)
        if level is not None:
            return level, "title"
    return (band, "stated") if band is not None else (None, None)


def _band(stated: str) -> Seniority | None:
    text = _fold(stated).replace("/", " ")
    return next((level for pattern, level in _BANDS if pattern.search(text)), None)


def level_from_stated(stated: str) -> Seniority | None:
    """The level a source's level field names ("Entry-level" -> junior, "Mid-Senior level" -> senior)."""
    band = _band(stated)
    if band is not None:
        return band
    text = _fold(stated).replace("/", " ")
    for pattern, level in _STATED:
        if pattern.search(text):
            return level
    return None


def level_from_title(title: str) -> Seniority | None:
    """The highest level a title's words name, or None ("Senior Staff Engineer" -> principal)."""
    raw = title[:MAX_CHARS]
    text = _SPAN_RE.sub(" ", _fold(raw))
    levels = [level for pattern, level in _TITLE_LEVELS if pattern.search(text)]
    roman = _ROMAN_RE.search(raw)
    if roman:
        levels.append(_ROMAN_LEVELS[roman.group(1)])
    ladder = _LADDER_RE.search(text)
    if ladder:
        levels.append(_LADDER_LEVELS[int(ladder.group(1))])
    numbered = _NUMBERED_RE.search(text)
    if numbered:
        levels.append(_NUMBERED_LEVELS[int(numbered.group(1))])
    if not levels:
        return None
    if Seniority.INTERN in levels:  # "Graduate Intern", "Senior Intern": an internship whatever the adjective
        return Seniority.INTERN
    return max(levels, key=_RANK.__getitem__)
