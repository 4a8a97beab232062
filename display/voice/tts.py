"""The announcer: turns a call or a pause into a WAV file, cached on disk by its text.

Audio comes from the hall's clip set when one is configured and covers every word (see
:mod:`display.voice.clips`), else from espeak-ng (:mod:`display.voice.espeak`) with a
synthesized chime in front. Files are cached in ``cache_dir`` as ``<key>.wav``, where the key
is a hash of the spoken text, the voice (clip set fingerprint or espeak-ng voice and speed) and
the repeat count, so the same call is made once and a changed clip set makes new files. When
neither source can speak, :class:`~display.voice.espeak.SpeechUnavailable` is raised and the
hall screen should use the browser's speech synthesis with :attr:`Announcement.display`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

from display.voice import audio, espeak
from display.voice.clips import ClipSet, MissingClip, assemble
from display.voice.espeak import SpeechUnavailable
from display.voice.text import (Announcement, Templates, call_announcement,
                                pause_announcement)

log = logging.getLogger(__name__)

__all__ = ["Announcer", "SpeechUnavailable"]


class Announcer:
    """Makes and caches announcement WAVs for one hall's templates."""

    def __init__(self, cache_dir: str | Path, clips_dir: str | Path | None = None,
                 templates: Templates = Templates(), voice: str = espeak.DEFAULT_VOICE,
                 speed: int = espeak.DEFAULT_SPEED,
                 executable: str = espeak.DEFAULT_EXECUTABLE):
        self.cache_dir = Path(cache_dir)
        if clips_dir is not None and self.cache_dir.resolve() == Path(clips_dir).resolve():
            raise ValueError("the cache directory must not be the clip set directory")
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.clips = ClipSet(clips_dir) if clips_dir is not None else None
        self.templates = templates
        self.voice, self.speed, self.executable = voice, speed, executable

    def call(self, number: str, window: str, recall: bool = False) -> Path:
        """The WAV file announcing ticket ``number`` at ``window``."""
        return self.wav_path(call_announcement(number, window, self.templates, recall))

    def pause(self, window: str) -> Path:
        """The WAV file announcing that ``window`` has paused its service."""
        return self.wav_path(pause_announcement(window, self.templates))

    def wav_bytes(self, announcement: Announcement) -> bytes:
        """The WAV file bytes of ``announcement``."""
        return self.wav_path(announcement).read_bytes()

    def wav_path(self, announcement: Announcement) -> Path:
        """The cached WAV file of ``announcement``, made first if needed."""
        use_clips = self._clips_cover(announcement.speech)
        path = self.cache_dir / f"{self.cache_key(announcement, use_clips)}.wav"
        if not path.exists():
            data = (self.clips.render(announcement.speech, announcement.repeat) if use_clips
                    else self._espeak_wav(announcement))
            _write_atomically(path, data)
        return path

    def cache_key(self, announcement: Announcement, use_clips: bool | None = None) -> str:
        """The hash naming ``announcement``'s file: text, voice and repeat count."""
        if use_clips is None:
            use_clips = self._clips_cover(announcement.speech)
        voice = (f"clips:{self.clips.fingerprint()}" if use_clips
                 else f"espeak:{self.voice}:{self.speed}")
        material = json.dumps([announcement.speech, voice, announcement.repeat],
                              ensure_ascii=False)
        return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]

    def _clips_cover(self, speech: str) -> bool:
        if self.clips is None:
            return False
        try:
            self.clips.tokens(speech)
        except MissingClip as exc:
            log.info("clip set cannot speak this text, using espeak-ng: %s", exc)
            return False
        return True

    def _espeak_wav(self, announcement: Announcement) -> bytes:
        fmt, frames = espeak.synthesize(announcement.speech, self.voice, self.speed,
                                        self.executable)
        if (fmt.width, fmt.channels) != (2, 1):
            raise SpeechUnavailable(f"espeak-ng wrote {fmt}, expected 16-bit mono")
        frames = audio.trim_silence(frames, fmt.rate)
        return audio.wav_bytes(fmt, assemble(fmt, audio.chime(fmt.rate), [frames],
                                             announcement.repeat))


def _write_atomically(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so readers never see half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
