"""The in-memory hall directory: one reload at a time when its copy goes stale."""

import threading

from queue_server.services import directory


def test_requests_arriving_during_a_reload_use_the_loaded_copy(ctx, monkeypatch):
    ctx.halls.get("h1")  # the first load
    loads = []
    entered, release = threading.Event(), threading.Event()
    real_load = directory.load_halls

    def slow_load(conn):
        loads.append(1)
        entered.set()
        release.wait(10)
        return real_load(conn)

    monkeypatch.setattr(directory, "load_halls", slow_load)
    monkeypatch.setattr(ctx.halls._cache, "ttl_s", 0.0)  # the loaded copy has gone stale
    reloader = threading.Thread(target=ctx.halls.get, args=("h1",))
    reloader.start()
    assert entered.wait(10)
    answers = [ctx.halls.get("h1").code for _ in range(20)]  # while the reload is under way
    release.set()
    reloader.join(10)
    assert answers == ["h1"] * 20
    assert len(loads) == 1


def test_after_invalidate_the_next_read_waits_for_fresh_data(ctx, monkeypatch):
    ctx.halls.get("h1")
    loads = []
    real_load = directory.load_halls
    monkeypatch.setattr(directory, "load_halls", lambda conn: loads.append(1) or real_load(conn))
    ctx.halls.invalidate()
    ctx.halls.get("h1")
    ctx.halls.get("h1")
    assert len(loads) == 1
