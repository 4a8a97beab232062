"""The touch kiosk: its page (``kiosk.web``), the citizen's tracking page (the server's), and
the kiosk agent (``kiosk.agent``, on the kiosk PC; shipped alone by ``hallq-agent``) that prints
the kiosk's tickets and forwards its card reader's reads."""
