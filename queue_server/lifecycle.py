"""How a HallQ process stops on SIGTERM and SIGINT, under the server's old name: it lives in
``hallq_shared.lifecycle`` (the agents use it and must not import the server)."""

from hallq_shared.lifecycle import (FORCED_EXIT_STATUS, GRACE_S, POLL_S,  # noqa: F401
                                    STOP_SIGNALS, block_stop_signals, force_exit,
                                    serve_until_signalled, unblock_stop_signals)
