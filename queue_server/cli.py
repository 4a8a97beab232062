"""``queue-server``: run the server and administer halls, users and devices.

Nothing heavy is imported at module level: ``serve`` must monkey-patch eventlet before Flask,
SQLAlchemy or the database driver are imported.
"""

import sys

import click

# The same as services.accounts.DEVICE_KINDS (a test keeps them equal); not imported from there,
# which would load SQLAlchemy before ``serve`` can monkey-patch.
DEVICE_KINDS = ("kiosk", "display", "led", "evaluator", "caller")


def _settings(**overrides):
    from queue_server.settings import load_settings

    return load_settings({k: v for k, v in overrides.items() if v is not None})


def _context(settings=None):
    from queue_server.services.context import Context
    from queue_server.storage.db import Database

    settings = settings or _settings()
    db = Database(settings.database_url)
    db.upgrade()
    return Context(db, settings)


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
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
def demo(host, port):
    """Seed the demo hall (idempotent), print its URLs and logins, and serve it."""
    from queue_server.server import run

    settings = _settings(host=host, port=port)
    from queue_server.demo import seed_demo

    lines = seed_demo(_context(settings), settings)
    run(settings, banner=lines)


@main.group()
def db():
    """Database schema."""


@db.command("upgrade")
def db_upgrade():
    """Apply the Alembic migrations."""
    _context()
    click.echo("database is at the latest schema")


@main.command("load-config")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def load_config(path):
    """Create or update halls, services and windows from a YAML file."""
    from queue_server.services.config_loader import load_config as apply, read_config_file

    ctx = _context()
    for line in _run(lambda: apply(ctx, read_config_file(path))):
        click.echo(line)


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
@click.option("--role", type=click.Choice(["staff", "manager", "admin"]), required=True)
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
    stored = _run(lambda: set_profile(_context(), username, **changes))
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
    _run(lambda: revoke_device(ctx, _hall_id(ctx, hall_code), name))
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
    click.echo(f"barred {masked}")
