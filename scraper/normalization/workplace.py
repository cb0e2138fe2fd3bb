"""A format's own workplace value as found -> remote mode: "TELECOMMUTE", "Hybrid (Travel-Required)", "true", "1".

Pure. Sources hand over the value their format states (Lever workplaceType, Ashby workplaceType/isRemote,
Greenhouse "Location Type" metadata, JSON-LD jobLocationType, Workable, Recruitee, BambooHR, Workday remoteType);
this module reads any of them. Location text is read in location.py, which lets a stated value win.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from models.enums import RemoteMode

# Whole values, compared without case, accents, spaces or signs.
_VALUES: Final[dict[str, RemoteMode | None]] = {
    # remote
    "r": RemoteMode.REMOTE,
    "remote": RemoteMode.REMOTE,
    "fullyremote": RemoteMode.REMOTE,
    "fullremote": RemoteMode.REMOTE,
    "remoteonly": RemoteMode.REMOTE,
    "remotefirst": RemoteMode.REMOTE,
    "telecommute": RemoteMode.REMOTE,
    "telecommuting": RemoteMode.REMOTE,
    "workfromhome": RemoteMode.REMOTE,
    "wfh": RemoteMode.REMOTE,
    "anywhere": RemoteMode.REMOTE,
    "anywhereintheworld": RemoteMode.REMOTE,
    "true": RemoteMode.REMOTE,  # isRemote, Workable "remote": true
    "yes": RemoteMode.REMOTE,
    "y": RemoteMode.REMOTE,
    "1": RemoteMode.REMOTE,  # isRemote 1; BambooHR locationType 1 (remote)
    # hybrid
    "hybrid": RemoteMode.HYBRID,
    "hybridremote": RemoteMode.HYBRID,
    "partiallyremote": RemoteMode.HYBRID,
    "partlyremote": RemoteMode.HYBRID,
    "2": RemoteMode.HYBRID,  # BambooHR locationType 2 (hybrid)
    # on site
    "onsite": RemoteMode.ONSITE,
    "office": RemoteMode.ONSITE,
    "inoffice": RemoteMode.ONSITE,
    "officebased": RemoteMode.ONSITE,
    "inperson": RemoteMode.ONSITE,
    "onpremise": RemoteMode.ONSITE,
    "onpremises": RemoteMode.ONSITE,
    "notremote": RemoteMode.ONSITE,
    "noremote": RemoteMode.ONSITE,
    # said nothing
    "unspecified": None,
    "none": None,
    "null": None,
    "flexible": None,  # Workday "Flexible": neither remote nor on site by itself
}
# A value that only says "not remote" (isRemote=false, BambooHR locationType 0) vetoes a remote reading of the
# location text without saying hybrid or on site.
_NOT_REMOTE: Final = frozenset({"false", "no", "n", "0"})
# Words inside a longer value ("Hybrid (Travel-Required)", "Remote - US", "On-Site, Berlin"); hybrid first, so
# "Remote/Hybrid" and "Hybrid remote" read hybrid.
_WORDS: Final[tuple[tuple[re.Pattern[str], RemoteMode], ...]] = (
    (re.compile(r"\bhybrid\b"), RemoteMode.HYBRID),
    (re.compile(r"\b(?:not|no|non) remote\b"), RemoteMode.ONSITE),
    (re.compile(r"\b(?:fully |full |100 )?remote\b|\btelecommut\w*|\bwork from home\b"), RemoteMode.REMOTE),
    (re.compile(r"\bon ?site\b|\bin (?:the )?office\b|\bin person\b|\boffice based\b"), RemoteMode.ONSITE),
)
MAX_CHARS: Final = 200


def parse_workplace(value: str | None) -> tuple[RemoteMode | None, bool]:
    """(the remote mode a workplace value states, whether it vetoes a remote reading of the location text).

    >>> parse_workplace("TELECOMMUTE"), parse_workplace("Hybrid (Travel-Required)")
    ((<RemoteMode.REMOTE: 'remote'>, False), (<RemoteMode.HYBRID: 'hybrid'>, False))
    >>> parse_workplace("false"), parse_workplace("Flexible")
    ((None, True), (None, False))
    """
    if value is None:
        return None, False
    text = _fold(value[:MAX_CHARS])
    key = re.sub(r"[^a-z0-9]", "", text)
    if key in _NOT_REMOTE:
        return None, True
    if key in _VALUES:
        return _VALUES[key], False
    for pattern, mode in _WORDS:
        if pattern.search(text):
            return mode, False
    return None, False


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())
