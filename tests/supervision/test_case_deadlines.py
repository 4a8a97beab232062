"""限时办结 with a fake clock: an open case turns yellow at 80 % of its promised working days,
red once its promised day has ended, and its alert clears when the case is closed; the sweep
reads only the cases whose level changes (``ix_cases_alert_due``, ``ix_cases_alert_closed``)
and its alerts always equal the levels computed from every case."""

import pytest
from sqlalchemy import text

from queue_server.services import supervisor
from tests.api.test_cases_api import accept, catalogued, served  # noqa: F401 (fixtures)
from tests.supervision.conftest import open_alerts

pytestmark = pytest.mark.usefixtures("catalogued")


def at_local_noon(clock, day: int):
    clock.now = clock.now.replace(month=3, day=day, hour=4)  # 12:00 in Shanghai


def test_yellow_at_80_percent_red_when_overdue_cleared_when_done(ctx, client, clock, staff1,
                                                                 accts, served):  # noqa: F811
    # Accepted Mon 2026-03-02 with 5 promised days; Sat 7 is a make-up working day, so the
    # promised day is Sat 2026-03-07 and 80 % (4 days) is reached on Fri 2026-03-06.
    case = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001"}).get_json()
    assert case["promised_on"] == "2026-03-07"
    system = accts.device("department")
    levels = {}
    for day in (5, 6, 7, 9):
        at_local_noon(clock, day)
        levels[day] = open_alerts(ctx, "case_deadline")
    assert levels == {5: [], 6: [("case_deadline", "yellow")],
                      7: [("case_deadline", "yellow")], 9: [("case_deadline", "red")]}
    alert = [a for a in supervisor.list_alerts(ctx, _admin(), "h1", active_only=True)
             if a["kind"] == "case_deadline"][0]
    assert alert["data"]["case"] == case["number"]
    done = client.post(f"/api/v1/halls/h1/cases/{case['id']}/state", json={"state": "done"},
                       headers=system)  # a clerk's sign-in has expired a week later
    assert done.status_code == 200, done.get_json()
    assert open_alerts(ctx, "case_deadline") == []


def test_immediate_and_closed_outcomes_never_raise_deadline_alerts(ctx, client, clock, staff1,
                                                                  served):  # noqa: F811
    accept(client, staff1, {"ticket": served["id"], "matter": "JY-001"})
    accept(client, staff1, {"ticket": served["id"], "matter": "CN-001", "outcome": "refused",
                            "reason": "材料不属实"})
    at_local_noon(clock, 31)
    assert open_alerts(ctx, "case_deadline") == []


@pytest.mark.parametrize("statement", ["_LEVEL_DUE", "_CLOSED_WITH_ALERT"])
def test_the_sweep_reads_through_its_partial_indexes(ctx, statement):
    from queue_server.storage import cases as stored

    sql = str(getattr(stored, statement).compile(
        dialect=ctx.db.engine.dialect, compile_kwargs={"literal_binds": False}))
    sql = sql.replace("?", "1", 1).replace("?", "'2026-03-02'" if "alert_due_on" in sql
                                            else "10", 1).replace("?", "10")
    with ctx.db.read() as conn:
        plan = str(conn.execute(text("EXPLAIN QUERY PLAN " + sql)).all())
    index = "ix_cases_alert_due" if statement == "_LEVEL_DUE" else "ix_cases_alert_closed"
    assert index in plan, plan


def _admin():
    from queue_server.services.accounts import Principal

    return Principal("user", 0, "admin", None)


def _levels_from_scratch(ctx, hall, now) -> list[tuple]:
    """What should be open, from every case (the old cold sweep), as (case number, level)."""
    from queue_server.domain.cases import deadline_level
    from queue_server.domain.numbering import local_day
    from queue_server.storage.case_models import cases as table

    today = local_day(now, hall.timezone)
    with ctx.db.read() as conn:
        rows = conn.execute(table.select().where(table.c.finished_at.is_(None))).all()
    return sorted((r.number, level) for r in rows
                  if (level := deadline_level(today, r.warn_on, r.promised_on)))


def _open_deadline_alerts(ctx) -> list[tuple]:
    supervisor.run_once(ctx)
    return sorted((a["data"]["case"], a["level"]) for a in supervisor.list_alerts(
        ctx, _admin(), "h1", active_only=True) if a["kind"] == "case_deadline")


def test_the_open_alerts_equal_a_sweep_from_scratch_after_each_change(
        ctx, client, clock, staff1, accts, served):  # noqa: F811
    """The sweep reads only the cases due for a change; after every step (a new day, a case
    opened, a case closed) the open alerts equal the levels computed from every case."""
    hall = ctx.halls.get("h1")
    first = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001"}).get_json()
    second = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001",
                                     "promised_on": "2026-03-10"}).get_json()
    steps = []

    def step():
        steps.append((_open_deadline_alerts(ctx), _levels_from_scratch(ctx, hall, clock.now)))

    at_local_noon(clock, 6)  # first crosses warn_on
    step()
    at_local_noon(clock, 9)  # first crosses promised_on, second crosses warn_on
    step()
    opened = accept(client, accts.user("staff", windows=(1,)),  # staff1 signed in a week ago
                    {"matter": "CN-001"})
    assert opened.status_code == 201, opened.get_json()
    third = opened.get_json()
    step()  # opened, not yet due
    assert client.post(f"/api/v1/halls/h1/cases/{first['id']}/state", json={"state": "done"},
                       headers=accts.device("department")).status_code == 200
    step()  # closed
    at_local_noon(clock, 13)  # second overdue, third crosses warn_on
    step()
    assert [alerts for alerts, _ in steps] == [wanted for _, wanted in steps]
    assert [alerts for alerts, _ in steps] == [
        [(first["number"], "yellow")],
        sorted([(first["number"], "red"), (second["number"], "yellow")]),
        sorted([(first["number"], "red"), (second["number"], "yellow")]),
        [(second["number"], "yellow")],
        sorted([(second["number"], "red"), (third["number"], "yellow")])]


def test_a_levelled_case_is_not_read_again_until_its_level_changes(
        ctx, client, clock, staff1, accts, served):  # noqa: F811
    from queue_server.services import cases

    hall = ctx.halls.get("h1")
    case = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001"}).get_json()

    def due():
        with ctx.db.read() as conn:
            return [(c.case_id, c.was, c.level) for c in
                    cases.deadline_changes(conn, hall, clock.now)]

    at_local_noon(clock, 5)
    assert due() == []
    at_local_noon(clock, 6)
    assert due() == [(case["id"], None, "yellow")]
    supervisor.run_once(ctx)
    assert due() == []  # yellow until the day after the promised day (Sat 7)
    at_local_noon(clock, 7)
    assert due() == []
    at_local_noon(clock, 9)
    assert due() == [(case["id"], "yellow", "red")]
    supervisor.run_once(ctx)
    at_local_noon(clock, 30)
    assert due() == []  # red stays until the case closes
    assert client.post(f"/api/v1/halls/h1/cases/{case['id']}/state", json={"state": "done"},
                       headers=accts.device("department")).status_code == 200
    assert due() == [(case["id"], "red", None)]
    supervisor.run_once(ctx)
    assert due() == []


def test_two_sweeps_planned_together_raise_one_alert(ctx, client, clock, staff1,
                                                     served):  # noqa: F811
    """Two processes read the same change before either applies it: the case's level moves
    once (a conditional update), so one alert is raised and one change pushed."""
    from queue_server.services import cases

    hall = ctx.halls.get("h1")
    accept(client, staff1, {"ticket": served["id"], "matter": "CN-001"})
    at_local_noon(clock, 6)
    with ctx.db.read() as conn:
        plans = [cases.deadline_changes(conn, hall, clock.now) for _ in range(2)]
    done = []
    for plan in plans:
        with ctx.db.write() as conn:
            done.append(supervisor._apply_deadlines(conn, hall, clock.now, plan))
    assert [[event for event, _ in d] for d in done] == [["alert_raised"], []]
    assert len(_open_deadline_alerts(ctx)) == 1


def test_a_case_closed_after_the_plan_was_read_raises_nothing(
        ctx, client, clock, staff1, accts, served):  # noqa: F811
    from queue_server.services import cases

    hall = ctx.halls.get("h1")
    case = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001"}).get_json()
    at_local_noon(clock, 6)
    with ctx.db.read() as conn:
        plan = cases.deadline_changes(conn, hall, clock.now)
    assert client.post(f"/api/v1/halls/h1/cases/{case['id']}/state", json={"state": "done"},
                       headers=accts.device("department")).status_code == 200
    with ctx.db.write() as conn:
        assert supervisor._apply_deadlines(conn, hall, clock.now, plan) == []
    assert _open_deadline_alerts(ctx) == []


def test_a_full_batch_is_followed_by_more_in_the_same_pass(ctx, client, clock, staff1, served,
                                                           monkeypatch):  # noqa: F811
    """Levels change at most ``SWEEP_BATCH`` cases per read and write; a full batch is followed
    by up to ``MORE_DEADLINE_BATCHES`` more in the same pass, and the next pass goes on."""
    from queue_server.services import cases

    monkeypatch.setattr(cases, "SWEEP_BATCH", 1)
    monkeypatch.setattr(supervisor, "MORE_DEADLINE_BATCHES", 1)
    for _ in range(3):
        accept(client, staff1, {"ticket": served["id"], "matter": "CN-001"})
    at_local_noon(clock, 6)
    hall = ctx.halls.get("h1")

    def raised() -> int:
        return sum(c["alert"]["kind"] == "case_deadline"
                   for c in supervisor.supervise_hall(ctx, hall, clock.now))

    assert [raised(), raised(), raised()] == [2, 1, 0]
