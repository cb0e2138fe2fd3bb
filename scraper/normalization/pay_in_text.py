"""A salary stated only in a description: pay-transparency sentences, "Salary:"/"Pay:" labels, ranges with a period.

Pure and linear: the text is read once for cues, and each of a bounded number of candidate sentences goes to
parse_salary (which reads at most MAX_CHARS). Other money in a description is never pay: an amount is taken only
from a sentence that has a pay cue, and only with a currency.
"""

from __future__ import annotations

import html
import re
from typing import Final

from models.enums import PeriodBasis
from models.records import Salary
from scraper.normalization.salary import parse_salary
from scraper.normalization.salary_tokens import MAX_CHARS

# Pay cues: words that say the figure in their sentence is this job's pay.
PAY_CUE: Final = re.compile(
    r"\b(?:salary|salaries|pay|pay range|base pay|base range|pay band|compensation|remuneration|wage|wages|"
    r"hourly rate|day rate|daily rate|rate of pay|ote|on[- ]target earnings|gehalt|jahresgehalt|salaire|"
    r"r[ée]mun[ée]ration|salario|sueldo|retribuci[oó]n|sal[aá]rio|stipendio|loon|salaris|l[øo]n|wynagrodzenie)\b",
    re.IGNORECASE,
)
# A range with a currency and a stated period is pay by its shape ("$120,000 - $150,000 per year").
PERIOD_CUE: Final = re.compile(
    r"(?:\bper|\ba|/)\s*(?:year|yr|annum|hour|hr|month|mo)\b|\b(?:annually|yearly|hourly|monthly)\b", re.IGNORECASE
)
# Money in a pay sentence that is still not pay: "a $1,500 learning budget", "$2M seed round".
NOT_PAY: Final = re.compile(
    r"\b(?:budget|stipend|allowance|reimburse\w*|seed|series [a-e]|round|raised|funding|funded|valuation|revenue|"
    r"arr|customers|users|investors?|grant|prize|referral|relocation|signing bonus|sign-on|per diem)\b",
    re.IGNORECASE,
)
# A block element or a line break ends a sentence; so do ". ", "! ", "? " and "; ".
_TAG: Final = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
_BLOCK_TAGS: Final = frozenset({"p", "div", "li", "ul", "ol", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td"})
_SENTENCE_END: Final = re.compile(r"\n|(?<=[.!?;])\s+(?=\S)")
# How much of a description is read, and how many cue sentences are tried: bounds the work on hostile input
# while every real description (a few KB) is read whole.
MAX_TEXT: Final = 200_000
MAX_TRIES: Final = 40


def salary_in_text(text: str | None) -> Salary | None:
    """The salary a description states in a sentence with a pay cue, or None.

    The sentence with the cue is read, and when it only labels ("Pay:", "Compensation"), the sentence after it
    too. An amount needs a currency, and a sentence whose money is a budget, a funding round or a count is skipped.

    >>> s = salary_in_text("<p>The estimated salary range for this position is $60,000 - $97,000/year.</p>")
    >>> (s.min, s.max, s.currency, s.period.value)
    (60000.0, 97000.0, 'USD', 'year')
    >>> salary_in_text("<li>€1,500 yearly learning budget</li><li>We raised a $2M seed round</li>") is None
    True
    >>> salary_in_text("<p><strong>Pay:</strong></p><p>$45 - $55 per hour</p>").max
    55.0
    """
    if not text:
        return None
    sentences = _sentences(text[:MAX_TEXT])
    tries = 0
    for index, sentence in enumerate(sentences):
        cue = PAY_CUE.search(sentence) is not None
        if not cue and not PERIOD_CUE.search(sentence):
            continue
        tries += 1
        if tries > MAX_TRIES:
            return None
        found = _salary_in(sentence)
        if found is not None and not cue and not _stated_range(found):
            found = None  # without a pay word only a range with its period is pay by shape
        if found is None and cue and index + 1 < len(sentences) and _is_label(sentence):
            found = _salary_in(sentences[index + 1])  # "Pay:" and the figure in separate elements
        if found is not None:
            return found
    return None


def _salary_in(sentence: str) -> Salary | None:
    window = sentence[:MAX_CHARS]
    if NOT_PAY.search(window):
        return None
    salary = parse_salary(window)
    if salary is None or salary.currency is None:
        return None
    return salary


def _stated_range(salary: Salary) -> bool:
    return (
        salary.min is not None
        and salary.max is not None
        and salary.min != salary.max
        and salary.period_basis is PeriodBasis.STATED
    )


def _is_label(sentence: str) -> bool:
    """A cue sentence that only labels what follows ("Pay:", "Salary range (USD)"), not one that says something."""
    return len(_after_cue(sentence)) < 12 and not sentence.endswith((".", "!", "?"))


def _after_cue(sentence: str) -> str:
    """What a sentence says after its last pay cue ("Pay:" -> "")."""
    cues = list(PAY_CUE.finditer(sentence))
    return sentence[cues[-1].end() :].strip(" :-–—\t") if cues else sentence


def _sentences(text: str) -> list[str]:
    """Plain-text sentences of an HTML or plain description, block elements and line breaks ending them."""
    plain = _TAG.sub(lambda m: "\n" if m.group(2).lower() in _BLOCK_TAGS else " ", text)
    plain = html.unescape(plain)
    return [" ".join(part.split()) for part in _SENTENCE_END.split(plain) if part and part.strip()]
