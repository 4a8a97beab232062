"""Background duties of a serving process: re-checking the tokens of open sockets
(``revocation.sweep``, every ``socket_recheck_s``) and forgetting expired ID hashes
(``privacy.purge_id_hashes``, hourly) for issue 16; keeping this process's kiosk agents alive
in the database and sweeping those of dead processes (``kiosk.sweep_presence``, every
``kiosk_presence.REFRESH_S``) for issue 14."""

import logging
import time

from queue_server.realtime import revocation
from queue_server.realtime.kiosk import sweep_presence
from queue_server.services import day_end, kiosk_presence, privacy

log = logging.getLogger(__name__)
PURGE_EVERY_S = 3600.0


def start_maintenance(app):
    ctx = app.extensions["hallq"]
    socketio = app.extensions["socketio"]
    recheck = ctx.settings.socket_recheck_s  # 0 = no re-check (the purge still runs)
    interval = min(recheck if recheck > 0 else 60.0, kiosk_presence.REFRESH_S)

    def loop():
        last_purge = last_presence = float("-inf")
        while True:
            socketio.sleep(interval)
            try:
                if recheck > 0:
                    with app.app_context():
                        revocation.sweep(app)
                if time.monotonic() - last_presence >= kiosk_presence.REFRESH_S * 0.9:
                    last_presence = time.monotonic()
                    sweep_presence(app)
                if time.monotonic() - last_purge >= PURGE_EVERY_S:
                    last_purge = time.monotonic()
                    privacy.purge_id_hashes(ctx)
                    privacy.purge_bookings(ctx)
                    day_end.purge_queue_lengths(ctx)
            except Exception:  # retried at the next pass
                log.exception("maintenance pass failed")

    return socketio.start_background_task(loop)
