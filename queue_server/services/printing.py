"""Print jobs: every ticket a kiosk issues is printed by that kiosk's agent, exactly once.

A job is created in the transaction that issues the ticket (``queue_job``), so a kiosk ticket
never exists without its job. After the commit the issuing use case publishes the job
(``payload_from_view``: built from the issue's own figures, no extra query) and the publisher
pushes it to the kiosk's agent; an agent that connects gets every queued job of its kiosk
(``queued_jobs``: the catch-up after a restart or an outage). The agent's answer settles a job
as printed or failed with one conditional UPDATE (``record_result``): a repeated or late answer
changes nothing, so a job is settled exactly once.
"""

from queue_server.domain.commands import PRINT_FAULTS, PrintResult
from queue_server.domain.errors import DomainError
from queue_server.services import estimates, queues
from queue_server.storage import print_jobs as stored

# Printer states an agent may report (hardware.printer.PrinterStatus values, plus "error").
PRINTER_STATES = ("ok", "paper_low", "paper_out", "offline", "unknown", "error")
FAULTS = PRINT_FAULTS


def queue_job(conn, ticket_id: int, principal, now) -> int | None:
    """Queue the ticket for printing when a kiosk issued it; returns the job id (or None)."""
    if principal is None or not principal.is_device("kiosk"):
        return None
    return stored.add(conn, ticket_id, principal.hall_id, principal.device_id, now)


def payload_from_view(ctx, hall, job_id: int, view: dict) -> dict:
    """What the agent needs to print the ticket, from its public view. Nothing personal: no
    ID number, no name."""
    base = ctx.settings.public_url.rstrip("/")
    return {
        "job": job_id, "ticket": view["id"], "number": view["number"],
        "service": view["service"], "service_name": view["service_name"], "hall": hall.code,
        "hall_name": hall.name, "timezone": hall.timezone,
        "waiting_ahead": view["waiting_ahead"], "estimated_wait_s": view["estimated_wait_s"],
        "issued_at": view["issued_at"], "priority": view["priority"] == "priority",
        "booked": bool(view.get("booked")),
        "track_token": view["track_token"],
        "tracking_url": f"{base}/track/{view['track_token']}" if base else None,
    }


def _payload(ctx, conn, hall, row) -> dict:
    service = hall.service_by_id(row["service_id"])
    ahead = estimate = 0
    if row["status"] == "waiting":
        ahead = queues.waiting_ahead(conn, row, hall, ctx.clock())
        estimate = estimates.ticket_wait_s(ctx, conn, hall, row)
    view = {"id": row["id"], "number": row["number"], "service": service.code,
            "service_name": service.name, "waiting_ahead": ahead, "estimated_wait_s": estimate,
            "issued_at": queues.local_iso(row["issued_at"], hall),
            "priority": "priority" if row["priority"] else "normal",
            "booked": bool(row.get("booked")), "track_token": row["track_token"]}
    return payload_from_view(ctx, hall, row["job_id"], view)


def queued_jobs(ctx, device_id: int) -> list[dict]:
    """Every queued job of one kiosk whose ticket still waits today, oldest first: the agent's
    catch-up. A job whose ticket was called, finished or left from an earlier day is settled as
    failed ("expired") instead: a ticket printed after its turn would only mislead."""
    with ctx.db.write() as conn:
        rows = stored.queued_of_device(conn, device_id)
        live, expired = [], []
        for row in rows:
            hall = ctx.halls.by_id(row["hall_id"])
            still_waiting = row["status"] == "waiting" and \
                row["local_date"] == queues.today(ctx, hall)
            (live if still_waiting else expired).append((hall, row))
        if expired:
            stored.expire(conn, [r["job_id"] for _, r in expired], ctx.clock())
        return [_payload(ctx, conn, hall, row) for hall, row in live]


def record_result(ctx, principal, result: PrintResult) -> dict:
    """Settle a job as printed or failed; only the first answer counts (``changed``)."""
    job_id, ok, fault = result.job, result.ok, result.fault
    with ctx.db.write() as conn:
        changed = stored.settle(conn, job_id, principal.device_id, ok, fault, ctx.clock())
        row = stored.job(conn, job_id)
    if row is None or row["device_id"] != principal.device_id:
        raise DomainError("unknown_job", "no such print job for this kiosk")
    return {"job": job_id, "ticket": row["ticket_id"], "number": row["number"],
            "status": row["status"], "ok": row["status"] == "printed", "fault": row["fault"],
            "changed": changed}


def job_status(ctx, ticket_id: int) -> str | None:
    """The print job's status of a ticket (None: no job, the ticket was not issued by a kiosk)."""
    with ctx.db.read() as conn:
        return stored.status_of_ticket(conn, ticket_id)
