"""Titles: a cleaned display title, and the role category a title files under, by rules in a data file.

Pure: the rules are data (data/title_rules.toml, replaceable), compiled once per TitleRules. It does
not read seniority (seniority.py) and does not know the taxonomy's names, only its slugs.
"""

from __future__ import annotations

import html
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

from scraper.normalization.location import is_location

BUNDLED_RULES: Final = Path(__file__).parent / "data" / "title_rules.toml"
# Longer text is not a title; only this much is read, which keeps time bounded on hostile input.
MAX_CHARS: Final = 500

_FOLD_TABLE: Final = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d", "ı": "i", "œ": "oe"}
)
_TERM_RE: Final = re.compile(r"(?<!\\)\{([a-z_]+)\}")
# Written gender endings: "Científico/a", "Engenheiro(a)", "Analyst/in".
_GENDER_ENDING_RE: Final = re.compile(r"(?<=[^\W\d_])\s?(?:/|\()\s?(?:a|as|o|os|e|in|innen|ra)\)?(?![\w])")

# Board badges glued to a title's text: aijobs.net prints "Featured" and "Feat." inside the title link.
_LEADING_BADGE_RE: Final = re.compile(
    r"^(?:\s*(?:(?:featured(?:\s+job)?|feat\.|sponsored|promoted|top\s+job)(?:\s*[:|\-–—·•!]+\s*|\s+)"
    r"|(?:new|hot|urgent(?:ly)?(?:\s+hiring)?)\s*(?:!+\s*|[:|\-–—·•]+\s+)))+",
    re.IGNORECASE,
)
# "New" and "Hot" also begin real titles ("New Grad Engineer"), so without brackets or a separator they
# are badges only when written in capitals.
_LEADING_CAPS_BADGE_RE: Final = re.compile(r"^\s*(?:NEW|HOT|URGENT)\b[\s:!\-–—|]*(?=\S)")
_BRACKET_BADGE_RE: Final = re.compile(
    r"[\[(]\s*(?:featured|feat\.?|new|hot|urgent|sponsored|promoted|remote ok)\s*!?\s*[\])]", re.IGNORECASE
)
_TRAILING_BADGE_RE: Final = re.compile(r"(?:\s+[-–—|·]\s*|\s+)(?:featured|feat\.|new!|hot!|NEW|HOT)\s*$", re.IGNORECASE)
_GENDER_RE: Final = re.compile(
    r"\s*[\[(]\s*(?:(?:[mwfdhxv]|div|divers|diverse|nb|\*)\s*[/|,*]\s*){1,3}(?:[mwfdhxv]|div|divers|diverse|nb|\*)\s*[\])]"
    r"|\s*[\[(]\s*(?:all\s+genders?|alle\s+geschlechter|gn\*?|genderneutral|w/m/d|m/w/d|mwd|wmd|tous\s+genres|todos\s+los\s+g[eé]neros)\s*[\])]"
    r"|\s+[-–—|,]?\s*\b(?:[mwf]\s*/\s*[mwf]\s*/\s*[dx]|[mwf]\s*/\s*[dx]\s*/\s*[mwf]|[hf]\s*/\s*[fh](?:\s*/\s*[xn])?)\b(?=\s*$|\s*[-–—|,(])"
    r"|\*in\b|:in\b",
    re.IGNORECASE,
)
_EMOJI_RE: Final = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff\ufe0f\u200d\U000e0020-\U000e007f]+"
)
_SEPARATOR_RE: Final = re.compile(r"\s+[-–—|·•@/]\s+|\s*[,;]\s*|\s*\(|\s+[-–—]\s*(?=\()")
_DANGLING_RE: Final = re.compile(r"[\s\-–—|·•@/,;:(]+$")
_ACRONYMS: Final = frozenset(
    {
        "AI",
        "ML",
        "NLP",
        "LLM",
        "LLMS",
        "BI",
        "SQL",
        "ETL",
        "QA",
        "UX",
        "UI",
        "VP",
        "SVP",
        "EVP",
        "CTO",
        "CEO",
        "CFO",
        "COO",
        "CIO",
        "CDO",
        "CPO",
        "AWS",
        "GCP",
        "SRE",
        "HR",
        "IT",
        "CV",
        "II",
        "III",
        "IV",
        "R&D",
        "IOS",
        "API",
        "SDK",
        "SAP",
        "GIS",
        "MLOPS",
        "DEVOPS",
        "US",
        "UK",
        "EU",
        "EMEA",
        "APAC",
        "NYC",
        "SF",
        "PHD",
        "SDET",
        "SWE",
        "SDE",
        "GPU",
        "RAG",
        "DBA",
        "HPC",
        "CI/CD",
        "AR",
        "VR",
        "XR",
        "RL",
        "IA",
        "KI",
        "BA",
    }
)
_CASED_WORD_RE: Final = re.compile(r"[^\W\d_][\w&'/.+#-]*")


@dataclass(frozen=True, slots=True)
class TitleRule:
    """One compiled rule: a title matches when `any_re` is found, every `all_res` is, and `none_re` is not."""

    name: str
    slug: str
    any_re: re.Pattern[str]
    all_res: tuple[re.Pattern[str], ...]
    none_re: re.Pattern[str] | None

    def match(self, folded: str) -> str | None:
        """The text that made the rule match, or None."""
        found = self.any_re.search(folded)
        if found is None:
            return None
        if any(pattern.search(folded) is None for pattern in self.all_res):
            return None
        if self.none_re is not None and self.none_re.search(folded):
            return None
        return found.group()


@dataclass(frozen=True, slots=True)
class TitleRules:
    rules: tuple[TitleRule, ...]
    fallback: str
    source: str


@dataclass(frozen=True, slots=True)
class Classification:
    """The category a title files under; `rule` names the rule that decided (None: the fallback)."""

    slug: str
    rule: str | None
    matched: str | None = None  # the title text the rule's pattern found
    folded: str = ""  # the title as the rules saw it


def load_title_rules(path: Path | None = None, *, known_slugs: frozenset[str] | None = None) -> TitleRules:
    """Compile the rules file (the bundled one when `path` is None). ValueError naming the rule on a bad file.

    With `known_slugs`, every rule's slug (and the fallback) must be one of them.
    """
    source = path or BUNDLED_RULES
    document = tomllib.loads(source.read_text(encoding="utf-8"))
    terms = {str(k): str(v) for k, v in document.get("terms", {}).items()}
    fallback = str(document.get("fallback", "other"))
    rules: list[TitleRule] = []
    for index, entry in enumerate(document.get("rule", [])):
        rules.append(_compile_rule(entry, index, terms, source))
    for slug in {fallback, *(rule.slug for rule in rules)}:
        if known_slugs is not None and slug not in known_slugs:
            raise ValueError(f"{source}: slug {slug!r} is not in the taxonomy")
    return TitleRules(rules=tuple(rules), fallback=fallback, source=str(source))


def _compile_rule(entry: Any, index: int, terms: dict[str, str], source: Path) -> TitleRule:
    if not isinstance(entry, dict):
        raise ValueError(f"{source}: rule #{index + 1} is not a table")
    name = str(entry.get("name") or f"rule-{index + 1}")
    slug = entry.get("slug")
    patterns = entry.get("any")
    if not isinstance(slug, str) or not slug:
        raise ValueError(f"{source}: rule {name!r} has no slug")
    if not isinstance(patterns, list) or not patterns:
        raise ValueError(f"{source}: rule {name!r} has no 'any' patterns")

    def compile_one(key: str, pattern: object) -> re.Pattern[str]:
        if not isinstance(pattern, str):
            raise ValueError(f"{source}: rule {name!r} {key}: {pattern!r} is not a string")
        expanded = _TERM_RE.sub(lambda m: terms.get(m.group(1), m.group()), pattern)
        try:
            return re.compile(expanded)
        except re.error as exc:
            raise ValueError(f"{source}: rule {name!r} {key}: bad pattern {pattern!r}: {exc}") from exc

    for pattern in [*patterns, *entry.get("all", []), *entry.get("none", [])]:
        compile_one("pattern", pattern)  # name the offending pattern, not the joined one
    any_re = compile_one("any", _alternation(patterns))
    all_res = tuple(compile_one("all", p) for p in entry.get("all", []))
    none_list = entry.get("none", [])
    none_re = compile_one("none", _alternation(none_list)) if none_list else None
    return TitleRule(name=name, slug=slug, any_re=any_re, all_res=all_res, none_re=none_re)


def _alternation(patterns: list[str]) -> str:
    r"""One pattern for many; a leading \b shared by all is hoisted, so the search tries only word starts."""
    if all(p.startswith(r"\b") for p in patterns):
        return r"\b(?:" + "|".join(f"(?:{p[2:]})" for p in patterns) + ")"
    return "|".join(f"(?:{p})" for p in patterns)


@cache
def bundled_title_rules() -> TitleRules:
    """The bundled rules, compiled once per process (they are immutable data)."""
    return load_title_rules()


def fold_title(title: str) -> str:
    """The title as rules see it: lower case, no accents, "&" -> "and", signs but + and # as spaces."""
    text = _GENDER_ENDING_RE.sub("", title[:MAX_CHARS])
    text = unicodedata.normalize("NFKD", text.translate(_FOLD_TABLE))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ")
    return " ".join(re.sub(r"[^\w+#]+|_", " ", text).split())


def classify_title(title: str, *, rules: TitleRules | None = None) -> Classification:
    """The role category of a title: the first rule of the rules file that matches, else the fallback.

    The title is cleaned first (badges, gender markers, a trailing location), so the same role reads
    the same in every language and case.

    >>> classify_title("Lead Developer (AI)").slug
    'ai-engineer'
    >>> classify_title("Dateningenieur (m/w/d)").slug
    'data-engineer'
    >>> classify_title("Head of Data").slug
    'engineering-manager'
    >>> classify_title("Barista").rule is None
    True
    """
    ruleset = rules or bundled_title_rules()
    folded = fold_title(clean_title(title or ""))
    for rule in ruleset.rules:
        matched = rule.match(folded)
        if matched is not None:
            return Classification(slug=rule.slug, rule=rule.name, matched=matched, folded=folded)
    return Classification(slug=ruleset.fallback, rule=None, matched=None, folded=folded)


def clean_title(raw: str) -> str:
    """The title for display: badges, emoji and gender markers removed, a trailing location cut, spaces
    collapsed, and an all-capitals title put in title case (known acronyms kept).

    >>> clean_title("Featured Feat. Staff LLM Inference Engineer")
    'Staff LLM Inference Engineer'
    >>> clean_title("Dateningenieur (m/w/d) - Berlin")
    'Dateningenieur'
    >>> clean_title("SENIOR DATA ENGINEER - REMOTE - US")
    'Senior Data Engineer'
    >>> clean_title("Lead Developer (AI)")
    'Lead Developer (AI)'
    """
    if not raw:
        return ""
    text = raw[:MAX_CHARS]
    if "&" in text and ";" in text:
        text = html.unescape(text)
    text = _EMOJI_RE.sub(" ", text)
    text = " ".join(text.split())
    text = _BRACKET_BADGE_RE.sub(" ", text)
    text = _LEADING_BADGE_RE.sub("", text)
    if not text.isupper():
        text = _LEADING_CAPS_BADGE_RE.sub("", text)
    text = _TRAILING_BADGE_RE.sub("", text)
    text = _GENDER_RE.sub(" ", text)
    text = " ".join(text.split())
    text = _cut_trailing_location(text)
    text = _DANGLING_RE.sub("", text).strip()
    text = " ".join(text.split())
    if _is_all_caps(text):
        text = _title_case(text)
    return text or " ".join(raw[:MAX_CHARS].split())


def _cut_trailing_location(text: str) -> str:
    """Drop the longest tail after a separator that is only a location ("Data Engineer - Remote - US")."""
    for separator in _SEPARATOR_RE.finditer(text):
        head = text[: separator.start()]
        if not head.strip() or not any(ch.isalpha() for ch in head):
            continue
        tail = text[separator.end() :].replace(")", " ").replace("(", " ")
        if is_location(tail):
            return head
    return text


def _is_all_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters or any(ch.islower() for ch in letters):
        return False
    return any(len(word) >= 4 and word.upper() not in _ACRONYMS for word in _CASED_WORD_RE.findall(text))


def _title_case(text: str) -> str:
    def fix(match: re.Match[str]) -> str:
        word = match.group()
        if word.upper() in _ACRONYMS:
            return word
        return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))

    return _CASED_WORD_RE.sub(fix, text)
