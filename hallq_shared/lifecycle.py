"""How HallQ's agents (``kiosk-agent``, ``led-agent`` with its keypads) stop on SIGTERM and SIGINT.

What every HallQ process does on SIGTERM (systemd, docker) or SIGINT (Ctrl-C), sent to it or to
its process group: it stops its work, disconnects, flushes and closes what it holds (the kiosk's
print journal and its lock, devices, sockets) and exits with status 0. A further signal while it
stops changes nothing. If the stop has not finished after ``GRACE_S`` seconds (a driver stuck in
a kernel call, say) it logs every thread's stack and exits with status 1 at once: a service
manager never has to escalate to ``kill -9``. The server's own stop (eventlet) is in
``queue_server.server``.

Why the agents take their signals with ``sigwait`` rather than a handler: a Python signal handler
runs in the main thread between two bytecodes of whatever that thread is doing. In the kiosk
agent that was python-socketio's client, inside a ``queue.put`` that held the queue's lock; the
handler stopped the client, which puts on the same queue. A second SIGTERM (the process group's
and the demo's parent-death signal arrive together) re-entered the handler inside the first
one's ``put`` and the main thread waited for its own lock for ever, ignoring every later signal
(issue #17). Here the stop signals are blocked in every thread from the start, and the main
thread receives them with ``sigtimedwait`` as plain code: nothing is interrupted, so nothing can
be re-entered.
"""

import faulthandler
import logging
import os
import signal
import sys
import threading

log = logging.getLogger("hallq.lifecycle")

STOP_SIGNALS = frozenset({signal.SIGTERM, signal.SIGINT})
GRACE_S = 10.0
FORCED_EXIT_STATUS = 1
POLL_S = 0.5  # how soon the main thread notices that the work ended by itself


def block_stop_signals() -> None:
    """Block SIGTERM and SIGINT in the calling thread (and the threads it starts from now on),
    so that one arriving during start-up waits for ``serve_until_signalled``."""
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)


def unblock_stop_signals() -> None:
    """Undo ``block_stop_signals`` (a start-up that failed, or a test calling ``main``)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def serve_until_signalled(serve, stop, name: str, grace_s: float = GRACE_S) -> int:
    """Run ``serve()`` in a thread until it returns (its exit status) or a stop signal arrives;
    then call ``stop()`` and wait up to ``grace_s`` for ``serve`` to return (status 0).

    Call it from the main thread of a process that has started no thread yet: it blocks SIGTERM
    and SIGINT there, and every thread started afterwards inherits that mask, so the signals stay
    pending until the main thread takes them. The mask is left so: a second signal arriving while
    the process exits must not kill it with a different status."""
    block_stop_signals()
    outcome: dict[str, int] = {}

    def work():
        try:
            outcome["status"] = serve() or 0
        except Exception:
            log.exception("%s failed", name)
            outcome["status"] = 1

    worker = threading.Thread(target=work, name=f"{name}-work", daemon=True)
    worker.start()
    while worker.is_alive():
        received = signal.sigtimedwait(STOP_SIGNALS, POLL_S)
        if received is not None:
            log.info("%s: %s received, stopping", name, signal.Signals(received.si_signo).name)
            return _stop(worker, stop, name, grace_s)
    return outcome.get("status", 1)


def _stop(worker: threading.Thread, stop, name: str, grace_s: float) -> int:
    # stop() runs in a thread of its own, so that the main thread keeps the deadline even if
    # stop() itself blocks.
    stopper = threading.Thread(target=_logged(stop, name), name=f"{name}-stop", daemon=True)
    stopper.start()
    worker.join(grace_s)
    stopper.join(max(0.1, grace_s / 10))
    if worker.is_alive() or stopper.is_alive():
        force_exit(name, grace_s)
    log.info("%s stopped", name)
    return 0


def _logged(stop, name: str):
    def run():
        try:
            stop()
        except Exception:
            log.exception("%s: error while stopping", name)
    return run


def force_exit(name: str, grace_s: float) -> None:
    """The stop did not finish in time: say where every thread is, and exit now."""
    log.error("%s did not stop within %.0f s; exiting anyway (stacks follow)", name, grace_s)
    try:
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
    except (OSError, ValueError):  # no usable stderr
        pass
    logging.shutdown()
    os._exit(FORCED_EXIT_STATUS)
