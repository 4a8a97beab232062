"""What the queue server and its agents share: the wire protocol and the agents' plumbing.

This package runs on every HallQ machine: the server, a kiosk PC (``kiosk-agent``) and a window
PC (``led-agent`` with its keypads). It therefore imports nothing of ``queue_server`` (which
would pull Flask, SQLAlchemy and eventlet onto a kiosk) and, apart from ``inorder_client`` (the
agents' Socket.IO client, which needs python-socketio's client), nothing but the standard library
(``tests/test_import_rules.py`` checks both).

- ``protocol``: every Socket.IO namespace, event, room and device kind.
- ``windows``: the four window states and their words on every screen and sign.
- ``lifecycle``: how an agent stops on SIGTERM and SIGINT.
- ``inorder_client``: a Socket.IO client that handles pushes in arrival order.

The server keeps its old import paths (``queue_server.realtime.protocol``,
``queue_server.lifecycle``, ``queue_server.realtime.inorder_client``) as re-exports.
"""
