"""Helpers reading ESC/POS byte streams in the printer tests."""

GS_RASTER = b"\x1dv0"
GS_QR = b"\x1d(k"


def raster_images(data: bytes) -> list[tuple[int, int]]:
    """(width in dots, height) of each ``GS v 0`` raster image, walking past image data so
    that bytes inside an image are never taken for a command."""
    images = []
    position = data.find(GS_RASTER)
    while position >= 0:
        header = data[position + 4:position + 8]
        width_bytes = header[0] + 256 * header[1]
        height = header[2] + 256 * header[3]
        images.append((width_bytes * 8, height))
        position = data.find(GS_RASTER, position + 8 + width_bytes * height)
    return images


def qr_store_command(content: str) -> bytes:
    """``GS ( k`` function 180: store ``content`` in the QR symbol storage area."""
    payload = content.encode("utf-8")
    length = len(payload) + 3
    return GS_QR + bytes([length % 256, length // 256]) + b"1P0" + payload
