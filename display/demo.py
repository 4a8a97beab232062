"""What the demo hall (``queue-server demo``) needs from the display package: the default voice
clips made once (espeak-ng), and the lines telling the user where the screens are."""

import shlex
import sys
from pathlib import Path

from display.announcers import ensure_default_clips
from display.settings import load_display_settings


def led_agent_command() -> str:
    """How to run ``led-agent`` from this installation, runnable as printed: the console script
    next to this interpreter (a virtualenv's ``bin/`` is seldom on PATH), else the module."""
    script = Path(sys.executable).absolute().with_name("led-agent")
    if script.exists():
        return shlex.quote(str(script))
    return f"{shlex.quote(str(Path(sys.executable).absolute()))} -m display.led_agent"


def prepare_display_demo(base_url: str, hall, led_window: int | None = None,
                         screen_token: str | None = None, led_token: str | None = None
                         ) -> list[str]:
    """Make the default clip set if missing; return the demo banner lines for the screens."""
    clips = load_display_settings().voice_clips_dir
    voice = (f"server voice from {clips}" if ensure_default_clips(clips)
             else "no espeak-ng: the hall screen speaks with the browser's voice")
    led_window = led_window or (hall.windows[0].number if hall.windows else 1)
    lines = [f"  Hall screen      {base_url}/display/{hall.code}   (English: ?lang=en; {voice})"]
    if screen_token:
        lines.append(f"                   pair it once with ?token={screen_token} (heartbeats: "
                     f"the dashboard warns when it goes dark)")
    lines += [f"  Window screen    {base_url}/display/{hall.code}/window/{w.number}"
              for w in hall.windows[:2]]
    if len(hall.windows) > 2:
        lines.append(f"                   … /window/1 to /window/{hall.windows[-1].number}")
    lines.append(f"  LED sign agent   {led_agent_command()} --server {base_url} "
                 f"--hall {hall.code} --window {led_window} --sign console"
                 + (f" --token {led_token}" if led_token else ""))
    return lines
