"""The demo hall: configuration, demo logins and device tokens, seeded idempotently."""

import atexit
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from werkzeug.security import check_password_hash

from display.demo import prepare_display_demo
from queue_server.services import accounts, profiles
from queue_server.services.config_loader import load_config, read_config_file
from queue_server.storage.models import users

CONFIG = Path(__file__).with_name("demo_hall.yaml")
TOKENS = Path("instance") / "demo-device-tokens.json"
PRINTED = Path("instance") / "printed"
CARD_SWIPES = Path("instance") / "card-swipes"
PASSWORD = "hallq-demo"
HALL = "demo"
STAFF_NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"]
USERS = [("admin", "admin", (), "系统管理员", None), ("manager", "manager", (), "值班主任", "0100")] + [
    (f"staff{n}", "staff", (n,), name, f"01{n:02d}") for n, name in enumerate(STAFF_NAMES, 1)
]
# Placeholder portraits (a made-up silhouette, not a person): background colours per window.
PORTRAIT_COLOURS = ["#3b6fb6", "#2f855a", "#b7791f", "#805ad5", "#c05621", "#2c7a7b"]


def placeholder_photo(colour: str) -> bytes:
    """A 300×400 PNG silhouette on ``colour``: the demo staff's evaluator photo."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 400), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((95, 70, 205, 190), fill="#f1f4f8")
    draw.ellipse((40, 220, 260, 520), fill="#f1f4f8")
    draw.polygon([(130, 220), (150, 300), (170, 220)], fill=colour)  # the collar
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _ensure_user(ctx, hall_id, username, role, windows, name, staff_no, photo) -> None:
    with ctx.db.read() as conn:
        stored = conn.execute(select(users.c.password_hash, users.c.staff_no)
                              .where(users.c.username == username)).first()
    if stored is None:
        accounts.add_user(ctx, username, PASSWORD, role, hall_id, windows, name,
                          staff_no=staff_no, photo=photo)
        return
    # Reset a changed demo password, but do not sign everyone out on every start.
    if not check_password_hash(stored.password_hash, PASSWORD):
        accounts.set_password(ctx, username, PASSWORD)
    if stored.staff_no != staff_no:  # a demo database from before staff profiles
        profiles.set_profile(ctx, username, display_name=name, staff_no=staff_no, photo=photo)


def ensure_demo_users(ctx, hall) -> None:
    """The demo logins; staff have names, staff numbers (工号) and placeholder photos."""
    for username, role, windows, name, staff_no in USERS:
        photo = (placeholder_photo(PORTRAIT_COLOURS[windows[0] - 1]) if role == "staff"
                 else None)
        _ensure_user(ctx, hall.id, username, role, windows, name, staff_no, photo)


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


def start_kiosk_agent(base: str, token: str) -> subprocess.Popen:
    """The demo kiosk's agent, a process of its own as on a real kiosk: a printer keeping each
    ticket in instance/printed/ (``demo_printer_spec``), and a fake card reader fed by the kiosk
    page's "simulate a card" button (or by any file dropped in instance/card-swipes/*.swipe)."""
    os.environ["HALLQ_KIOSK_SWIPE_DIR"] = str(CARD_SWIPES.resolve())
    agent = subprocess.Popen(
        [sys.executable, "-m", "kiosk.agent", "--server", base, "--printer", demo_printer_spec(),
         "--card-reader", f"fake:{CARD_SWIPES}", "--log-level", "WARNING",
         # in instance/, not the user's state dir: the demo rotates the kiosk token every start
         "--journal", str(PRINTED.parent / "kiosk-agent.journal")],
        env=dict(os.environ, HALLQ_KIOSK_TOKEN=token), stdin=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,
    )
    atexit.register(stop_agent, agent)
    return agent


def demo_printer_spec() -> str:
    """The virtual printer (a PNG per ticket) when python-escpos and Pillow are installed, else
    the pure fake one (the tickets' text in tickets.txt): the demo runs on either."""
    if all(importlib.util.find_spec(name) for name in ("escpos", "PIL")):
        return f"virtual:{PRINTED}"
    return f"fake:{PRINTED}"


def stop_agent(agent: subprocess.Popen, grace_s: float = 10.0) -> None:
    """SIGTERM the demo's kiosk agent and wait for it to close its journal (it exits 0)."""
    if agent.poll() is None:
        agent.terminate()
    try:
        agent.wait(grace_s)
    except subprocess.TimeoutExpired:
        agent.kill()
        agent.wait()


def _die_with_parent() -> None:
    """Linux: the agent gets SIGTERM when the demo server goes, however it goes."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def seed_demo(ctx, settings):
    """Load the demo hall, reset changed demo passwords, make demo devices. Returns the banner
    (how to use it) and a function starting the demo kiosk agent, to call once the server
    listens."""
    load_config(ctx, read_config_file(CONFIG))
    hall = ctx.halls.get(HALL)
    ensure_demo_users(ctx, hall)
    from queue_server.demo.network import seed_network

    network_lines = seed_network(ctx, hall, PASSWORD)
    wanted = [("kiosk-1", "kiosk", None), ("display-1", "display", None),
              ("led-3", "led", None)] + [
        (f"evaluator-{w.number}", "evaluator", w.number) for w in hall.windows
    ]
    tokens = _device_tokens(ctx, hall.id, wanted)
    base = f"http://127.0.0.1:{settings.port}"
    lines = [
        "",
        f"HallQ demo hall '{HALL}' ({hall.name}) is ready:",
        *listening_lines(settings.host),
        f"  Landing page     {base}/",
        f"  Services (JSON)  {base}/api/v1/halls/{HALL}/services",
        f"  Matters (办事指南) {base}/matters/{HALL}   (JSON: /api/v1/halls/{HALL}/matters)",
        f"  API reference    {base}/api/docs   (OpenAPI: {base}/api/v1/openapi.json)",
        f"  Logins (password '{PASSWORD}'): admin, manager, staff1 … staff6 (staffN works window N;"
        " 工号 0101 … 0106)",
        *network_lines,
        f"  Kiosk token      {tokens['kiosk-1']}",
        *prepare_display_demo(base, hall, led_window=3, screen_token=tokens["display-1"],
                              led_token=tokens["led-3"]),
        f"  Kiosk page       {base}/kiosk/{HALL}?token={tokens['kiosk-1']}",
        f"                   (pairs the browser once; then {base}/kiosk/{HALL})",
        f"  Printed tickets  {PRINTED.resolve()}/ (PNGs, or tickets.txt without escpos)",
        f"  Counter          {base}/counter   (staff1 … staff6, manager)",
        *[f"  Evaluator {w.number}      {base}/evaluator/{HALL}/{w.number}"
          f"?token={tokens[f'evaluator-{w.number}']}" for w in hall.windows],
        f"  Dashboard        {base}/dashboard   (manager, admin)",
        f"  Follow-up cases  {base}/followups   (manager)",
        "  Phones follow their tickets (the QR codes' tracking pages) once the demo listens on "
        f"the network: HALLQ_HOST=0.0.0.0 HALLQ_PUBLIC_URL=http://<this computer's address>:"
        f"{settings.port}",
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
    return lines, lambda: start_kiosk_agent(base, tokens["kiosk-1"])


def listening_lines(host: str) -> list[str]:
    """Where the demo listens and how to stop it, for the banner."""
    if host in ("127.0.0.1", "localhost", "::1"):
        where = (f"  Listening on     {host} only: this computer (every demo login shares one "
                 "password); HALLQ_HOST=0.0.0.0 opens it to the network")
    else:
        where = (f"  Listening on     {host}: anyone who can reach this computer can sign in with "
                 "the demo password")
    return [where, "  Stop it          Ctrl-C here, or SIGTERM to its process group (the demo "
                   "kiosk agent stops with it)"]
