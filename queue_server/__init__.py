"""HallQ queue server: tickets, calling, live display events, storage, auth and CLI."""
