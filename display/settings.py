"""Settings of the display package (hall screens, voice), from ``HALLQ_*`` environment variables.

``HALLQ_VOICE_CACHE_DIR`` (default ``instance/voice-cache``) holds the generated announcement
WAVs, at most ``HALLQ_VOICE_CACHE_MB`` megabytes (default 200; the least recently used files
go first); ``HALLQ_VOICE_CLIPS_DIR`` (default ``instance/voice-clips``) the hall's clip set, made
with the default generated set at first use when missing and espeak-ng is installed. Relative
paths are relative to the server's working directory (resolved at start), like the default
database.
"""

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CACHE_DIR = Path("instance") / "voice-cache"
DEFAULT_CLIPS_DIR = Path("instance") / "voice-clips"
DEFAULT_CACHE_MB = 200


@dataclass(frozen=True)
class DisplaySettings:
    voice_cache_dir: Path = DEFAULT_CACHE_DIR
    voice_clips_dir: Path = DEFAULT_CLIPS_DIR
    # Make the default clip set with espeak-ng when the clip directory is missing.
    generate_default_clips: bool = True
    # The cache's size cap; a call's WAV is ~100-450 KB.
    voice_cache_max_bytes: int = DEFAULT_CACHE_MB * 1024 * 1024


def load_display_settings(overrides: dict | None = None, environ=None) -> DisplaySettings:
    environ = os.environ if environ is None else environ
    values: dict = {}
    if environ.get("HALLQ_VOICE_CACHE_DIR"):
        values["voice_cache_dir"] = Path(environ["HALLQ_VOICE_CACHE_DIR"])
    if environ.get("HALLQ_VOICE_CLIPS_DIR"):
        values["voice_clips_dir"] = Path(environ["HALLQ_VOICE_CLIPS_DIR"])
    if environ.get("HALLQ_VOICE_GENERATE_CLIPS"):
        values["generate_default_clips"] = environ["HALLQ_VOICE_GENERATE_CLIPS"] not in ("0", "")
    if environ.get("HALLQ_VOICE_CACHE_MB"):
        values["voice_cache_max_bytes"] = int(float(environ["HALLQ_VOICE_CACHE_MB"]) * 1024 * 1024)
    values.update(overrides or {})
    for key in ("voice_cache_dir", "voice_clips_dir"):
        values[key] = Path(values.get(key, getattr(DisplaySettings, key))).resolve()
    return DisplaySettings(**values)
