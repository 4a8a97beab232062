"""queue_changed coalescing: a burst of changes becomes one push with the final counts."""

import threading

from queue_server.realtime.publisher import Publisher
from queue_server.services.context import Event


class RecordingSocketIO:
    """Stands in for Flask-SocketIO's emit and background tasks (threads, real sleeping)."""

    def __init__(self):
        self.emitted = []
        self.threads = []

    def emit(self, name, payload, namespace=None, to=None):
        self.emitted.append((name, to))

    def start_background_task(self, target):
        thread = threading.Thread(target=target)
        thread.start()
        self.threads.append(thread)

    def sleep(self, seconds):
        threading.Event().wait(seconds)


def test_burst_of_queue_changes_is_one_push(ctx):
    socketio = RecordingSocketIO()
    publisher = Publisher(socketio, ctx, interval=0.05)
    for _ in range(50):
        publisher([Event("queue_changed", "h1", {})])
    for thread in socketio.threads:
        thread.join()
    assert socketio.emitted == [("queue_changed", "hall:h1")]


def test_calls_are_pushed_at_once_to_hall_and_window_rooms(ctx):
    socketio = RecordingSocketIO()
    Publisher(socketio, ctx, interval=10)([Event("ticket_called", "h1", {}, 3)])
    assert socketio.emitted == [("ticket_called", ["hall:h1", "window:h1:3"])]
