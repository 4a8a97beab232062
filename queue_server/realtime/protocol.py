"""The Socket.IO protocol, under the server's old name: it lives in ``hallq_shared.protocol``
(shared with the agents, which must not import the server)."""

from hallq_shared.protocol import *  # noqa: F401,F403 -- this module is the re-export
