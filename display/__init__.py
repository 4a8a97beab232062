"""The hall and window screens: their pages and voice announcements (``display.web``,
``display.voice``; the server's), and the window PC's ``led-agent`` with its keypad bridge
(``display.led_agent``, ``display.keypad_bridge``; shipped alone by ``hallq-agent``)."""
