"""The demo hall: configuration, demo logins and device tokens, seeded idempotently."""

import json
from pathlib import Path

from sqlalchemy import select

from queue_server.services import accounts
from queue_server.services.config_loader import load_config, read_config_file
from queue_server.storage.models import users

CONFIG = Path(__file__).with_name("demo_hall.yaml")
TOKENS = Path("instance") / "demo-device-tokens.json"
PASSWORD = "hallq-demo"
HALL = "demo"
USERS = [("admin", "admin", (), "系统管理员"), ("manager", "manager", (), "值班主任")] + [
    (f"staff{n}", "staff", (n,), f"{n}号窗口工作人员") for n in range(1, 7)
]


def _ensure_user(ctx, hall_id, username, role, windows, name) -> None:
    with ctx.db.read() as conn:
        exists = conn.execute(select(users.c.id).where(users.c.username == username)).first()
    if exists:
        accounts.set_password(ctx, username, PASSWORD)
    else:
        accounts.add_user(ctx, username, PASSWORD, role, hall_id, windows, name)


def _device_tokens(ctx, hall_id, wanted) -> dict[str, str]:
    """Demo device tokens, kept in ./instance so paired pages survive a restart of the demo."""
    saved = json.loads(TOKENS.read_text()) if TOKENS.exists() else {}
    tokens = {}
    for name, kind, window in wanted:
        principal = accounts.authenticate(ctx, saved.get(name))
        if principal is not None and principal.role == kind and principal.hall_id == hall_id:
            tokens[name] = saved[name]
        else:
            tokens[name] = accounts.add_device(ctx, name, kind, hall_id, window, rotate=True)
    TOKENS.parent.mkdir(parents=True, exist_ok=True)
    TOKENS.write_text(json.dumps(tokens, indent=1))
    TOKENS.chmod(0o600)
    return tokens


def seed_demo(ctx, settings) -> list[str]:
    """Load the demo hall, reset demo passwords, give demo devices fresh tokens; say how to use."""
    load_config(ctx, read_config_file(CONFIG))
    hall = ctx.halls.get(HALL)
    for username, role, windows, name in USERS:
        _ensure_user(ctx, hall.id, username, role, windows, name)
    wanted = [("kiosk-1", "kiosk", None), ("display-1", "display", None)] + [
        (f"evaluator-{w.number}", "evaluator", w.number) for w in hall.windows
    ]
    tokens = _device_tokens(ctx, hall.id, wanted)
    base = f"http://127.0.0.1:{settings.port}"
    lines = [
        "",
        f"HallQ demo hall '{HALL}' ({hall.name}) is ready:",
        f"  Landing page     {base}/",
        f"  Services (JSON)  {base}/api/v1/halls/{HALL}/services",
        f"  OpenAPI          {base}/api/v1/openapi.json",
        f"  Logins (password '{PASSWORD}'): admin, manager, staff1 … staff6 (staffN works window N)",
        f"  Kiosk token      {tokens['kiosk-1']}",
        "  Try it:",
        f"    T=$(curl -s {base}/api/v1/auth/token -H 'Content-Type: application/json' "
        f"-d '{{\"username\":\"staff3\",\"password\":\"{PASSWORD}\"}}' | python3 -c "
        "'import sys,json;print(json.load(sys.stdin)[\"token\"])')",
        f"    curl -s -X POST {base}/api/v1/halls/{HALL}/tickets -H \"Authorization: Bearer $T\" "
        "-H 'Content-Type: application/json' -d '{\"service\":\"B\"}'",
        f"    curl -s -X POST {base}/api/v1/halls/{HALL}/windows/3/call-next "
        "-H \"Authorization: Bearer $T\"",
        "",
    ]
    return lines
