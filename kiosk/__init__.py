"""The touch kiosk: its page (``kiosk.web``), the citizen's tracking page, and the kiosk agent
(``kiosk.agent``) that prints the kiosk's tickets and forwards its card reader's reads."""
