"""The demo city's network (issue 10, item 6): the demo hall as the city centre, a branch
centre, a county centre with two towns and three villages (demo_network.yaml), their logins,
and a few weeks of history (history.py). Seeded idempotently at every ``make run``."""

from pathlib import Path

from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from queue_server.demo.history import seed_history
from queue_server.services.config_loader import load_config, read_config_file
from queue_server.storage.models import user_windows, users

CONFIG = Path(__file__).with_name("demo_network.yaml")
# Supervisors (managers) per level: each sees their hall and every hall below it.
MANAGERS = {"gjj": "manager-gjj", "xian1": "manager-xian1", "zhen1": "manager-zhen1",
            "zhen2": "manager-zhen2"}
NAMES = ["赵敏", "孙浩", "周婷", "吴刚", "郑丽", "冯军", "褚红", "卫东", "蒋欣", "沈明",
         "韩雪", "朱峰", "秦岚", "许亮"]


def staff_login(hall_code: str, window: int) -> str:
    """A village's clerk is ``clerk-cunN``; other halls' staff ``<hall>-staff<window>``."""
    return f"clerk-{hall_code}" if hall_code.startswith("cun") else \
        f"{hall_code}-staff{window}"


def _wanted(halls) -> list[tuple]:
    """(username, role, hall, window numbers, display name) of every network login."""
    people, names = [], iter(NAMES * 2)
    for hall in halls:
        if hall.code in MANAGERS:
            people.append((MANAGERS[hall.code], "manager", hall, (), f"{hall.name}主任"))
        people += [(staff_login(hall.code, w.number), "staff", hall, (w.number,), next(names))
                   for w in hall.windows]
    return people


def ensure_network_users(ctx, halls, password: str) -> None:
    """The network's logins, added when missing (an existing one is left as it is). All
    share the demo's one published password, so they share one hash too: hashing it once
    instead of eighteen times (scrypt) keeps the first start of the demo seconds shorter."""
    with ctx.db.read() as conn:
        have = set(conn.execute(select(users.c.username)).scalars())
    missing = [p for p in _wanted(halls) if p[0] not in have]
    if not missing:
        return
    digest = generate_password_hash(password, ctx.settings.password_hash_method)
    with ctx.db.write() as conn:
        for username, role, hall, windows, name in missing:
            user_id = conn.execute(insert(users).values(
                username=username, role=role, password_hash=digest, hall_id=hall.id,
                display_name=name, active=True, created_at=ctx.clock())
                .returning(users.c.id)).scalar_one()
            for number in windows:
                conn.execute(insert(user_windows).values(
                    user_id=user_id, window_id=hall.window(number).id))


def _staff_by_window(ctx, halls) -> dict:
    """{hall code: {window id: user id}}: who works each window (for the history)."""
    ids = {h.id: h.code for h in halls}
    with ctx.db.read() as conn:
        rows = conn.execute(select(users.c.hall_id, user_windows.c.window_id, users.c.id)
                            .join(user_windows, user_windows.c.user_id == users.c.id)
                            .where(users.c.role == "staff", users.c.hall_id.in_(list(ids))))
        result: dict = {}
        for hall_id, window_id, user_id in rows:
            result.setdefault(ids[hall_id], {}).setdefault(window_id, user_id)
    return result


def seed_network(ctx, city, password: str) -> list[str]:
    """Load the network below ``city`` (the demo hall), its logins and history; the banner's
    lines naming the supervisors per level."""
    load_config(ctx, read_config_file(CONFIG))
    halls = [ctx.halls.get(code) for code in
             ("gjj", "xian1", "zhen1", "zhen2", "cun1", "cun2", "cun3")]
    ensure_network_users(ctx, halls, password)
    seed_history(ctx, [city] + halls, _staff_by_window(ctx, [city] + halls))
    return [
        "  Network (城市一张网): city 示范市 › branch 公积金分中心 (gjj), county 示范县 (xian1) › "
        "towns zhen1, zhen2 › villages cun1, cun2 (zhen1), cun3 (zhen2)",
        "  Supervisors      city: manager (and admin: everything); branch: manager-gjj; "
        "county: manager-xian1; towns: manager-zhen1, manager-zhen2",
        "  Network staff    <hall>-staff<window> (e.g. xian1-staff2); village clerks "
        "clerk-cun1 … clerk-cun3 (no kiosk there: the counter's 代取号, key I, takes tickets); "
        "the network view: Dashboard › 全市网络",
    ]
