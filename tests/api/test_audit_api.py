"""The audit log through the API (issue 16): views and exports of personal data are recorded
with who and from where; only an admin reads it, as JSON or CSV."""

from queue_server.api.audit import AUDITED
from tests.api.test_cases_api import ID_NUMBER, accept, catalogued, served  # noqa: F401


def test_every_audited_endpoint_exists(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(AUDITED) <= endpoints


def test_an_evaluation_export_is_recorded_with_who_and_where(client, accts):
    admin = accts.user("admin")
    manager = accts.user("manager")
    assert client.get("/api/v1/halls/h1/evaluations/export", headers=manager,
                      environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    rows = client.get("/api/v1/audit", headers=admin).get_json()
    [entry] = [r for r in rows if r["action"] == "export.evaluations"]
    assert entry["actor"].startswith("user:") and entry["address"] == "10.1.2.3"
    assert entry["target"] == "/api/v1/halls/h1/evaluations/export"


def test_a_refused_request_is_not_recorded_as_a_view(client, accts):
    admin = accts.user("admin")
    staff = accts.user("staff", windows=(1,))
    client.get("/api/v1/halls/h1/evaluations/export", headers=staff)
    rows = client.get("/api/v1/audit", headers=admin).get_json()
    assert [r["action"] for r in rows] == []  # reading the log is recorded after the answer


def test_only_an_admin_reads_the_audit_log(client, manager):
    assert client.get("/api/v1/audit", headers=manager).status_code == 403
    assert client.get("/api/v1/audit").status_code == 401


def test_the_audit_log_exports_as_csv(client, accts):
    admin = accts.user("admin")
    client.get("/api/v1/audit", headers=admin)
    response = client.get("/api/v1/audit?format=csv", headers=admin)
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "at,actor,action,target,hall_id,address,detail"
    assert "view.audit" in lines[1]


def test_a_bad_date_is_a_400(client, accts):
    admin = accts.user("admin")
    response = client.get("/api/v1/audit?from=yesterday", headers=admin)
    assert response.status_code == 400


def test_views_of_cases_are_recorded(client, accts, staff1, served):  # noqa: F811
    case = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001",
                                   "phone": "13812345678", "id_number": ID_NUMBER}).get_json()
    manager = accts.user("manager")
    for path in ("cases", f"cases/{case['id']}", "cases/report?by=staff"):
        assert client.get(f"/api/v1/halls/h1/{path}", headers=manager,
                          environ_base={"REMOTE_ADDR": "10.1.2.4"}).status_code == 200
    rows = client.get("/api/v1/audit", headers=accts.user("admin")).get_json()
    seen = [(r["action"], r["address"]) for r in rows if r["action"] != "view.audit"]
    assert seen == [("view.cases", "10.1.2.4"), ("view.case", "10.1.2.4"),
                    ("view.case_reports", "10.1.2.4")]
