"""A small network (city › county › town, and a neighbour county) with a hand-built day."""

import pytest

from queue_server.app import create_app
from queue_server.services.config_loader import load_config


def _hall(code, name, level, parent=None, windows=2):
    hall = {"code": code, "name": name, "level": level, "timezone": "Asia/Shanghai",
            "services": [{"code": "A", "name": "综合受理", "department": "行政审批局",
                          "max_wait_min": 10},
                         {"code": "B", "name": "社保", "department": "人社局"}],
            "windows": [{"number": n, "services": ["A", "B"]} for n in range(1, windows + 1)]}
    return dict(hall, parent=parent) if parent else hall


NETWORK = {"halls": [
    _hall("city", "市政务服务中心", "city"),
    _hall("county1", "一县政务服务中心", "county", "city"),
    _hall("town1", "一镇便民服务中心", "town", "county1", windows=1),
    _hall("county2", "二县政务服务中心", "county", "city"),
]}


class Day:
    """Drives tickets through the API in one hall: issue, call, finish, rate."""

    def __init__(self, client, accts, clock, hall):
        self.client, self.clock, self.hall = client, clock, hall
        self.kiosk = accts.device("kiosk", hall)
        self.staff = accts.user("staff", hall, windows=(1,))
        self.evaluator = accts.device("evaluator", hall, window=1)

    def issue(self, service="A") -> dict:
        response = self.client.post(f"/api/v1/halls/{self.hall}/tickets",
                                    json={"service": service}, headers=self.kiosk)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def sign_in(self):
        response = self.client.post(f"/api/v1/halls/{self.hall}/windows/1/sign-in",
                                    headers=self.staff)
        assert response.status_code == 200, response.get_json()

    def serve(self, wait_min: int, handle_min: int, grade: str | None = None) -> None:
        ticket = self.issue()
        self.clock.advance(minutes=wait_min)
        assert self.client.post(f"/api/v1/halls/{self.hall}/windows/1/call-next",
                                headers=self.staff).status_code == 200
        self.clock.advance(minutes=handle_min)
        assert self.client.post(f"/api/v1/halls/{self.hall}/windows/1/finish",
                                headers=self.staff).status_code == 200
        if grade:
            response = self.client.post(f"/api/v1/tickets/{ticket['id']}/evaluation",
                                        json={"grade": grade}, headers=self.evaluator)
            assert response.status_code == 201, response.get_json()


@pytest.fixture
def network(ctx):
    load_config(ctx, NETWORK)


@pytest.fixture
def day(network, client, accts, clock):
    """city: 3 served (one bad review), 2 waiting; county1: 2 served, 1 waiting, a window
    staffed; town1: 1 served; county2: nothing."""
    halls = {code: Day(client, accts, clock, code) for code in ("city", "county1", "town1")}
    halls["county1"].sign_in()
    halls["city"].serve(4, 6, "very_satisfied")
    halls["county1"].serve(12, 3, "satisfied")
    halls["city"].serve(2, 5, "dissatisfied")
    halls["town1"].serve(1, 2, "basic")
    halls["city"].serve(7, 4)
    halls["county1"].serve(3, 8)
    halls["city"].issue()
    halls["city"].issue("B")
    halls["county1"].issue()
    clock.advance(minutes=15)
    return halls


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app_on_each_database(request, clock, tmp_path, monkeypatch):
    """The test app on SQLite, then on PostgreSQL: for tests about the figures' SQL."""
    url = request.getfixturevalue("db_url" if request.param == "sqlite" else "pg_url")
    monkeypatch.chdir(tmp_path)
    app = create_app({"database_url": url, "async_mode": "threading", "secret_key": "s",
                      "queue_event_interval": 0.0, "auth_cache_s": 0.0,
                      "password_hash_method": "pbkdf2:sha256:1000"}, clock=clock)
    yield app
    app.extensions["hallq"].close()
