"""The agents' in-order Socket.IO client, under the server's old name: it lives in
``hallq_shared.inorder_client``."""

from hallq_shared.inorder_client import InOrderClient  # noqa: F401
