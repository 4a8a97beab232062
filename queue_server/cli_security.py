"""``queue-server`` commands of issue 16: disabling users, rotating kiosk tokens, lifting
blacklist entries, reading the audit log and handling the ID-hash key.

Registered on the groups of ``cli`` (``register``); every change is written to the audit log.
"""

import sys

import click


def register(main, user, device, blacklist) -> None:
    from queue_server import cli

    @user.command("disable")
    @click.argument("username")
    def user_disable(username):
        """Disable a user: signed out everywhere at once (sockets too), no new sign-in."""
        from queue_server.services.accounts import set_active

        ctx = cli._context()
        cli._run(lambda: set_active(ctx, username, False))
        cli._audit(ctx, "user.disable", username)
        click.echo(f"user {username} disabled")

    @user.command("enable")
    @click.argument("username")
    def user_enable(username):
        """Let a disabled user sign in again."""
        from queue_server.services.accounts import set_active

        ctx = cli._context()
        cli._run(lambda: set_active(ctx, username, True))
        cli._audit(ctx, "user.enable", username)
        click.echo(f"user {username} enabled")

    @device.command("rotate")
    @click.argument("name")
    @click.option("--hall", "hall_code", required=True)
    def device_rotate(name, hall_code):
        """Give a device a new token (printed, last line); the old one and its sockets stop."""
        from queue_server.services.accounts import rotate_device

        ctx = cli._context()
        hall_id = cli._hall_id(ctx, hall_code)
        token = cli._run(lambda: rotate_device(ctx, hall_id, name))
        cli._audit(ctx, "device.rotate", name, hall_id)
        click.echo(f"device {name}: new token (pair its page again):", err=True)
        click.echo(token)

    @blacklist.command("remove")
    @click.option("--hall", "hall_code", default=None, help="Only this hall's entries.")
    @click.option("--entry", type=int, default=None, help="An entry id from 'blacklist list'.")
    def blacklist_remove(hall_code, entry):
        """Lift a bar: the ID number is read from standard input (or give --entry)."""
        from queue_server.services.people import remove_from_blacklist

        ctx = cli._context()
        hall_id = cli._hall_id(ctx, hall_code) if hall_code else None
        number = None if entry is not None else cli._read_secret("ID number")
        removed = cli._run(lambda: remove_from_blacklist(ctx, number, entry, hall_id))
        cli._audit(ctx, "blacklist.remove", f"entry {entry}" if entry else "by number",
                   hall_id, removed=removed)
        click.echo(f"lifted {removed} entr{'y' if removed == 1 else 'ies'}")

    @blacklist.command("list")
    def blacklist_list():
        """The entries: id, hall, last 4 characters, reason, until."""
        from queue_server.services.people import list_blacklist

        ctx = cli._context()
        rows = list_blacklist(ctx)
        cli._audit(ctx, "view.blacklist", count=len(rows))
        for row in rows:
            click.echo(f"{row['id']}\thall={row['hall_id'] or '*'}\t**************{row['last4']}"
                       f"\t{row['reason']}\tuntil={row['until'] or '-'}")

    main.add_command(audit_command)
    main.add_command(keys)


@click.command("audit")
@click.option("--from", "start", default=None, help="YYYY-MM-DD (UTC), default 6 days ago.")
@click.option("--to", "end", default=None, help="YYYY-MM-DD (UTC), default today.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV instead of tab-separated lines.")
def audit_command(start, end, as_csv):
    """The audit log: who did what, when and from where."""
    from queue_server import cli
    from queue_server.services import audit

    ctx = cli._context()
    rows = cli._run(lambda: audit.entries(ctx, start, end))
    cli._audit(ctx, "view.audit", f"{start or ''}..{end or ''}")
    if as_csv:
        sys.stdout.write(audit.to_csv(rows))
        return
    for row in rows:
        click.echo("\t".join(str(row[k] if row[k] is not None else "-")
                             for k in audit.COLUMNS))


@click.group()
def keys():
    """The ID-hash key (see SECURITY.md, 'Rotating keys')."""


@keys.command("check")
def keys_check():
    """Check the ID-hash key against the database (records it on a new database)."""
    from queue_server import cli

    cli._context()
    click.echo("the ID-hash key matches this database")


@keys.command("forget-id-hashes")
@click.option("--yes", is_flag=True, help="Confirm: every blacklist entry is deleted.")
def keys_forget(yes):
    """After changing the ID-hash key: forget every stored ID hash (tickets', bookings',
    cases' and the whole blacklist, which must then be entered again) and record the new
    key."""
    from queue_server import cli
    from queue_server.services.privacy import forget_all_id_hashes

    if not yes:
        cli._fail("this deletes every blacklist entry; run again with --yes")
    ctx = cli._context(check_key=False)
    counts = forget_all_id_hashes(ctx)
    cli._audit(ctx, "keys.forget_id_hashes", **counts)
    click.echo(f"forgot {counts['tickets']} ticket ID hashes and {counts['blacklist']} "
               f"blacklist entries ({counts['bookings']} bookings, {counts['cases']} cases "
               f"keyed with the old key); the new key is recorded")
