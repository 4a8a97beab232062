"""Queries of bearer tokens: users' tokens (``api_tokens``) and who a token stands for.

Device tokens live on the device row (``storage.devices``). Every function takes an open
connection; the caller owns the transaction.
"""

from sqlalchemy import delete, insert, select

from queue_server.storage.models import api_tokens, user_windows, users


def purge_expired(conn, now) -> None:
    conn.execute(delete(api_tokens).where(api_tokens.c.expires_at < now))


def add(conn, token_hash: str, user_id: int, now, expires_at) -> None:
    conn.execute(insert(api_tokens).values(token_hash=token_hash, user_id=user_id,
                                           created_at=now, expires_at=expires_at))


def remove(conn, token_hash: str) -> None:
    conn.execute(delete(api_tokens).where(api_tokens.c.token_hash == token_hash))


def remove_users(conn, user_id: int) -> None:
    """Every token of one user (signed out everywhere)."""
    conn.execute(delete(api_tokens).where(api_tokens.c.user_id == user_id))


def token_user(conn, token_hash: str):
    """The user row a token belongs to, with the token's ``expires_at`` (a mapping), or None."""
    return conn.execute(
        select(users, api_tokens.c.expires_at)
        .join(api_tokens, api_tokens.c.user_id == users.c.id)
        .where(api_tokens.c.token_hash == token_hash)
    ).mappings().first()


def user_window_ids(conn, user_id: int) -> list[int]:
    return list(conn.execute(
        select(user_windows.c.window_id).where(user_windows.c.user_id == user_id)).scalars())
