"""The server side of voice calling: one cached :class:`~display.voice.Announcer` per hall
wording, over the hall's clip set.

The clip set lives in ``voice_clips_dir``. When it is missing, the default set is made once
with espeak-ng (into a temporary directory renamed into place, so a second process never sees
half a set); without espeak-ng, announcements raise ``SpeechUnavailable`` and the hall screen
speaks with the browser's speech synthesis. Audio is only ever made when a hall screen asks
for a WAV, never on the call path; under eventlet ``subprocess`` is green, so espeak-ng runs
without blocking other requests. The cache is kept under ``voice_cache_max_bytes``: each use
marks a file's access time, and a new file evicts the least recently used ones over the cap.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from display.settings import DisplaySettings
from display.voice import Announcement, Announcer, SpeechUnavailable
from display.voice.audio import AudioFormatError
from display.voice.clips import CHIME, ClipSetError
from display.voice.generate_default_clips import generate_default_clips
from display.voice.text import Templates

log = logging.getLogger(__name__)


def ensure_default_clips(directory: Path) -> bool:
    """Make the default clip set in ``directory`` unless it has one; False without espeak-ng."""
    directory = Path(directory)
    if (directory / f"{CHIME}.wav").is_file():
        return True
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".voice-clips-", dir=directory.parent))
    try:
        generate_default_clips(staging)
        try:
            os.rename(staging, directory)
        except OSError:  # another process made it first (or an empty directory is there)
            if not (directory / f"{CHIME}.wav").is_file():
                raise
    except (SpeechUnavailable, AudioFormatError, OSError) as error:
        log.warning("no default voice clips in %s: %s", directory, error)
        return False
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("made the default voice clip set in %s", directory)
    return True


def evict_least_recently_used(directory: Path, max_bytes: int, keep: Path) -> int:
    """Delete the least recently used WAVs of ``directory`` until it holds at most
    ``max_bytes`` (``keep`` stays); returns how many files went."""
    files = []
    for entry in os.scandir(directory):
        if entry.name.endswith(".wav") and entry.is_file():
            stat = entry.stat()
            files.append((stat.st_atime, stat.st_size, Path(entry.path)))
    total = sum(size for _, size, _ in files)
    removed = 0
    for _, size, path in sorted(files):
        if total <= max_bytes:
            break
        if path == keep:
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        total -= size
        removed += 1
    return removed


class Announcers:
    """Announcers by hall wording, sharing one clip set and one cache directory."""

    def __init__(self, settings: DisplaySettings):
        self.settings = settings
        self._lock = threading.Lock()
        self._by_templates: dict[Templates, Announcer] = {}
        self._clips_checked = False
        self._clips_dir: Path | None = None

    def for_templates(self, templates: Templates) -> Announcer:
        with self._lock:
            announcer = self._by_templates.get(templates)
            if announcer is None:
                cache = self.settings.voice_cache_dir
                try:
                    announcer = Announcer(cache, self._clip_set(), templates=templates)
                except ClipSetError as error:  # a broken set: espeak-ng alone, said once
                    log.error("voice clip set unusable, using espeak-ng: %s", error)
                    self._clips_dir = None
                    announcer = Announcer(cache, None, templates=templates)
                self._by_templates[templates] = announcer
            return announcer

    def wav_path(self, templates: Templates, announcement: Announcement) -> Path:
        """``announcement``'s cached WAV (made first if needed), marked as just used."""
        announcer = self.for_templates(templates)
        made = not (announcer.cache_dir / f"{announcer.cache_key(announcement)}.wav").exists()
        path = announcer.wav_path(announcement)
        try:
            os.utime(path, (time.time(), path.stat().st_mtime))
        except OSError:  # evicted meanwhile by another process: it is made again next time
            pass
        if made:
            with self._lock:
                evict_least_recently_used(path.parent, self.settings.voice_cache_max_bytes,
                                          keep=path)
        return path

    def _clip_set(self) -> Path | None:
        if not self._clips_checked:
            directory = self.settings.voice_clips_dir
            have = (directory / f"{CHIME}.wav").is_file()
            if not have and self.settings.generate_default_clips:
                have = ensure_default_clips(directory)
            self._clips_dir = directory if have else None
            self._clips_checked = True
        return self._clips_dir
