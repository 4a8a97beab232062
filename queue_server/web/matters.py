"""``/matters/{hall}``: the citizen's "what can I do here" (办事指南) page, for a phone or the
kiosk: each service's matters with their promised time, kind and the materials to bring.
Server-rendered, no script; ``?lang=en`` shows English labels."""

from flask import Blueprint, abort, current_app, render_template, request

from queue_server.domain.errors import DomainError
from queue_server.services.catalogue import hall_matters

bp = Blueprint("matters_page", __name__)

LABELS = {
    "zh": {"title": "办事指南", "matters": "可办事项", "other": "其他可代办事项",
           "promised": "承诺时限", "statutory": "法定时限", "days": "个工作日",
           "on_the_spot": "当场办结", "materials": "申请材料", "real_name": "需本人身份证",
           "none": "本大厅尚未登记可办事项。", "service_none": "暂无登记事项",
           "switch": "English", "switch_lang": "en"},
    "en": {"title": "What can I do here", "matters": "Matters", "other": "Other matters "
           "(forwarded)", "promised": "Promised", "statutory": "Statutory",
           "days": " working days", "on_the_spot": "done on the spot", "materials":
           "Materials", "real_name": "ID card required", "none": "This hall lists no "
           "matters yet.", "service_none": "no matters listed", "switch": "中文",
           "switch_lang": "zh"},
}


@bp.get("/matters/<hall_code>")
def matters_page(hall_code):
    lang = request.args.get("lang", "zh")
    lang = lang if lang in LABELS else "zh"
    ctx = current_app.extensions["hallq"]
    try:
        hall = ctx.halls.get(hall_code)
    except DomainError:
        abort(404)
    answer = hall_matters(ctx, hall_code)
    listed = any(s["matters"] for s in answer["services"]) or answer["other_matters"]
    return render_template("matters.html", hall=hall, answer=answer, listed=listed, lang=lang,
                           t=LABELS[lang])


def init_app(app) -> None:
    app.register_blueprint(bp)
