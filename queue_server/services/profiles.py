"""Staff profiles shown to citizens: the staff number (工号) and the photo on the window evaluator.

Photos live in the database (table ``user_photos``), because several server processes may serve
one hall and none of them has files of its own. A photo is at most ``MAX_PHOTO_BYTES``, and its
type is read from its first bytes (JPEG, PNG or WebP), never from a file name; Pillow must also
be able to read it, within ``MAX_PHOTO_SIDE`` pixels a side.

Who sees a photo: its URL carries a random key, new with every photo, and is handed only to the
evaluator of the window the person is signed in at and to the person (``GET /me``). The URL
itself needs no token — an ``<img>`` cannot send one, and a device token in a URL would end up
in access logs — which is acceptable for what a hall posts at the window anyway (亮证上岗); the
random key keeps anyone from collecting every staff photo by counting user ids.
"""

import io
import re
import secrets

from sqlalchemy.exc import IntegrityError

from queue_server.domain.errors import DomainError, invalid_request
from queue_server.storage import users as stored

MAX_PHOTO_BYTES = 512 * 1024
MAX_PHOTO_SIDE = 4096
PHOTO_CACHE_S = 365 * 24 * 3600  # the key changes with the photo, so a URL never goes stale
STAFF_NO = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{0,19}$")
_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def photo_type(data: bytes) -> str | None:
    """The image type by its magic bytes: image/jpeg, image/png, image/webp, else None."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_photo(data) -> str:
    """The photo's content type; ``invalid_request`` for anything but a readable small image."""
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise invalid_request("the photo is empty")
    if len(data) > MAX_PHOTO_BYTES:
        raise invalid_request(f"the photo is {len(data) // 1024} KB; at most "
                              f"{MAX_PHOTO_BYTES // 1024} KB (照片过大)")
    content_type = photo_type(bytes(data[:16]))
    if content_type is None:
        raise invalid_request("the photo must be a JPEG, PNG or WebP image (照片格式不支持)")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[content_type]]) as image:
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError,
            SyntaxError) as error:
        raise invalid_request(f"the photo cannot be read as {content_type}: {error}")
    if max(width, height) > MAX_PHOTO_SIDE:
        raise invalid_request(f"the photo is {width}×{height}; at most {MAX_PHOTO_SIDE} pixels "
                              "a side")
    return content_type


def check_staff_no(value) -> str | None:
    """A staff number as stored: 1-20 letters, digits or '-' (leading zeros kept); '' = none."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not STAFF_NO.match(value):
        raise invalid_request("a staff number (工号) is 1-20 letters, digits or '-'")
    return value


def store_photo(conn, user_id: int, data: bytes | None, now) -> str | None:
    """Replace (or with ``None`` remove) a user's photo in the caller's transaction; its key."""
    if data is None:
        stored.replace_photo(conn, user_id, None)
        return None
    content_type = check_photo(data)
    key = secrets.token_urlsafe(18)
    stored.replace_photo(conn, user_id, dict(key=key, content_type=content_type,
                                             data=bytes(data), updated_at=now))
    return key


def staff_no_taken() -> DomainError:
    return DomainError("staff_no_taken", "another user of this hall has this staff number")


def set_profile(ctx, username: str, **changes) -> dict:
    """Change ``staff_no``, ``display_name`` and/or ``photo`` (bytes, or None to remove) of a
    user; only the keys given change. Returns the stored profile."""
    values = {}
    if "staff_no" in changes:
        values["staff_no"] = check_staff_no(changes["staff_no"])
    if "display_name" in changes:
        name = changes["display_name"]
        if not isinstance(name, str) or not name.strip() or len(name) > 100:
            raise invalid_request("a name is 1-100 characters")
        values["display_name"] = name.strip()
    if "photo" in changes and changes["photo"] is not None:
        check_photo(changes["photo"])  # before anything is written
    try:
        with ctx.db.write() as conn:
            user_id = stored.user_id(conn, username)
            if user_id is None:
                raise DomainError("unknown_user", f"no user {username}")
            if values:
                stored.update_user(conn, user_id, **values)
            if "photo" in changes:
                store_photo(conn, user_id, changes["photo"], ctx.clock())
    except IntegrityError:
        raise staff_no_taken()
    return profile(ctx, username)


def profile(ctx, username: str) -> dict:
    with ctx.db.read() as conn:
        row = stored.profile(conn, username)
    if row is None:
        raise DomainError("unknown_user", f"no user {username}")
    return {"user": row["username"], "name": row["display_name"] or row["username"],
            "staff_no": row["staff_no"], "photo": row["content_type"],
            "photo_key": row["key"]}


def photo_url(hall_code: str, key: str | None) -> str | None:
    return None if key is None else f"/api/v1/halls/{hall_code}/staff-photos/{key}"


def photo(ctx, hall_code: str, key: str) -> tuple[bytes, str]:
    """The photo behind a key, if its owner works in the hall: ``(bytes, content type)``."""
    hall = ctx.halls.get(hall_code)
    with ctx.db.read() as conn:
        row = stored.hall_photo(conn, key, hall.id)
    if row is None:
        raise DomainError("unknown_photo", "no such staff photo")
    return bytes(row.data), row.content_type
