"""The ``/kiosk`` namespace: a kiosk device's agent (printer, card reader) and its touch page.

Both connect with ``auth={"token": KIOSK_TOKEN, "role": "agent" | "page"}``; anything but a
valid kiosk token is refused. Each joins its device's room for its role, so the jobs, faults and
card reads of one kiosk reach only that kiosk.

- agent: gets every queued job of its kiosk on connect (catch-up), then ``print_ticket`` for
  each new one; answers ``print_result`` {job, ok, fault?}, reports ``printer_status``
  {status, detail?} and ``card_read`` {id_number}.
- page: gets ``kiosk_status`` {agent, printer} on connect and on change, ``ticket_printed``
  {ticket, number, ok, fault} and ``printer_status``, and ``card_read`` {id_number, masked}.

The ID number of a card read is relayed to the paired page over this authenticated socket and
nowhere else: it is never logged, stored or sent to any other room.
"""

import logging
import threading

from flask import current_app, request
from flask_socketio import Namespace, emit, join_room

from queue_server.domain.errors import DomainError
from queue_server.domain.idnumber import mask_id_number
from queue_server.realtime import protocol
from queue_server.realtime.refusal import refuse
from queue_server.services import printing, supervisor
from queue_server.services.accounts import authenticate

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


class KioskNamespace(Namespace):
    def __init__(self, namespace=protocol.KIOSK_NAMESPACE):
        super().__init__(namespace)
        self._lock = threading.Lock()
        self._clients: dict[str, tuple] = {}  # sid -> (principal, role)
        self._agents: dict[int, set] = {}  # device id -> sids of its connected agents
        self._printer: dict[int, dict] = {}  # device id -> last printer status reported

    # ---- connection ----------------------------------------------------------------------

    def on_connect(self, auth=None):
        auth = auth if isinstance(auth, dict) else {}
        role = auth.get("role")
        if role not in protocol.KIOSK_ROLES:
            refuse("invalid_request", "auth.role must be 'agent' or 'page'")
        token = auth.get("token")
        principal = authenticate(current_app.extensions["hallq"], token) \
            if isinstance(token, str) else None
        if principal is None or not principal.is_device("kiosk"):
            refuse("unauthenticated", "a valid kiosk device token is required")
        device = principal.device_id
        if role == "agent":
            supervisor.device_seen(current_app.extensions["hallq"], device_id=device)
        with self._lock:
            self._clients[request.sid] = (principal, role)
            if role == "agent":
                self._agents.setdefault(device, set()).add(request.sid)
        join_room(protocol.kiosk_room(device, role))
        if role == "agent":
            self._status_changed(device)
            for job in printing.queued_jobs(current_app.extensions["hallq"], device):
                emit(protocol.PRINT_TICKET, job)
        else:
            emit(protocol.KIOSK_STATUS, self._status(device))

    def on_disconnect(self, *reason):
        with self._lock:
            principal, role = self._clients.pop(request.sid, (None, None))
            if role == "agent":
                self._agents.get(principal.device_id, set()).discard(request.sid)
        if role == "agent":
            self._status_changed(principal.device_id)

    def _status(self, device: int) -> dict:
        with self._lock:
            agent = bool(self._agents.get(device))
            printer = self._printer.get(device, {"status": "unknown"})
        return {"agent": agent, "printer": printer}

    def _status_changed(self, device: int) -> None:
        emit(protocol.KIOSK_STATUS, self._status(device),
             to=protocol.kiosk_room(device, "page"), namespace=self.namespace)

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
            result = printing.record_result(current_app.extensions["hallq"], principal, data)
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
        detail = data.get("detail") if isinstance(data.get("detail"), str) else ""
        with self._lock:
            before = self._printer.get(principal.device_id, {}).get("status")
            self._printer[principal.device_id] = {"status": status, "detail": detail[:200]}
        ctx = current_app.extensions["hallq"]
        supervisor.device_seen(ctx, device_id=principal.device_id)
        if status != before:  # the minutely heartbeat repeats a status: alerts change on news
            if status in ("paper_out", "offline", "error"):
                log.warning("kiosk %s printer reports %s", principal.name, status)
            _supervise_printer(ctx, principal.device_id, status, detail)
        self._status_changed(principal.device_id)
        return {"ok": True}

    def on_card_read(self, data):
        principal = self._agent()
        number = data.get("id_number") if isinstance(data, dict) else None
        if principal is None or not isinstance(number, str) or len(number) != ID_LENGTH:
            return {"ok": False}
        try:
            masked = mask_id_number(number)
        except ValueError:
            return {"ok": False}
        emit(protocol.CARD_READ, {"id_number": number, "masked": masked},
             to=protocol.kiosk_room(principal.device_id, "page"))
        return {"ok": True}


# ---- pushing fresh jobs after tickets were issued (called by the publisher) ---------------

