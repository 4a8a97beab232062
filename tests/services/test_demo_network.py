"""The demo's network: the city centre, a branch, a county with two towns and three villages,
their supervisors, and a few weeks of history written once."""

import pytest
from sqlalchemy import func, select

from queue_server.demo import CONFIG, PASSWORD
from queue_server.demo.network import MANAGERS, seed_network
from queue_server.services import network
from queue_server.services.accounts import authenticate, login
from queue_server.services.config_loader import load_config, read_config_file
from queue_server.services.network_summary import summary
from queue_server.storage.models import evaluations, tickets


@pytest.fixture
def seeded(ctx):
    load_config(ctx, read_config_file(CONFIG))
    lines = seed_network(ctx, ctx.halls.get("demo"), PASSWORD)
    return lines


def _count(ctx, table) -> int:
    with ctx.db.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def _as(ctx, username):
    return authenticate(ctx, login(ctx, username, PASSWORD)["token"])


def test_the_tree_has_the_levels_of_a_city(ctx, seeded):
    halls = network.scoped_halls(ctx, _as(ctx, "manager-xian1"))
    assert [(h["code"], h["level"], h["parent"]) for h in halls] == [
        ("xian1", "county", None), ("zhen1", "town", "xian1"), ("cun1", "village", "zhen1"),
        ("cun2", "village", "zhen1"), ("zhen2", "town", "xian1"), ("cun3", "village", "zhen2")]


def test_the_banner_names_a_supervisor_per_level(seeded):
    text = "\n".join(seeded)
    assert all(name in text for name in MANAGERS.values())
    assert "city: manager" in text


def test_history_is_written_once(ctx, seeded):
    before = (_count(ctx, tickets), _count(ctx, evaluations))
    assert before[0] > 2000 and before[1] > 1000
    seed_network(ctx, ctx.halls.get("demo"), PASSWORD)
    assert (_count(ctx, tickets), _count(ctx, evaluations)) == before


def test_the_network_view_shows_today_at_first_start(ctx, seeded):
    """The clock stands at 10:00 on a Monday: the halls below the city have today's tickets,
    some waiting; a town with nobody signed in and people waiting is red."""
    answer = summary(ctx, _as(ctx, "manager-xian1"))
    rows = {r["code"]: r for r in answer["halls"]}
    assert answer["total"]["issued"] > 0 and answer["total"]["waiting"] > 0
    assert rows["zhen2"]["status"] == "red"
