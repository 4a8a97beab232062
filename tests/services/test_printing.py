"""Print jobs: queued with the kiosk's ticket, settled exactly once, caught up after an outage."""

import pytest
from sqlalchemy import select

from queue_server.domain.commands import PrintResult
from queue_server.domain.errors import DomainError
from queue_server.services import accounts, printing
from queue_server.storage.models import print_jobs


def issue(client, headers, service="A", **extra):
    response = client.post("/api/v1/halls/h1/tickets", json={"service": service, **extra},
                           headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def kiosk_principal(ctx, headers):
    return accounts.authenticate(ctx, headers["Authorization"].split()[1])


def jobs(ctx):
    with ctx.db.read() as conn:
        return conn.execute(select(print_jobs)).mappings().all()


def test_a_kiosk_ticket_is_queued_for_printing(ctx, client, kiosk):
    ticket = issue(client, kiosk)
    assert [(j["ticket_id"], j["status"]) for j in jobs(ctx)] == [(ticket["id"], "queued")]


def test_a_staff_ticket_queues_no_print_job(ctx, client, accts):
    issue(client, accts.user("staff", windows=(1,)))
    assert jobs(ctx) == []


def test_a_refused_ticket_leaves_no_print_job(ctx, client, kiosk):
    client.post("/api/v1/halls/h1/tickets", json={"service": "C"}, headers=kiosk)  # id_required
    assert jobs(ctx) == []


def test_a_replayed_ticket_queues_one_job(ctx, client, kiosk):
    headers = dict(kiosk, **{"Idempotency-Key": "tap-1"})
    issue(client, headers)
    issue(client, headers)
    assert len(jobs(ctx)) == 1


def test_the_job_rolls_back_with_its_ticket(ctx, client, kiosk, monkeypatch):
    monkeypatch.setattr("queue_server.storage.tickets._INSERT_EVENT", None)  # fails after it
    client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    assert jobs(ctx) == []


def test_catch_up_lists_the_kiosks_queued_jobs_oldest_first(ctx, client, kiosk):
    numbers = [issue(client, kiosk)["number"] for _ in range(3)]
    device = kiosk_principal(ctx, kiosk).device_id
    assert [j["number"] for j in printing.queued_jobs(ctx, device)] == numbers


def test_catch_up_leaves_out_another_kiosks_jobs(ctx, client, kiosk, accts):
    issue(client, accts.device("kiosk"))
    assert printing.queued_jobs(ctx, kiosk_principal(ctx, kiosk).device_id) == []


def test_a_job_carries_what_the_ticket_prints_and_nothing_personal(ctx, client, kiosk):
    issue(client, kiosk, "C", id_number="11010519491231002X")
    job = printing.queued_jobs(ctx, kiosk_principal(ctx, kiosk).device_id)[0]
    assert "11010519491231002X" not in repr(job) and "1101" not in repr(job)


def test_a_printed_job_leaves_the_catch_up(ctx, client, kiosk):
    issue(client, kiosk)
    principal = kiosk_principal(ctx, kiosk)
    job = printing.queued_jobs(ctx, principal.device_id)[0]
    printing.record_result(ctx, principal, PrintResult(job["job"], True))
    assert printing.queued_jobs(ctx, principal.device_id) == []


def test_the_first_result_counts(ctx, client, kiosk):
    issue(client, kiosk)
    principal = kiosk_principal(ctx, kiosk)
    job = printing.queued_jobs(ctx, principal.device_id)[0]["job"]
    printing.record_result(ctx, principal, PrintResult(job, True))
    again = printing.record_result(ctx, principal, PrintResult(job, False, "offline"))
    assert (again["status"], again["changed"]) == ("printed", False)


def test_a_failed_job_keeps_its_fault(ctx, client, kiosk):
    ticket = issue(client, kiosk)
    principal = kiosk_principal(ctx, kiosk)
    job = printing.queued_jobs(ctx, principal.device_id)[0]["job"]
    printing.record_result(ctx, principal, PrintResult(job, False, "paper_out"))
    assert (printing.job_status(ctx, ticket["id"]), jobs(ctx)[0]["fault"]) == \
        ("failed", "paper_out")


def test_another_kiosk_cannot_settle_a_job(ctx, client, kiosk, accts):
    issue(client, kiosk)
    job = printing.queued_jobs(ctx, kiosk_principal(ctx, kiosk).device_id)[0]["job"]
    other = kiosk_principal(ctx, accts.device("kiosk"))
    with pytest.raises(DomainError):
        printing.record_result(ctx, other, PrintResult(job, True))


@pytest.mark.parametrize("body", [None, {}, {"job": "1", "ok": True}, {"job": 1},
                                  {"job": True, "ok": True}])
def test_a_malformed_result_is_refused(ctx, kiosk, body):
    with pytest.raises(DomainError):
        printing.record_result(ctx, kiosk_principal(ctx, kiosk), PrintResult.from_body(body))


def test_an_issued_kiosk_ticket_publishes_its_print_job(ctx, client, kiosk, monkeypatch):
    published = []
    monkeypatch.setattr(ctx, "publish", published.extend)
    ticket = issue(client, kiosk)
    jobs = [e.payload for e in published if e.name == "print_ticket"]
    assert [(j["device"], j["job"]["ticket"], j["job"]["number"]) for j in jobs] == [
        (kiosk_principal(ctx, kiosk).device_id, ticket["id"], ticket["number"])]


def test_a_staff_ticket_publishes_no_print_job(ctx, client, accts, monkeypatch):
    published = []
    monkeypatch.setattr(ctx, "publish", published.extend)
    issue(client, accts.user("staff", windows=(1,)))
    assert [e for e in published if e.name == "print_ticket"] == []


def test_catch_up_leaves_out_a_ticket_already_called(ctx, client, kiosk, accts):
    issue(client, kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=accts.user("staff", windows=(1,)))
    assert printing.queued_jobs(ctx, kiosk_principal(ctx, kiosk).device_id) == []


def test_catch_up_expires_the_job_of_a_ticket_already_called(ctx, client, kiosk, accts):
    ticket = issue(client, kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=accts.user("staff", windows=(1,)))
    printing.queued_jobs(ctx, kiosk_principal(ctx, kiosk).device_id)
    assert (printing.job_status(ctx, ticket["id"]), jobs(ctx)[0]["fault"]) == ("failed", "expired")


def test_catch_up_leaves_out_yesterdays_tickets(ctx, client, kiosk, clock):
    issue(client, kiosk)
    clock.advance(days=1)
    assert printing.queued_jobs(ctx, kiosk_principal(ctx, kiosk).device_id) == []
