"""The red/yellow/green status of one hall on the city's network view (电子监察一张图).

The rule, in order (the first that applies wins):

- **red**: an open red alert (超时等候, 空岗, 差评, device fault…), or people waiting while no
  window of the hall is open to call them;
- **yellow**: an open yellow alert (a wait or a handling near its limit, a queue at its warning
  length), or someone has waited ``YELLOW_WAIT_S`` or longer, or today's satisfaction is below
  ``YELLOW_SATISFACTION`` over at least ``MIN_RATINGS`` ratings;
- **green** otherwise (a hall with nobody waiting and no alert is green).

Standard library only: the figures come in as a mapping (services.network_figures).
"""

GREEN, YELLOW, RED = "green", "yellow", "red"
STATUSES = (GREEN, YELLOW, RED)
YELLOW_WAIT_S = 20 * 60
YELLOW_SATISFACTION = 0.9
MIN_RATINGS = 10


def hall_status(figures: dict) -> str:
    """``figures``: ``alerts_red``, ``alerts_yellow``, ``waiting``, ``windows_open``,
    ``longest_wait_s``, ``evaluations`` and ``satisfaction_rate`` (None without ratings)."""
    if figures.get("alerts_red") or (figures.get("waiting") and not figures.get("windows_open")):
        return RED
    satisfaction = figures.get("satisfaction_rate")
    if (figures.get("alerts_yellow")
            or (figures.get("longest_wait_s") or 0) >= YELLOW_WAIT_S
            or (satisfaction is not None and (figures.get("evaluations") or 0) >= MIN_RATINGS
                and satisfaction < YELLOW_SATISFACTION)):
        return YELLOW
    return GREEN


def status_counts(statuses) -> dict:
    """How many halls are green, yellow and red."""
    counts = dict.fromkeys(STATUSES, 0)
    for status in statuses:
        counts[status] += 1
    return counts
