"""Key material: the session-signing key and the ID-hash key, kept apart from the database.

Two keys with two uses:
- ``HALLQ_SECRET_KEY`` signs what Flask signs. Unset, it is generated into the key folder.
- The ID-hash key keys the HMAC of ID numbers (one ticket per person, the blacklist). It comes
  from ``HALLQ_ID_HASH_KEY``, or from the file ``HALLQ_ID_HASH_KEY_FILE``, or else from
  ``id_hash_key`` in the key folder, generated on first use. Whoever holds this key and a copy
  of the database can test guesses against the hashes, so it never lives beside the database.

The key folder is ``HALLQ_KEY_DIR`` (default ``$XDG_CONFIG_HOME/hallq`` or ``~/.config/hallq``):
not the working directory, so a server started from another folder finds the same keys. Key
files are created 0600 from their first byte (``os.open`` with a mode) and refused when group or
others may read them.
"""

import os
import secrets
import stat
import tempfile
from pathlib import Path

MIN_KEY_LENGTH = 32


class KeyProblem(RuntimeError):
    """A key is missing, too short, readable by others, or beside the database."""


def default_key_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "hallq"


def check_length(name: str, value: str) -> str:
    if len(value) < MIN_KEY_LENGTH:
        raise KeyProblem(f"{name} must be at least {MIN_KEY_LENGTH} characters "
                        f"(e.g. python3 -c 'import secrets; print(secrets.token_hex(32))')")
    return value


def read_key_file(path: Path) -> str:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyProblem(f"key file {path} is readable by others (mode {oct(mode & 0o777)}): "
                        f"chmod 600 it")
    return check_length(str(path), path.read_text().strip())


def read_or_create_key_file(path: Path) -> str:
    """The key in ``path``; a new random key written there (0600 from the start) if missing.

    The key is written to a private temporary file and then hard-linked into place, so the
    file appears whole or not at all: a second process or thread starting at the same moment
    either links first (and the other reads its key) or reads the finished file, never an empty
    one, and never writes a second key."""
    if path.exists():
        return read_key_file(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:  # another process or thread made it first: use theirs
            pass
    finally:
        os.unlink(temporary)
    return read_key_file(path)


def _database_folder(database_url: str) -> Path | None:
    if not database_url.startswith("sqlite"):
        return None
    path = database_url.split("///", 1)[-1]
    if not path or path == ":memory:":
        return None
    return Path(path).resolve().parent


def id_hash_key_file(settings) -> Path:
    if settings.id_hash_key_file:
        return Path(settings.id_hash_key_file)
    return Path(settings.key_dir or default_key_dir()) / "id_hash_key"


def id_hash_key(settings) -> bytes:
    """The HMAC key for ID numbers (the same derivation as before 0010: ``hallq-id:`` + key, so
    an installation that set ``HALLQ_ID_HASH_KEY`` to its old secret keeps its hashes)."""
    if settings.id_hash_key:
        value = check_length("HALLQ_ID_HASH_KEY", settings.id_hash_key)
    else:
        path = id_hash_key_file(settings)
        folder = _database_folder(settings.database_url)
        if folder is not None and path.resolve().parent == folder:
            raise KeyProblem(f"the ID-hash key file {path} must not be in the database's folder "
                            f"{folder}: a stolen copy of that folder would carry both")
        value = read_or_create_key_file(path)
    return ("hallq-id:" + value).encode()


def session_secret(settings) -> str:
    """``HALLQ_SECRET_KEY``, or the generated one in the key folder."""
    return read_or_create_key_file(Path(settings.key_dir or default_key_dir()) / "secret_key")
