"""Makes the default clip set with espeak-ng and a synthesized chime.

Usage: ``python -m display.voice.generate_default_clips DIR`` (or call
:func:`generate_default_clips`). Every clip named in :mod:`display.voice.clips` is spoken by
espeak-ng's ``cmn-latn-pinyin`` voice from pinyin with tone numbers (letters from the capital
letter itself, which that voice reads by its Chinese name), trimmed of leading and trailing
silence and resampled from espeak-ng's 22050 Hz to 16 kHz 16-bit mono. ``chime.wav`` is two
decaying sine tones. A recorded set in the same format can replace any file.
"""

from __future__ import annotations

import argparse
import string
import sys
from pathlib import Path

from display.voice import audio, espeak
from display.voice.clips import CHIME

DIGIT_PINYIN = ("ling2", "yi1", "er4", "san1", "si4", "wu3", "liu4", "qi1", "ba1", "jiu3")
DEFAULT_CLIP_TEXT: dict[str, str] = {
    **{f"digit_{value}": pinyin for value, pinyin in enumerate(DIGIT_PINYIN)},
    **{f"letter_{letter}": letter for letter in string.ascii_uppercase},
    "shi": "shi2", "qing": "qing3", "hao_dao": "hao4 dao4", "hao": "hao4", "dao": "dao4",
    "chuangkou": "chuang1 kou3", "banli": "ban4 li3", "zanting_fuwu": "zan4 ting2 fu2 wu4",
    "chonghu": "chong2 hu1",
}


def generate_default_clips(directory: str | Path, *, rate: int = audio.MONO16_16K.rate,
                           voice: str = espeak.DEFAULT_VOICE, speed: int = espeak.DEFAULT_SPEED,
                           executable: str = espeak.DEFAULT_EXECUTABLE) -> list[Path]:
    """Write the default clip set (16-bit mono at ``rate``) into ``directory``; return paths."""
    espeak.find_espeak(executable)  # fail before writing anything
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    fmt = audio.AudioFormat(rate=rate, width=2, channels=1)
    written = [_write(directory / f"{CHIME}.wav", fmt, audio.chime(rate))]
    for name, text in DEFAULT_CLIP_TEXT.items():
        spoken_format, frames = espeak.synthesize(text, voice, speed, executable)
        if (spoken_format.width, spoken_format.channels) != (2, 1):
            raise audio.AudioFormatError(f"espeak-ng wrote {spoken_format}, expected 16-bit mono")
        frames = audio.trim_silence(frames, spoken_format.rate)
        frames = audio.resample(frames, spoken_format.rate, rate)
        written.append(_write(directory / f"{name}.wav", fmt, frames))
    return written


def _write(path: Path, fmt: audio.AudioFormat, frames: bytes) -> Path:
    path.write_bytes(audio.wav_bytes(fmt, frames))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m display.voice.generate_default_clips",
        description="Make the default voice clip set with espeak-ng.")
    parser.add_argument("directory", type=Path, help="where to write the WAV files")
    parser.add_argument("--rate", type=int, default=audio.MONO16_16K.rate,
                        help="sample rate in Hz (default 16000)")
    parser.add_argument("--speed", type=int, default=espeak.DEFAULT_SPEED,
                        help="espeak-ng words per minute (default %(default)s)")
    args = parser.parse_args(argv)
    try:
        paths = generate_default_clips(args.directory, rate=args.rate, speed=args.speed)
    except (espeak.SpeechUnavailable, audio.AudioFormatError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(paths)} clips to {args.directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
