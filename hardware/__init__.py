"""Device drivers for the hall's hardware: ticket printers, card readers and LED signs.

Each device has an interface, the real driver, a fake that behaves like the device (for demos and
tests) and an ``open_<device>(spec)`` function that picks one from a settings string. Nothing here
knows about Flask, the queue server or its settings; optional third-party libraries are imported
only by the real drivers that need them.
"""
