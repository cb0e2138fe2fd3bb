"""What a webhook URL may be, decided where the URL is given (the API) and where it is used (the sender).

Pure: the literal-address rule only. The sender also resolves the host and refuses private answers.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def webhook_url_problem(url: str, *, allow_private: bool) -> str | None:
    """Why `url` cannot receive webhooks, or None when it can.

    >>> webhook_url_problem("https://hooks.example.com/jobs", allow_private=False) is None
    True
    >>> webhook_url_problem("ftp://hooks.example.com/", allow_private=False)
    'webhook_url must be an http or https URL'
    >>> webhook_url_problem("http://127.0.0.1:9000/hook", allow_private=False)
    'webhook_url points at a private or loopback address (127.0.0.1); set JOBFEED_WEBHOOKS_ALLOW_PRIVATE=...'
    >>> webhook_url_problem("http://127.0.0.1:9000/hook", allow_private=True) is None
    True
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "webhook_url is not a URL"
    if parts.scheme not in ("http", "https") or not host:
        return "webhook_url must be an http or https URL"
    if allow_private:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return f"webhook_url points at a private or loopback address ({host}); {_HINT}"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None  # a name: the sender checks what it resolves to
    if not address.is_global:
        return f"webhook_url points at a private or loopback address ({host}); {_HINT}"
    return None


_HINT = "set JOBFEED_WEBHOOKS_ALLOW_PRIVATE=true to allow it"
