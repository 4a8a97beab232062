"""The red/yellow/green rule of the network view."""

import pytest

from queue_server.domain.network_status import hall_status, status_counts

CALM = {"alerts_red": 0, "alerts_yellow": 0, "waiting": 3, "windows_open": 1,
        "longest_wait_s": 300, "evaluations": 20, "satisfaction_rate": 0.95}


@pytest.mark.parametrize("change, status", [
    ({}, "green"),
    ({"alerts_red": 1}, "red"),
    ({"windows_open": 0}, "red"),  # people waiting, nobody to call them
    ({"windows_open": 0, "waiting": 0, "longest_wait_s": 0}, "green"),  # a closed, empty hall
    ({"alerts_yellow": 2}, "yellow"),
    ({"longest_wait_s": 20 * 60}, "yellow"),
    ({"longest_wait_s": 20 * 60 - 1}, "green"),
    ({"satisfaction_rate": 0.85}, "yellow"),
    ({"satisfaction_rate": 0.85, "evaluations": 9}, "green"),  # too few ratings to judge
    ({"satisfaction_rate": None, "evaluations": 0}, "green"),
    ({"alerts_red": 1, "alerts_yellow": 1}, "red"),
])
def test_status(change, status):
    assert hall_status(dict(CALM, **change)) == status


def test_counts_name_every_status():
    assert status_counts(["red", "green", "red"]) == {"green": 1, "yellow": 0, "red": 2}
