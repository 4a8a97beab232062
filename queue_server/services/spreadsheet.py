"""Cells for every CSV and Excel export: formula injection neutralised, times as people read them.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(``=HYPERLINK(…)`` in a citizen's comment becomes a link that leaks the sheet), and a leading tab
or carriage return lets the same trick through some importers. Every text cell of an export goes
through ``safe_cell``, which prefixes such a text with a single quote (OWASP's advice for CSV
injection); numbers stay numbers.
"""

import csv
import io
from datetime import datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LOCAL_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def safe_cell(value):
    """``value`` as a spreadsheet may hold it: a text that a spreadsheet would run gets a
    leading single quote; None becomes an empty text; numbers, dates and booleans pass."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows) -> str:
    """Rows of cells as CSV text with a BOM (so Excel reads the Chinese as UTF-8), every cell
    through ``safe_cell``."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return "\ufeff" + out.getvalue()


def local_time(iso: str | None) -> str | None:
    """A hall-local ISO timestamp (``2026-12-03T10:00:00+08:00``) as ``2026-12-03 10:00:00``,
    the hall's wall-clock time without the offset; anything else is returned unchanged."""
    if not isinstance(iso, str) or "T" not in iso:
        return iso
    try:
        return datetime.fromisoformat(iso).strftime(LOCAL_TIME_FORMAT)
    except ValueError:
        return iso
