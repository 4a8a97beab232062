"""Helpers for the display end-to-end tests and the display benchmark: a voice clip set made
once per session, a deployed hall whose server finds it, and window actions over HTTP."""

import shutil
from pathlib import Path

from tests.e2e.serverproc import ApiClient

CLIPS_SUBDIR = Path("instance") / "voice-clips"


def make_clip_set(directory: Path) -> Path:
    """The default clip set (espeak-ng) or, without espeak-ng, silent-free synthetic tones."""
    from display.announcers import ensure_default_clips

    if ensure_default_clips(directory):
        return directory
    from display.voice.audio import MONO16_16K, wav_bytes
    from display.voice.clips import CLIP_PHRASES

    directory.mkdir(parents=True, exist_ok=True)
    tone = (3000).to_bytes(2, "little", signed=True) * 3200  # 0.2 s
    for name in {"chime", *CLIP_PHRASES.values()}:
        (directory / f"{name}.wav").write_bytes(wav_bytes(MONO16_16K, tone))
    return directory


def install_clips(clips: Path, server_cwd: Path) -> None:
    """Give servers started in ``server_cwd`` the clip set (they look in ./instance/)."""
    target = server_cwd / CLIPS_SUBDIR
    if not target.exists():
        shutil.copytree(clips, target)


class Hall:
    """Window actions and ticket issuing for one deployment, through the public API."""

    def __init__(self, deployment):
        self.deployment = deployment
        self.code = deployment.hall.code
        self._clients: dict[int, ApiClient] = {}

    def _staff(self, window: int) -> ApiClient:
        if window not in self._clients:
            self._clients[window] = ApiClient(self.deployment.url,
                                              self.deployment.token(self.deployment.hall.staff[window]))
        return self._clients[window]

    def issue(self, service: str = "A") -> dict:
        with ApiClient(self.deployment.url, self.deployment.hall.kiosk_token) as kiosk:
            status, body = kiosk.request("POST", f"/api/v1/halls/{self.code}/tickets",
                                         {"service": service})
        assert status == 201, body
        return body

    def act(self, window: int, action: str, body=None) -> dict:
        status, answer = self._staff(window).request(
            "POST", f"/api/v1/halls/{self.code}/windows/{window}/{action}", body)
        assert status == 200, answer
        return answer

    def call_next(self, window: int) -> str:
        return self.act(window, "call-next")["ticket"]["number"]

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()
