"""The test servers' serving thread: `serve_forever` with a 5 ms poll.

`shutdown()` is seen only when `serve_forever`'s poll wakes (0.5 s by default). At the 0.05 s this suite used, each
server's shutdown waited ~35 ms: the ~85 servers of `make test-fast` waited ~3 s of its serial wall time. At 5 ms a
server that is up but idle wakes 200 times a second, which costs nothing next to the test that started it.
"""

from __future__ import annotations

import socketserver
import threading

POLL_SECONDS = 0.005


def serving_thread(httpd: socketserver.BaseServer) -> threading.Thread:
    """A daemon thread (not started) that serves `httpd` until its `shutdown()`."""
    return threading.Thread(target=httpd.serve_forever, args=(POLL_SECONDS,), daemon=True)
