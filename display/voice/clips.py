"""Joins a hall's recorded clips into one announcement WAV (standard library ``wave`` only).

Clip set format: one directory of PCM WAV files, one spoken token per file, all in the same
format (same sample rate, sample width and channel count; 16 kHz, 16-bit, mono recommended).
File names (the stem is the clip name)::

    chime.wav                       played once before every announcement (required)
    digit_0.wav ... digit_9.wav     零 一 二 三 四 五 六 七 八 九 (also 0-9)
    shi.wav                         十  (window numbers 10-99: 十二, 二十三)
    letter_A.wav ... letter_Z.wav   ticket prefixes, read as letter names (A = "ei")
    qing.wav                        请
    hao_dao.wav                     号到
    hao.wav                         号
    dao.wav                         到
    chuangkou.wav                   窗口
    banli.wav                       办理
    zanting_fuwu.wav                暂停服务
    chonghu.wav                     重呼

A hall may add clips for its own words (e.g. window names such as 综合窗口) with a UTF-8
``phrases.txt`` in the same directory, one ``PHRASE=clip_name`` per line (``#`` starts a
comment), e.g. ``综合=zonghe`` for ``zonghe.wav``.

The spoken text (see :mod:`display.voice.text`) is cut into clips by longest match (号到 before
号); punctuation and spaces become a short pause; a character no clip covers raises
:class:`MissingClip`, so the caller can fall back to espeak-ng. Only the clips a call needs must
exist. The result is::

    chime, 300 ms, then ``repeat`` times the tokens with 60 ms between tokens
    (a pause token is 250 ms of silence), with 800 ms between repetitions
"""

from __future__ import annotations

import hashlib
import string
from pathlib import Path

from display.voice.audio import AudioFormat, AudioFormatError, read_wav, silence, wav_bytes

CHIME = "chime"
AFTER_CHIME_MS = 300
GAP_MS = 60
PAUSE_MS = 250
REPEAT_GAP_MS = 800
PHRASES_FILE = "phrases.txt"
PAUSE = None  # the token of a punctuation pause
PAUSE_CHARACTERS = frozenset(" \t\n，,。.、；;：:！!？?（）()【】[]-—")

CLIP_PHRASES: dict[str, str] = {
    **{digit: f"digit_{value}" for value, digit in enumerate("零一二三四五六七八九")},
    **{digit: f"digit_{digit}" for digit in string.digits},
    **{letter: f"letter_{letter}" for letter in string.ascii_uppercase},
    **{letter.lower(): f"letter_{letter}" for letter in string.ascii_uppercase},
    "十": "shi", "请": "qing", "号到": "hao_dao", "号": "hao", "到": "dao",
    "窗口": "chuangkou", "办理": "banli", "暂停服务": "zanting_fuwu", "重呼": "chonghu",
}


class ClipSetError(AudioFormatError):
    """A clip set that cannot be used: missing chime, unreadable files, mixed formats."""


class MissingClip(LookupError):
    """The text has a part no clip in the set can speak."""


class ClipSet:
    """A directory of clips, checked once when loaded."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        if not (self.directory / f"{CHIME}.wav").is_file():
            raise ClipSetError(f"clip set {self.directory} has no {CHIME}.wav")
        self.clips: dict[str, bytes] = {}
        formats: dict[AudioFormat, list[str]] = {}
        for path in sorted(self.directory.glob("*.wav")):
            fmt, frames = read_wav(path)
            self.clips[path.stem] = frames
            formats.setdefault(fmt, []).append(path.name)
        if len(formats) > 1:
            found = "; ".join(f"{fmt}: {', '.join(names[:3])}{' ...' if len(names) > 3 else ''}"
                              for fmt, names in formats.items())
            raise ClipSetError(f"clips in {self.directory} must share one format, found {found}")
        self.format = next(iter(formats))
        self.phrases = {**CLIP_PHRASES, **read_phrases(self.directory / PHRASES_FILE)}
        self._longest = max(len(phrase) for phrase in self.phrases)

    def fingerprint(self) -> str:
        """Changes whenever a clip or the phrase list changes (for caches)."""
        digest = hashlib.sha256()
        for path in sorted(self.directory.glob("*.wav")) + [self.directory / PHRASES_FILE]:
            if path.exists():
                stat = path.stat()
                digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
        return digest.hexdigest()[:16]

    def tokens(self, speech: str) -> list[str | None]:
        """Clip names for ``speech`` (``None`` = pause), or MissingClip."""
        tokens: list[str | None] = []
        i = 0
        while i < len(speech):
            if speech[i] in PAUSE_CHARACTERS:
                tokens.append(PAUSE)
                i += 1
                continue
            clip, length = self._match(speech, i)
            tokens.append(clip)
            i += length
        return _tidy_pauses(tokens)

    def _match(self, speech: str, start: int) -> tuple[str, int]:
        for length in range(min(self._longest, len(speech) - start), 0, -1):
            clip = self.phrases.get(speech[start:start + length])
            if clip is not None and clip in self.clips:
                return clip, length
        raise MissingClip(f"no clip in {self.directory} speaks {speech[start]!r} "
                          f"(in {speech!r})")

    def render(self, speech: str, repeat: int = 1) -> bytes:
        """The WAV file bytes of ``speech`` said ``repeat`` times after the chime."""
        parts = [self.clips[token] if token is not PAUSE else silence(self.format, PAUSE_MS)
                 for token in self.tokens(speech)]
        return wav_bytes(self.format,
                         assemble(self.format, self.clips[CHIME], parts, repeat))


def assemble(fmt: AudioFormat, chime: bytes, parts: list[bytes], repeat: int) -> bytes:
    """Raw frames: chime, pause, then ``parts`` (gap-separated) ``repeat`` times."""
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    once = silence(fmt, GAP_MS).join(parts)
    return chime + silence(fmt, AFTER_CHIME_MS) + silence(fmt, REPEAT_GAP_MS).join(
        [once] * repeat)


def read_phrases(path: Path) -> dict[str, str]:
    """The hall's extra ``PHRASE=clip_name`` lines, if the file exists."""
    if not path.is_file():
        return {}
    phrases = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        phrase, sep, clip = (part.strip() for part in line.partition("="))
        if not sep or not phrase or not clip:
            raise ClipSetError(f"{path}:{number}: expected PHRASE=clip_name")
        phrases[phrase] = clip
    return phrases


def _tidy_pauses(tokens: list[str | None]) -> list[str | None]:
    """No pause at either end and never two pauses in a row."""
    tidy: list[str | None] = []
    for token in tokens:
        if token is PAUSE and (not tidy or tidy[-1] is PAUSE):
            continue
        tidy.append(token)
    while tidy and tidy[-1] is PAUSE:
        tidy.pop()
    return tidy
