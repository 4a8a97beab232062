"""``queue-server``: run the server and administer halls, users and devices.

Nothing heavy is imported at module level: ``serve`` must monkey-patch eventlet before Flask,
SQLAlchemy or the database driver are imported.
"""

import sys

import click

from hallq_shared.protocol import DEVICE_KINDS  # stdlib only: nothing loaded before ``serve``
ROLES = ("staff", "manager", "supervisor", "admin")  # = services.principals.ROLES (tested)
# The demo listens on this computer only unless HALLQ_HOST or --host says otherwise: every demo
# login shares one published password.
DEMO_HOST = "127.0.0.1"


def _settings(**overrides):
    from queue_server.keyfiles import KeyProblem
    from queue_server.settings import load_settings

    try:
        return load_settings({k: v for k, v in overrides.items() if v is not None})
    except KeyProblem as error:
        _fail(error)


def _context(settings=None, check_key: bool = True):
    """The use-case context of a command: migrated database, the ID-hash key checked against
    the database (``privacy.verify_id_hash_key``), revocations published to the server
    processes through the message queue when one is set."""
    from queue_server.services.context import Context
    from queue_server.storage.db import Database

    settings = settings or _settings()
    db = Database(settings.database_url)
    db.upgrade()
    ctx = Context(db, settings)
    if check_key:
        from queue_server.keyfiles import KeyProblem
        from queue_server.services.privacy import KeyMismatch, verify_id_hash_key

        try:
            verify_id_hash_key(ctx)
        except (KeyMismatch, KeyProblem) as error:
            _fail(error)
    if settings.message_queue:
        from queue_server.realtime.revocation import client_manager, revoker

        manager = client_manager(settings.message_queue, "hallq", write_only=True)
        ctx.revoke_sockets = revoker(
            lambda event, data, namespace, room: manager.emit(event, data, namespace=namespace,
                                                              room=room))
    return ctx


def _audit(ctx, action: str, target: str = "", hall_id=None, **detail) -> None:
    from queue_server.services.audit import record_cli

    record_cli(ctx, action, target, hall_id, detail or None)


def _fail(error) -> None:
    click.echo(f"error: {getattr(error, 'message', error)}", err=True)
    sys.exit(2)


def _run(action):
    from queue_server.domain.errors import DomainError

    try:
        return action()
    except DomainError as error:
        _fail(error)


def _hall_id(ctx, code: str) -> int:
    return _run(lambda: ctx.halls.get(code).id)


def _read_secret(prompt: str) -> str:
    if sys.stdin.isatty():
        return click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@click.group()
def main():
    """HallQ queue server."""


@main.command()
@click.option("--host", default=None, help="Address to listen on (HALLQ_HOST).")
@click.option("--port", type=int, default=None, help="Port (HALLQ_PORT, default 5000).")
def serve(host, port):
    """Apply migrations and run the server."""
    from queue_server.server import run

    run(_settings(host=host, port=port))


@main.command()
@click.option("--host", default=None,
              help="Address to listen on (HALLQ_HOST); default 127.0.0.1: the demo's password "
                   "is public.")
@click.option("--port", type=int, default=None)
def demo(host, port):
    """Seed the demo hall (idempotent), print its URLs and logins, and serve it (Ctrl-C stops)."""
    import os

    from queue_server.server import run

    settings = _settings(host=demo_host(host, os.environ), port=port)
    from queue_server.demo import seed_demo

    lines, start_agent = seed_demo(_context(settings), settings)
    run(settings, banner=lines, on_listening=start_agent)


def demo_host(host: str | None, environ) -> str | None:
    """The demo's address: ``--host``, else HALLQ_HOST (None: the settings read it), else
    127.0.0.1."""
    if host is None and not environ.get("HALLQ_HOST"):
        return DEMO_HOST
    return host


@main.group()
def db():
    """Database schema."""


@db.command("upgrade")
def db_upgrade():
    """Apply the Alembic migrations."""
    _context(check_key=False)
    click.echo("database is at the latest schema")


@main.command("load-config")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def load_config(path):
    """Create or update halls, services and windows from a YAML file."""
    from queue_server.services.config_loader import load_config as apply, read_config_file

    ctx = _context()
    for line in _run(lambda: apply(ctx, read_config_file(path))):
        click.echo(line)
    _audit(ctx, "config.load", str(path))


@main.command("load-catalogue")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--hall", "hall_code", required=True, help="The hall whose own matters these are.")
def load_catalogue(path, hall_code):
    """Replace a hall's own matter catalogue (事项目录) from a CSV or YAML file."""
    from queue_server.services.catalogue import load_catalogue as apply

    ctx = _context()
    click.echo(_run(lambda: apply(ctx, hall_code, path)))
    _audit(ctx, "catalogue.load", str(path))


@main.group()
def user():
    """Staff, managers and administrators."""


def _read_photo(path):
    """A photo file's bytes (checked by the service: JPEG/PNG/WebP by content, ≤ 512 KB)."""
    if path is None:
        return None
    with open(path, "rb") as handle:
        return handle.read(4 * 1024 * 1024)  # more than any allowed photo: refused as too big


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="A manager or supervisor reaches --hall and every hall below it; a "
                   "supervisor only watches (floor, figures, alerts, reports).")
@click.option("--hall", "hall_code", required=True)
@click.option("--window", "windows", type=int, multiple=True)
@click.option("--name", "display_name", default="", help="Name shown to citizens (张三).")
@click.option("--staff-no", default=None, help="Staff number (工号), e.g. 0123.")
@click.option("--photo", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Photo for the window evaluator: JPEG, PNG or WebP, at most 512 KB.")
def user_add(username, role, hall_code, windows, display_name, staff_no, photo):
    """Add a user; the password is read from standard input."""
    from queue_server.services.accounts import add_user

    ctx = _context()
    hall_id = _hall_id(ctx, hall_code)
    data = _read_photo(photo)
    password = _read_secret("Password")
    _run(lambda: add_user(ctx, username, password, role, hall_id, windows, display_name,
                          staff_no=staff_no, photo=data))
    _audit(ctx, "user.add", username, hall_id, role=role)
    click.echo(f"added {role} {username}")


@user.command("set")
@click.argument("username")
@click.option("--name", "display_name", default=None, help="Name shown to citizens.")
@click.option("--staff-no", default=None, help="Staff number (工号); '' removes it.")
@click.option("--photo", type=click.Path(exists=True, dir_okay=False), default=None,
              help="New photo: JPEG, PNG or WebP, at most 512 KB.")
@click.option("--no-photo", is_flag=True, help="Remove the photo.")
def user_set(username, display_name, staff_no, photo, no_photo):
    """Change a user's name, staff number or photo."""
    from queue_server.services.profiles import set_profile

    if photo and no_photo:
        _fail("give --photo or --no-photo, not both")
    changes = {}
    if display_name is not None:
        changes["display_name"] = display_name
    if staff_no is not None:
        changes["staff_no"] = staff_no
    if photo or no_photo:
        changes["photo"] = _read_photo(photo)
    if not changes:
        _fail("nothing to change: give --name, --staff-no, --photo or --no-photo")
    ctx = _context()
    stored = _run(lambda: set_profile(ctx, username, **changes))
    _audit(ctx, "user.set", username, fields=sorted(changes))
    click.echo(f"{stored['user']}: name {stored['name']}, staff no. {stored['staff_no'] or '-'}, "
               f"photo {stored['photo'] or '-'}")


@user.command("list")
def user_list():
    from queue_server.services.accounts import list_users

    for row in list_users(_context()):
        windows = ",".join(map(str, row["windows"])) or "-"
        click.echo(f"{row['username']}\t{row['role']}\thall={row['hall_id']}\twindows={windows}"
                   f"\tstaff_no={row['staff_no'] or '-'}\tphoto={row['photo'] or '-'}")


@user.command("passwd")
@click.argument("username")
def user_passwd(username):
    """Set a new password (from standard input); signs the user out everywhere."""
    from queue_server.services.accounts import set_password

    ctx = _context()
    password = _read_secret("New password")
    _run(lambda: set_password(ctx, username, password))
    _audit(ctx, "user.passwd", username)
    click.echo(f"password of {username} changed")


@main.group()
def device():
    """Kiosks, hall screens, LED signs, evaluators and caller keypads."""


@device.command("add")
@click.argument("name")
@click.option("--kind", type=click.Choice(DEVICE_KINDS), required=True,
              help="caller: a window's caller keypad; it acts for whoever is signed in there.")
@click.option("--hall", "hall_code", required=True)
@click.option("--window", type=int, default=None, help="The window (evaluator, caller).")
@click.option("--rotate", is_flag=True, help="Give an existing device a new token.")
def device_add(name, kind, hall_code, window, rotate):
    """Add a device and print its token (last line)."""
    from queue_server.services.accounts import add_device

    ctx = _context()
    hall_id = _hall_id(ctx, hall_code)
    token = _run(lambda: add_device(ctx, name, kind, hall_id, window, rotate))
    _audit(ctx, "device.rotate" if rotate else "device.add", name, hall_id, kind=kind)
    click.echo(f"device {name} ({kind}) added; its token:", err=True)
    click.echo(token)


@device.command("list")
def device_list():
    from queue_server.services.accounts import list_devices

    for row in list_devices(_context()):
        state = "revoked" if row["revoked"] else "active"
        click.echo(f"{row['name']}\t{row['kind']}\thall={row['hall_id']}\t"
                   f"window={row['window'] or '-'}\t{state}")


@device.command("revoke")
@click.argument("name")
@click.option("--hall", "hall_code", required=True)
def device_revoke(name, hall_code):
    from queue_server.services.accounts import revoke_device

    ctx = _context()
    hall_id = _hall_id(ctx, hall_code)
    _run(lambda: revoke_device(ctx, hall_id, name))
    _audit(ctx, "device.revoke", name, hall_id)
    click.echo(f"device {name} revoked")


@main.group()
def blacklist():
    """People barred from taking tickets (ticket touts)."""


@blacklist.command("add")
@click.option("--hall", "hall_code", default=None, help="Omit to bar in every hall.")
@click.option("--reason", required=True)
@click.option("--days", type=int, default=None, help="How long; omit for no end.")
def blacklist_add(hall_code, reason, days):
    """Bar a person; the ID number is read from standard input and stored only as a keyed hash."""
    from queue_server.services.people import add_to_blacklist

    ctx = _context()
    hall_id = _hall_id(ctx, hall_code) if hall_code else None
    number = _read_secret("ID number")
    masked = _run(lambda: add_to_blacklist(ctx, number, reason, hall_id, days))
    _audit(ctx, "blacklist.add", masked, hall_id, days=days)
    click.echo(f"barred {masked}")


@main.command()
@click.argument("scenario", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--seed", type=int, default=1, show_default=True, help="the day's randomness")
@click.option("--history-days", type=click.IntRange(0, 30), default=0, show_default=True,
              help="days played first, as the hall's history (handling times, pauses)")
@click.option("--from-history", "hall_code", default=None, metavar="HALL",
              help="derive the scenario from this hall's tickets in the database")
@click.option("--days", type=click.IntRange(1, 366), default=20, show_default=True,
              help="with --from-history: how many days back")
@click.option("--weekday", type=click.IntRange(0, 6), default=None,
              help="with --from-history: only this weekday's days (0 = Monday)")
@click.option("--save", type=click.Path(dir_okay=False, writable=True), default=None,
              help="with --from-history: also write the derived scenario to this YAML file")
def simulate(scenario, seed, history_days, hall_code, days, weekday, save):
    """Play a hall day (SCENARIO.yaml, or one derived from a hall's history with
    --from-history HALL --days 20) through the real service layer; print the truth table."""
    from queue_server.simulation import run_file, run_scenario

    if bool(scenario) == bool(hall_code):
        _fail("give either SCENARIO.yaml or --from-history HALL")
    try:
        if scenario:
            click.echo(run_file(scenario, seed, history_days))
            return
        from queue_server.services.history_scenario import scenario_from_history

        ctx = _context(check_key=False)
        try:
            derived = _run(lambda: scenario_from_history(ctx, ctx.halls.get(hall_code), days,
                                                         weekday))
        finally:
            ctx.close()
        if save:
            import yaml

            with open(save, "w", encoding="utf-8") as stream:
                yaml.safe_dump(derived, stream, allow_unicode=True, sort_keys=False)
        click.echo(run_scenario(derived, seed, history_days))
    except (ValueError, KeyError) as error:
        _fail(error)


from queue_server import cli_security  # noqa: E402  (its commands join the groups above)

cli_security.register(main, user, device, blacklist)
