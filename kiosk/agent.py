"""``kiosk-agent``: runs on a kiosk's own computer, prints the kiosk's tickets and forwards its
card reader's reads.

    kiosk-agent --server http://hall-server:5000 --token KIOSK_TOKEN --printer usb:0416:5011 \\
                --card-reader evdev:/dev/input/by-id/usb-XXX-event-kbd

The agent connects to the server's ``/kiosk`` namespace with the kiosk's token. The server pushes
``print_ticket`` for every ticket issued with that token, and on every (re)connect every job still
queued: what was issued while the agent was away is printed when it is back. Each job is answered
with ``print_result``, resent until the server acknowledges it; the server settles a job once. A
printer fault is reported as ``printer_status`` and the job as failed (the kiosk page then tells
the citizen to note the number). Card reads go to the server as ``card_read``; the paired page
gets only the server's reference to the swipe and its last 4 characters. The ID number is never
logged.

A ticket is printed once, also across a crash or a power cut: the agent keeps a print journal on
the kiosk's disk (``--journal`` or ``HALLQ_KIOSK_JOURNAL``, by default
``~/.local/state/hallq/kiosk-<hash of server and token prefix>.journal``; see ``kiosk.journal``).
It records a job as ``printing`` (fsync'ed) before the bytes go to the printer and its outcome
(fsync'ed) as soon as the printer returns, then ``acked`` once the server has answered. On every
connect each result the server has not acknowledged is sent again, and a job pushed again whose
outcome is journaled is answered from the journal, never printed again.

One case stays ambiguous: a job journaled as ``printing`` without an outcome, because the agent
died while the printer had it. The slip may be out, cut off half-way, or not printed at all. The
agent prints it again when the server pushes it again (the server pushes only a job whose ticket
still waits today, with fresh figures). Of the two possible mistakes this is the harmless one: a
second slip carries the same number, one place in the queue, served once. Reporting the job as
printed when nothing came out would leave a citizen without a number to wait for, and the kiosk
page, told "printed", would not even ask them to note it. The journal narrows the window to the
printer's own write.

SIGTERM or SIGINT (to the agent or its process group) stops it: it disconnects, lets a print in
progress finish and be journaled, closes the printer, the card reader and the journal (releasing
its lock) and exits 0 (see ``hallq_shared.lifecycle``).

``--crash-at after-print|after-journal`` is fault injection for the end-to-end tests: the agent
kills itself (SIGKILL) right after the printer took its first job, or right after that job's
outcome was journaled.
"""

import argparse
import logging
import os
import queue
import random
import signal
import sys
import threading
import time
from datetime import datetime

import socketio

from hardware.card_reader import open_card_reader
from hardware.printer import PrinterFault, PrinterStatus, TicketPrint, open_printer
from hallq_shared import lifecycle, protocol
from hallq_shared.disconnect import disconnect_for_good
from kiosk.journal import JournalBusy, PrintJournal, default_journal_path

log = logging.getLogger("kiosk.agent")
NS = protocol.KIOSK_NAMESPACE
STATUS_EVERY_S = 10.0
# An unchanged printer status is still reported this often: the server's heartbeat that tells
# the supervisor the kiosk is alive (devices.last_seen_at).
HEARTBEAT_S = 60.0
BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 30.0
# Fault injection for the end-to-end tests (--crash-at): where the agent kills itself (SIGKILL)
# during its first print job.
CRASH_POINTS = ("after-print", "after-journal")


def ticket_print(job: dict, server: str) -> TicketPrint:
    """The printed ticket for a job the server pushed."""
    issued = job.get("issued_at") or ""
    try:
        issued_at = datetime.fromisoformat(issued)
    except ValueError:
        issued_at = issued
    return TicketPrint(
        hall_name=job.get("hall_name", ""), number=job["number"],
        service_name=job.get("service_name", ""), waiting_ahead=int(job.get("waiting_ahead", 0)),
        issued_at=issued_at, estimated_wait_s=job.get("estimated_wait_s") or None,
        tracking_url=job.get("tracking_url") or f"{server.rstrip('/')}/track/{job['track_token']}",
        priority=bool(job.get("priority")), booked=bool(job.get("booked")),
        timezone=job.get("timezone") or "Asia/Shanghai",
    )


class KioskAgent:
    def __init__(self, server: str, token: str, printer, card_reader=None,
                 status_every: float = STATUS_EVERY_S, backoff_max: float = BACKOFF_MAX_S,
                 journal: PrintJournal | None = None, crash_at: str | None = None):
        self.server = server
        self.token = token
        self.printer = printer
        self.card_reader = card_reader
        self.status_every = status_every
        self.backoff_max = backoff_max
        self.journal = journal if journal is not None else PrintJournal(None)
        self.crash_at = crash_at
        # handle_sigint=False: SIGINT and SIGTERM are the main thread's (hallq_shared.lifecycle)
        self.sio = socketio.Client(reconnection=True, reconnection_delay=BACKOFF_FIRST_S,
                                   reconnection_delay_max=backoff_max, randomization_factor=0.5,
                                   handle_sigint=False)
        self.jobs: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._in_flight: set[int] = set()  # jobs queued or at the printer in this process
        self._printer_status: str | None = None
        self._reported_at = 0.0
        self._stopping = threading.Event()
        self._disconnecting = threading.Lock()
        self._dropped = threading.Event()  # the connection was lost (not ended by a stop)
        self._printer_thread: threading.Thread | None = None
        self.sio.on("connect", self._on_connect, namespace=NS)
        self.sio.on("disconnect", self._on_disconnect, namespace=NS)
        self.sio.on(protocol.PRINT_TICKET, self._on_print_ticket, namespace=NS)
        for job_id in self.journal.interrupted():
            log.warning("job %s was at the printer when the agent stopped: printed again if the "
                        "server still has it queued", job_id)

    # ---- connection ----------------------------------------------------------------------

    def run(self) -> None:
        """Connect (retrying with backoff) and serve until ``stop()``."""
        self._printer_thread = threading.Thread(target=self._print_loop, name="kiosk-printer",
                                                daemon=True)
        self._printer_thread.start()
        if self.card_reader is not None:
            self.card_reader.start(self._on_card_read)
        try:
            while not self._stopping.is_set():
                if self._connect() and not self._stopping.is_set():
                    self.sio.wait()  # returns when the client gives up or is told to stop
        finally:
            self._close()

    def _close(self) -> None:
        """Disconnect, let a print in progress be journaled, then close the devices and the
        journal (which releases its lock)."""
        self._stopping.set()
        self.jobs.put(None)
        self._disconnect()
        if self.card_reader is not None:
            self.card_reader.stop()
        if self._printer_thread is not None:
            self._printer_thread.join(lifecycle.GRACE_S / 2)
        self.printer.close()
        self.journal.close()

    def _connect(self) -> bool:
        delay = BACKOFF_FIRST_S
        while not self._stopping.is_set():
            try:
                self.sio.connect(self.server, namespaces=[NS], transports=["websocket"],
                                 auth={"token": self.token, "role": "agent"}, wait_timeout=10)
                return True
            except socketio.exceptions.ConnectionError as error:
                log.warning("cannot reach %s (%s); retrying in %.1f s", self.server, error, delay)
            self._stopping.wait(delay * (0.5 + random.random()))
            delay = min(delay * 2, self.backoff_max)
        return False

    def stop(self) -> None:
        """Make ``run()`` return (called from another thread, never from a signal handler)."""
        self._stopping.set()
        self.jobs.put(None)
        self._disconnect()

    def _disconnect(self) -> None:
        """End the connection and any reconnection attempt, for good."""
        with self._disconnecting:
            disconnect_for_good(self.sio, self._dropped.is_set())

    def _on_connect(self) -> None:
        self._dropped.clear()
        log.info("connected to %s", self.server)
        for result in self.journal.unacknowledged():
            self._send_result(result)
        if self._printer_status is not None:
            self._emit(protocol.PRINTER_STATUS, {"status": self._printer_status})

    def _on_disconnect(self, *reason) -> None:
        if self._stopping.is_set():
            log.info("disconnected from %s", self.server)
        else:
            self._dropped.set()
            log.warning("disconnected from %s; reconnecting", self.server)

    def _emit(self, event: str, data: dict, callback=None) -> bool:
        try:
            self.sio.emit(event, data, namespace=NS, callback=callback)
            return True
        except socketio.exceptions.BadNamespaceError:  # not connected: resent on reconnect
            return False

    # ---- printing ------------------------------------------------------------------------

    def _on_print_ticket(self, job) -> None:
        job_id = job.get("job") if isinstance(job, dict) else None
        if not isinstance(job_id, int):
            return
        with self._lock:
            entry = self.journal.get(job_id)
            done = entry.result if entry is not None else None
            if done is None and job_id not in self._in_flight:
                # New, or interrupted at the printer by a crash: printed (again).
                self._in_flight.add(job_id)
                self.jobs.put(job)
        if done is not None:  # pushed again: answer from the journal, never print again
            self._send_result(done)

    def _print_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                job = self.jobs.get(timeout=self.status_every)
            except queue.Empty:
                self._poll_status()
                continue
            if job is not None:
                self._print(job)

    def _print(self, job: dict) -> None:
        job_id, number = job["job"], job.get("number")
        self.journal.printing(job_id, number)
        try:
            status = self.printer.print_ticket(ticket_print(job, self.server))
            result = {"job": job_id, "ok": True}
            log.info("printed %s (job %s)", number, job_id)
        except PrinterFault as fault:
            status = fault.status
            result = {"job": job_id, "ok": False, "fault": fault.status.value}
            log.warning("ticket %s not printed: %s", number, fault)
        except Exception as error:  # a driver bug must not stop the agent
            status = None
            result = {"job": job_id, "ok": False, "fault": "error"}
            log.exception("ticket %s not printed: %s", number, type(error).__name__)
        self._crash_if("after-print")
        self.journal.outcome(result, number)
        with self._lock:  # from here a push again is answered from the journal
            self._in_flight.discard(job_id)
        self._crash_if("after-journal")
        self._report_status(status.value if status is not None else "error")
        self._send_result(result)

    def _crash_if(self, point: str) -> None:
        if self.crash_at == point:
            log.warning("--crash-at %s: killing the agent", point)
            os.kill(os.getpid(), signal.SIGKILL)

    def _send_result(self, result: dict) -> None:
        job_id = result["job"]

        def acknowledged(answer=None):
            self.journal.acknowledged(job_id)

        self._emit(protocol.PRINT_RESULT, result, callback=acknowledged)

    def _poll_status(self) -> None:
        try:
            status = self.printer.status().value
        except Exception as error:  # the status query itself failed: the printer is away
            log.warning("printer status query failed: %s", type(error).__name__)
            status = PrinterStatus.OFFLINE.value
        self._report_status(status)

    def _report_status(self, status: str) -> None:
        now = time.monotonic()
        if status == self._printer_status and now - self._reported_at < HEARTBEAT_S:
            return
        self._printer_status, self._reported_at = status, now
        self._emit(protocol.PRINTER_STATUS, {"status": status})

    # ---- card reader ---------------------------------------------------------------------

    def _on_card_read(self, read) -> None:
        if read.kind != "id_number":
            log.info("card read of kind %s ignored: the kiosk takes ID cards", read.kind)
            return
        if not self._emit(protocol.CARD_READ, {"id_number": read.value}):
            log.warning("card read dropped: not connected to the server")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="kiosk-agent", description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", required=True, help="the queue server, e.g. http://host:5000")
    parser.add_argument("--token", default=os.environ.get("HALLQ_KIOSK_TOKEN"),
                        help="the kiosk's device token (or HALLQ_KIOSK_TOKEN)")
    parser.add_argument("--printer", required=True,
                        help="usb:VID:PID, network:HOST[:PORT], serial:DEV[:BAUD], file:PATH, "
                             "dummy, virtual:DIR, fake[:DIR] (options after ?, e.g. ?roll=58mm)")
    parser.add_argument("--card-reader", default="none",
                        help="evdev:PATH, fake[:DIR] or none (default)")
    parser.add_argument("--journal", default=os.environ.get("HALLQ_KIOSK_JOURNAL"),
                        help="the print journal (or HALLQ_KIOSK_JOURNAL; default "
                             "$XDG_STATE_HOME/hallq/kiosk-<hash>.journal, ~/.local/state by "
                             "default)")
    parser.add_argument("--crash-at", choices=CRASH_POINTS,
                        help="testing only: kill the agent (SIGKILL) right after the printer "
                             "took the first job's bytes, or right after its outcome was "
                             "journaled")
    parser.add_argument("--log-level", default=os.environ.get("HALLQ_LOG_LEVEL", "INFO"))
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("--token (or HALLQ_KIOSK_TOKEN) is required")
    return args


def main(argv=None) -> int:
    lifecycle.block_stop_signals()  # a stop signal during start-up waits until we serve
    try:
        agent = _start(argv)
    except BaseException:
        lifecycle.unblock_stop_signals()
        raise
    return lifecycle.serve_until_signalled(agent.run, agent.stop, "kiosk-agent")


def _start(argv) -> KioskAgent:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    path = args.journal or default_journal_path(args.server, args.token)
    try:
        journal = PrintJournal.open(path)
    except (JournalBusy, OSError) as error:
        raise SystemExit(f"kiosk-agent: cannot use the print journal {path}: {error}") from None
    return KioskAgent(args.server, args.token, open_printer(args.printer),
                      open_card_reader(args.card_reader), journal=journal,
                      crash_at=args.crash_at)


if __name__ == "__main__":
    sys.exit(main())
