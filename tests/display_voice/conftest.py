"""Fixtures for the voice tests: espeak-ng (a skip on a workstation without it, a failure in
CI) and small synthetic clip sets whose lengths the tests can count."""

import shutil

import pytest

from display.voice.audio import AudioFormat, wav_bytes
from tests.conftest import require_services

CLIP_FORMAT = AudioFormat(rate=8000, width=2, channels=1)


@pytest.fixture(scope="session")
def espeak_ng() -> str:
    path = shutil.which("espeak-ng")
    if path is None:
        if require_services():
            pytest.fail("espeak-ng is required (apt-get install espeak-ng); "
                        "HALLQ_REQUIRE_SERVICES=1 or CI=true")
        pytest.skip("espeak-ng is not installed")
    return path


def write_clip(directory, name, frames, fmt=CLIP_FORMAT):
    """A clip of ``frames`` frames whose samples are all 1000 (audible, easy to count)."""
    sample = (1000).to_bytes(fmt.width, "little", signed=True) * fmt.channels
    (directory / f"{name}.wav").write_bytes(wav_bytes(fmt, sample * frames))


@pytest.fixture
def clip_dir(tmp_path):
    """A clip set for the default call: clip i of the list is 100 * (i + 1) frames long."""
    names = ["chime", "qing", "hao_dao", "hao", "dao", "chuangkou", "banli", "zanting_fuwu",
             "chonghu", "shi", "letter_A", "letter_B"] + [f"digit_{d}" for d in range(10)]
    directory = tmp_path / "clips"
    directory.mkdir()
    for index, name in enumerate(names):
        write_clip(directory, name, 100 * (index + 1))
    return directory
