"""Settings of the kiosk pages, from ``HALLQ_*`` environment variables.

``HALLQ_KIOSK_SWIPE_DIR``: a spool directory watched by a kiosk agent running with the fake card
reader (``--card-reader fake:DIR``). When set (the demo sets it), the kiosk page offers a
"simulate a card" button that drops a test ID number there, so the whole card path — agent,
server, page — runs without hardware. Unset in production.
"""

import os


def swipe_dir() -> str | None:
    return os.environ.get("HALLQ_KIOSK_SWIPE_DIR") or None
