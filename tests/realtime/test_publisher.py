"""queue_changed coalescing: a burst of changes becomes one push with the final counts."""

import threading

from queue_server.realtime.publisher import Publisher
from queue_server.services.context import Event


class RecordingSocketIO:
    """Stands in for Flask-SocketIO's emit and background tasks (threads). Its ``sleep`` is the
    clock edge: the coalescing window ends when the test calls ``end_window()``, however long
    the burst took on a busy machine."""

    def __init__(self):
        self.emitted = []
        self.threads = []
        self._window_over = threading.Event()

    def end_window(self):
        self._window_over.set()

    def emit(self, name, payload, namespace=None, to=None):
        self.emitted.append((name, to))

    def start_background_task(self, target):
        thread = threading.Thread(target=target)
        thread.start()
        self.threads.append(thread)

    def sleep(self, seconds):
        assert self._window_over.wait(60), "the test never ended the coalescing window"


def test_burst_of_queue_changes_is_one_push(ctx):
    socketio = RecordingSocketIO()
    publisher = Publisher(socketio, ctx, interval=0.05)
    for _ in range(50):
        publisher([Event("queue_changed", "h1", {})])
    socketio.end_window()
    for thread in socketio.threads:
        thread.join()
    assert socketio.emitted == [("queue_changed", "hall:h1")]


def test_calls_are_pushed_at_once_to_hall_and_window_rooms(ctx):
    socketio = RecordingSocketIO()
    Publisher(socketio, ctx, interval=10)([Event("ticket_called", "h1", {}, 3)])
    assert socketio.emitted == [("ticket_called", ["hall:h1", "window:h1:3"])]


def test_a_closed_context_drops_the_pending_push(ctx):
    """A coalesced push still pending when the app closes must not run afterwards: it would
    read a database that is gone (a test's dropped PostgreSQL database, in CI)."""
    socketio = RecordingSocketIO()
    publisher = Publisher(socketio, ctx, interval=0.05)
    publisher([Event("queue_changed", "h1", {})])
    ctx.stop_pushes()
    publisher([Event("queue_changed", "h2", {})])
    socketio.end_window()
    for thread in socketio.threads:
        thread.join()
    assert socketio.emitted == []


def test_a_failed_push_is_tried_again_with_the_next_window(ctx):
    """A push that fails (a busy database) keeps its halls: the next window pushes them."""
    from queue_server.realtime.coalesce import Coalescer

    socketio = RecordingSocketIO()
    pushed, attempts = [], []

    def push(keys):
        attempts.append(set(keys))
        if len(attempts) == 1:
            raise RuntimeError("QueuePool limit reached")
        pushed.append(set(keys))

    coalescer = Coalescer(socketio, push, 0.05, "test")
    coalescer.mark({"h1"})
    coalescer.flush()  # the first push fails: h1 is marked again, a new window scheduled
    assert pushed == [] and coalescer._pending == {"h1"}
    coalescer.flush()
    assert pushed == [{"h1"}]
    socketio.end_window()
    for thread in socketio.threads:
        thread.join()
    assert pushed == [{"h1"}]  # the scheduled windows found nothing more to do
