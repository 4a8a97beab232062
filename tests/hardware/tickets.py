"""A sample ticket for the printer tests."""

from datetime import datetime, timezone

from hardware.printer import TicketPrint

TRACKING_URL = "https://hall.example.cn/track/q7Zk2mW9xR4tPb8N"


def sample_ticket(**changes) -> TicketPrint:
    fields = dict(hall_name="德州市政务服务中心", number="A001", service_name="不动产登记",
                  waiting_ahead=7, issued_at=datetime(2024, 5, 20, 1, 31, tzinfo=timezone.utc),
                  tracking_url=TRACKING_URL, estimated_wait_s=610)
    fields.update(changes)
    return TicketPrint(**fields)
