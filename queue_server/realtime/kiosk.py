"""The ``/kiosk`` namespace: a kiosk device's agent (printer, card reader) and its touch page.

Both connect with ``auth={"token": KIOSK_TOKEN, "role": "agent" | "page"}``; anything but a
valid kiosk token is refused. Each joins its device's room for its role, so the jobs, faults and
card reads of one kiosk reach only that kiosk.

- agent: gets every queued job of its kiosk on connect (catch-up), then ``print_ticket`` for
  each new one; answers ``print_result`` {job, ok, fault?}, reports ``printer_status``
  {status, detail?} and ``card_read`` {id_number}.
- page: gets ``kiosk_status`` {agent, printer} on connect and on change, ``ticket_printed``
  {ticket, number, ok, fault} and ``printer_status``, and ``card_read`` {ref, masked}.

The full ID number of a card read stays between the agent and the server: the server keeps its
keyed hash under a short-lived reference (``services.card_reads``) and the page gets only that
reference and the last 4 characters, with which it issues the ticket (``card_ref``). The number
is never logged, stored in clear or sent to any room.
"""

import logging
import threading

from flask import current_app, request
from flask_socketio import emit

from queue_server.domain.commands import PrintResult
from queue_server.domain.errors import DomainError, invalid_request
from queue_server.realtime import protocol
from queue_server.realtime.base import AuthenticatedNamespace, Seat
from queue_server.services import card_reads, kiosk_presence, printing, supervisor

log = logging.getLogger(__name__)
ID_LENGTH = 18


PRINTER_FAULT_ALERTS = {"paper_out": "red", "offline": "red", "error": "red",
                        "paper_low": "yellow"}


def _supervise_printer(ctx, device_id: int, status: str, detail: str) -> None:
    """A changed printer status raises or clears the kiosk's device-fault alerts."""
    if status == "unknown":
        return  # the printer cannot say: neither a fault nor proof of health
    for fault, level in PRINTER_FAULT_ALERTS.items():
        if fault == status:
            supervisor.raise_device_fault(ctx, device_id, fault, detail or None, level=level)
        else:
            supervisor.clear_device_fault(ctx, device_id, fault)


class KioskNamespace(AuthenticatedNamespace):
    accepts = ("device:kiosk",)
    unauthenticated_message = "a valid kiosk device token is required"

    def __init__(self, namespace=protocol.KIOSK_NAMESPACE):
        super().__init__(namespace)
        self._lock = threading.Lock()
        # sid -> (principal, role) of this process's sockets. Whether a kiosk's agent is
        # connected, and to which process, is in the database (services.kiosk_presence).
        self._clients: dict[str, tuple] = {}

    # ---- connection ----------------------------------------------------------------------

    def check_request(self, ctx, auth):
        role = auth.get("role")
        if role not in protocol.KIOSK_ROLES:
            raise invalid_request("auth.role must be 'agent' or 'page'")
        return role

    def admit(self, ctx, principal, auth, role):
        return Seat((protocol.kiosk_room(principal.device_id, role),), detail=role)

    def welcome(self, ctx, principal, seat):
        device, role = principal.device_id, seat.detail
        with self._lock:
            self._clients[request.sid] = (principal, role)
        if role == "agent":
            supervisor.device_seen(ctx, device_id=device)
            kiosk_presence.agent_connected(ctx, request.sid, device)
            push_kiosk_status(ctx, device)
            for job in printing.queued_jobs(ctx, device):
                emit(protocol.PRINT_TICKET, job)
        else:
            emit(protocol.KIOSK_STATUS, kiosk_presence.kiosk_status(ctx, device))

    def on_disconnect(self, *reason):
        with self._lock:
            principal, role = self._clients.pop(request.sid, (None, None))
        if role == "agent":
            ctx = current_app.extensions["hallq"]
            kiosk_presence.agent_disconnected(ctx, request.sid)
            push_kiosk_status(ctx, principal.device_id)

    def _agent(self):
        principal, role = self._clients.get(request.sid, (None, None))
        return principal if role == "agent" else None

    # ---- agent → server ------------------------------------------------------------------

    def on_print_result(self, data):
        principal = self._agent()
        if principal is None:
            return {"ok": False, "error": "forbidden"}
        supervisor.device_seen(current_app.extensions["hallq"], device_id=principal.device_id)
        try:
            result = printing.record_result(current_app.extensions["hallq"], principal,
                                            PrintResult.from_body(data))
        except DomainError as error:
            return {"ok": False, "error": error.code}
        if result["changed"]:
            emit(protocol.TICKET_PRINTED,
                 {k: result[k] for k in ("ticket", "number", "ok", "fault")},
                 to=protocol.kiosk_room(principal.device_id, "page"))
        return {"ok": True, "status": result["status"]}

    def on_printer_status(self, data):
        principal = self._agent()
        status = data.get("status") if isinstance(data, dict) else None
        if principal is None or status not in printing.PRINTER_STATES:
            return {"ok": False}
        detail = (data.get("detail") if isinstance(data.get("detail"), str) else "")[:200]
        ctx = current_app.extensions["hallq"]
        supervisor.device_seen(ctx, device_id=principal.device_id)
        before = kiosk_presence.printer_reported(ctx, principal.device_id, status, detail)
        if status != before:  # the minutely heartbeat repeats a status: alerts change on news
            if status in ("paper_out", "offline", "error"):
                log.warning("kiosk %s printer reports %s", principal.name, status)
            _supervise_printer(ctx, principal.device_id, status, detail)
        push_kiosk_status(ctx, principal.device_id)
        return {"ok": True}

    def on_card_read(self, data):
        principal = self._agent()
        number = data.get("id_number") if isinstance(data, dict) else None
        if principal is None or not isinstance(number, str) or len(number) != ID_LENGTH:
            return {"ok": False}
        try:
            read = card_reads.keep_swipe(current_app.extensions["hallq"], principal.device_id,
                                         number)
        except DomainError as error:
            return {"ok": False, "error": error.code}
        emit(protocol.CARD_READ, read, to=protocol.kiosk_room(principal.device_id, "page"))
        return {"ok": True}


# ---- kiosk_status to the pages, whichever process serves them ------------------------------

def push_kiosk_status(ctx, device_id: int, socketio=None) -> None:
    """The kiosk's status as the database has it, to its pages in every process (through the
    message queue when one is set)."""
    socketio = socketio or current_app.extensions["socketio"]
    socketio.emit(protocol.KIOSK_STATUS, kiosk_presence.kiosk_status(ctx, device_id),
                  namespace=protocol.KIOSK_NAMESPACE, to=protocol.kiosk_room(device_id, "page"))


def sweep_presence(app) -> set[int]:
    """One ``kiosk_presence.keep_alive`` pass (maintenance.py, every ``REFRESH_S``): pages of
    kiosks whose agents' process died hear that the agent is gone. Returns those kiosks."""
    ctx = app.extensions["hallq"]
    swept = kiosk_presence.keep_alive(ctx)
    for device in swept:
        push_kiosk_status(ctx, device, app.extensions["socketio"])
    return swept
