"""Realtime: Socket.IO namespaces and the publisher that turns use-case events into pushes."""
