"""Voice announcements made offline on the server: the wording (:mod:`.text`), a hall's
recorded clip set joined into one WAV (:mod:`.clips`), espeak-ng as the fallback voice
(:mod:`.espeak`) and the caching :class:`~display.voice.tts.Announcer`. See README.md."""

from display.voice.espeak import SpeechUnavailable
from display.voice.text import (Announcement, AnnouncementError, Templates,
                                call_announcement, pause_announcement)
from display.voice.tts import Announcer

__all__ = ["Announcement", "AnnouncementError", "Announcer", "SpeechUnavailable", "Templates",
           "call_announcement", "pause_announcement"]
