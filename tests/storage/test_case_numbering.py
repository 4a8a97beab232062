"""受理编号 under concurrency: windows accepting cases at once never share a number, on SQLite
and on PostgreSQL (threads race the use case, as in test_concurrency.py)."""

import copy
from collections import Counter

from sqlalchemy import select

from queue_server.services import cases
from queue_server.services.config_loader import load_config
from queue_server.storage.case_models import case_counters
from queue_server.storage.case_models import cases as case_table
from tests.conftest import TEST_HALL
from tests.storage.test_concurrency import run_threads
from tests.storage.test_counter_concurrency import manager

MATTERS = [{"code": "CN-001", "name": "社会保障卡申领", "department": "人社局",
            "kind": "承诺件", "statutory_days": 20, "promised_days": 5}]


def catalogued(ctx):
    config = copy.deepcopy(TEST_HALL)
    config["halls"][0].update(level="city", catalogue={"matters": MATTERS})
    config["halls"][1].update(level="city", catalogue={"matters": MATTERS})
    load_config(ctx, config)


def test_concurrent_acceptances_never_repeat_a_case_number(backend_ctx):
    catalogued(backend_ctx)
    boss = manager(backend_ctx)
    per_thread = 8

    def work(i):
        return [cases.accept(backend_ctx, boss, "h1", 1 + i % 3, {"matter": "CN-001"})["number"]
                for _ in range(per_thread)]

    results, errors = run_threads(6, work)
    numbers = Counter(n for got in results if got for n in got)
    assert errors == []
    assert (len(numbers), max(numbers.values())) == (6 * per_thread, 1)
    assert sorted(numbers) == [f"2026-{n:06d}" for n in range(1, 6 * per_thread + 1)]


def test_numbers_are_per_hall_and_per_year(backend_ctx):
    catalogued(backend_ctx)
    boss = manager(backend_ctx)
    first = cases.accept(backend_ctx, boss, "h1", 1, {"matter": "CN-001"})["number"]
    backend_ctx.halls.invalidate()
    admin = type(boss)("user", boss.id, "admin", None)
    other_hall = cases.accept(backend_ctx, admin, "h2", 1, {"matter": "CN-001"})["number"]
    clock = backend_ctx.clock
    clock.now = clock.now.replace(year=2027)
    next_year = cases.accept(backend_ctx, boss, "h1", 1, {"matter": "CN-001"})["number"]
    assert (first, other_hall, next_year) == ("2026-000001", "2026-000001", "2027-000001")
    with backend_ctx.db.read() as conn:
        assert len(conn.execute(select(case_counters)).all()) == 3
        assert len(conn.execute(select(case_table)).all()) == 3
