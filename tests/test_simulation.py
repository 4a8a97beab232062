"""The hall-day simulator: its bookkeeping through the real service layer, and determinism."""

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from queue_server.cli import main
from queue_server.simulation import Day, read_scenario
from queue_server.simulation_report import summary
from queue_server.storage import tickets as stored
from queue_server.storage.models import ticket_events

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

SMALL = {
    "name": "小厅", "date": "2026-03-02", "open": "09:00", "close": "10:30",
    "no_show_share": 0.15, "priority_share": 0.2,
    "arrivals_by_hour": {9: 2.0, 10: 1.0},
    "services": [
        {"code": "A", "visits": 30, "handling_min": 4, "max_wait_min": 20},
        {"code": "B", "visits": 12, "handling_min": 9, "handling_sigma": 0.7},
    ],
    "windows": [
        {"number": 1, "services": ["A", "B"], "breaks": ["09:40-09:50"]},
        {"number": 2, "services": ["B", "A"]},
    ],
}


def _statuses(day) -> dict:
    """Each recorded ticket's status as the database holds it, read before the day closes."""
    with day.ctx.db.read() as conn:
        return {i: stored.ticket(conn, i)["status"] for i in day.records}


class KeptDay(Day):
    """A Day that reads the database back before it is thrown away."""

    def _loop(self):
        super()._loop()
        self.statuses = _statuses(self)


def test_every_ticket_issued_is_served_no_show_or_left_waiting(tmp_path):
    day = KeptDay(SMALL, seed=3, workdir=str(tmp_path)).run()
    data = summary(day)
    assert data["issued"] > 20
    assert data["issued"] == data["served"] + data["no_show"] + data["left_waiting"]
    assert data["no_show"] > 0
    expected = {"served": "done", "no_show": "no_show", "waiting": "waiting"}
    assert {i: expected[r.outcome] for i, r in day.records.items()} == day.statuses
    assert all(r.called_at >= r.issued_at for r in day.records.values() if r.called_at)


class TransferLog(KeptDay):
    """A KeptDay that also reads each ticket's service and its 'transferred' log lines."""

    def _loop(self):
        super()._loop()
        with self.ctx.db.read() as conn:
            self.services = {i: stored.ticket(conn, i)["service_id"] for i in self.records}
            self.transferred = set(conn.execute(
                select(ticket_events.c.ticket_id).where(ticket_events.c.kind == "transferred")
            ).scalars())


def test_transferred_tickets_go_through_the_service_layer_and_are_counted_once(tmp_path):
    scenario = dict(SMALL, transfer_share=0.5, transfer_to={"A": ["B"], "B": ["A"]})
    day = TransferLog(scenario, seed=3, workdir=str(tmp_path)).run()
    data = summary(day)
    moved = {i for i, r in day.records.items() if r.transfers}
    assert len(moved) >= 5
    assert moved == day.transferred
    assert all(r.transfers == 1 for r in day.records.values() if r.transfers)
    assert data["issued"] == len(day.records)
    assert data["issued"] == data["served"] + data["no_show"] + data["left_waiting"]
    expected = {"served": "done", "no_show": "no_show", "waiting": "waiting"}
    assert {i: expected[r.outcome] for i, r in day.records.items()} == day.statuses
    ids = {s.code: s.id for s in day.hall.services}
    for i in moved:  # the database holds the service it was sent to
        r = day.records[i]
        assert r.service_now != r.service and day.services[i] == ids[r.service_now]


def test_the_estimates_are_those_the_service_layer_gave(tmp_path):
    day = Day(SMALL, seed=3, workdir=str(tmp_path)).run()
    records = list(day.records.values())
    assert any(r.estimate_s > 0 for r in records)
    assert any(r.checks for r in records)  # someone was still waiting 10 minutes on
    assert summary(day)["idle_past_limit"] == 0


def test_a_seed_gives_the_same_day(tmp_path):
    def figures(seed):
        day = Day(SMALL, seed=seed, workdir=str(tmp_path)).run()
        return [(r.service, r.issued_at, r.called_at, r.estimate_s, r.naive_s, r.outcome)
                for r in day.records.values()], summary(day)

    assert figures(5) == figures(5)
    assert figures(5)[0] != figures(6)[0]


def test_the_shipped_scenarios_read():
    for name in ("sim-city-centre.yaml", "sim-town-centre.yaml"):
        scenario = read_scenario(EXAMPLES / name)
        assert scenario["services"] and scenario["windows"]


def test_the_command_prints_the_truth_table(tmp_path):
    path = tmp_path / "small.yaml"
    import yaml

    path.write_text(yaml.safe_dump(SMALL, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(main, ["simulate", str(path), "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert "mean absolute error" in result.output and "at issue" in result.output
    assert "left waiting" in result.output


def test_a_scenario_without_windows_is_refused(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("services: [{code: A, visits: 1, handling_min: 1}]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["simulate", str(path)])
    assert result.exit_code == 2 and "windows" in result.output


@pytest.mark.parametrize("field", ["services", "windows"])
def test_read_scenario_needs_services_and_windows(tmp_path, field):
    path = tmp_path / "s.yaml"
    import yaml

    path.write_text(yaml.safe_dump({k: v for k, v in SMALL.items() if k != field}),
                    encoding="utf-8")
    with pytest.raises(ValueError):
        read_scenario(path)


def test_history_days_are_played_first_and_only_the_last_day_is_measured(tmp_path):
    day = KeptDay(SMALL, seed=3, workdir=str(tmp_path), history_days=1).run()
    data = summary(day)
    assert {r.issued_at.astimezone(day.zone).date().isoformat() for r in day.records.values()} \
        == {"2026-03-02"}
    assert data["issued"] == data["served"] + data["no_show"] + data["left_waiting"]
    assert min(day.records) > 1  # the history day's tickets came first, in the same database


def test_a_service_with_its_own_arrival_profile_gets_tickets_only_in_its_hours(tmp_path):
    scenario = dict(SMALL, services=[dict(SMALL["services"][0], arrivals_by_hour={10: 1}),
                                     SMALL["services"][1]])
    day = Day(scenario, seed=3, workdir=str(tmp_path), measure=False).run()
    a_hours = {r.issued_at.hour for r in day.records.values() if r.service == "A"}
    assert a_hours == {10}
    assert any(r.service == "B" and r.issued_at.hour == 9 for r in day.records.values())


def test_simulate_from_history_derives_the_scenario_and_saves_it(tmp_path, ctx, db_url,
                                                                  monkeypatch):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from tests.test_planner import seed

    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the command runs on the real clock
    seed(ctx, days=(today - timedelta(days=1), today - timedelta(days=2)))
    monkeypatch.setenv("HALLQ_DATABASE_URL", db_url)
    monkeypatch.setenv("HALLQ_SECRET_KEY", "cli-secret-" + "x" * 32)
    saved = tmp_path / "derived.yaml"
    result = CliRunner().invoke(main, ["simulate", "--from-history", "h1", "--days", "20",
                                       "--save", str(saved)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "（2 天历史）" in result.output and "mean absolute error" in result.output
    assert read_scenario(saved)["services"][0]["arrivals_by_hour"] == {9: 6}
    refused = CliRunner().invoke(main, ["simulate", "--from-history", "nope"])
    assert refused.exit_code == 2 and "nope" in refused.output
