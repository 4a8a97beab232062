"""How every namespace refuses a connection, in the JSON error shape's terms.

Socket.IO's ``connect_error`` carries a message and optional data; ours are the human message
and ``{code, message}``, so a page branches on ``error.data.code`` (socket.io-client) and a
Python client on ``data["data"]["code"]``. (Handing ConnectionRefusedError one dict instead would
send that dict as a string in the message: the code would be lost.)
"""

from flask_socketio import ConnectionRefusedError


def refuse(code: str, message: str):
    raise ConnectionRefusedError(message, {"code": code, "message": message})
