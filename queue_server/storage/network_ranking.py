"""The 效能排名 query (services.network_ranking): the period's tickets of many halls grouped by
hall or by department, one statement whatever the number of halls."""

from sqlalchemy import Double, and_, case, func, select, type_coerce

from queue_server.domain.grades import BAD_GRADES
from queue_server.storage.models import evaluations, services, tickets


def _e(column):
    return type_coerce(column, Double())


_WAIT = _e(tickets.c.first_called_at) - _e(tickets.c.issued_at)
_HANDLING = case((tickets.c.status == "done",
                  _e(tickets.c.finished_at) - _e(tickets.c.called_at)))


def _overdue(now_s: float):
    limit = services.c.max_wait_min * 60
    waited = func.coalesce(_WAIT, case((tickets.c.status == "waiting",
                                        now_s - _e(tickets.c.issued_at))))
    return func.count().filter(and_(services.c.max_wait_min.is_not(None), waited > limit))


def grouped(conn, by: str, hall_ids: list[int], rng) -> list:
    """Rows (g, tickets, avg_wait_s, avg_handling_s, evaluations, bad_reviews, overdue) per
    hall id or department, for tickets issued within ``rng`` (a report_queries.Range)."""
    group = tickets.c.hall_id if by == "hall" else services.c.department
    query = (select(group.label("g"), func.count().label("tickets"),
                    func.avg(_WAIT).label("avg_wait_s"),
                    func.avg(_HANDLING).label("avg_handling_s"),
                    func.count(evaluations.c.id).label("evaluations"),
                    func.count().filter(evaluations.c.grade.in_(BAD_GRADES)).label("bad_reviews"),
                    _overdue(rng.now).label("overdue"))
             .select_from(tickets.join(services, services.c.id == tickets.c.service_id)
                          .outerjoin(evaluations, evaluations.c.ticket_id == tickets.c.id))
             .where(tickets.c.hall_id.in_(hall_ids), rng.within(_e(tickets.c.issued_at)))
             .group_by(group))
    return conn.execute(query).all()
