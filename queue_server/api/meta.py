"""Health check, the OpenAPI document, the API reference page and the landing page."""

from flask import Blueprint, current_app, jsonify, render_template

from queue_server.api import openapi
from queue_server.api.request_helpers import context
from queue_server.domain.errors import DomainError

bp = Blueprint("meta", __name__)


@bp.get("/healthz")
def healthz():
    try:
        context().db.ping()
    except Exception:
        raise DomainError("database_unavailable", "the database does not answer")
    return jsonify({"status": "ok"})


@bp.get("/api/v1/openapi.json")
def openapi_document():
    return jsonify(openapi.document())


@bp.get("/api/docs")
def api_docs():
    """The OpenAPI document as an HTML page (rendered here: no CDN, no script)."""
    from queue_server.web import apidocs

    document = openapi.document()
    ops = apidocs.operations(document)
    return render_template("apidocs.html", info=document["info"],
                           openapi_version=document["openapi"], groups=apidocs.groups(ops),
                           schemas=apidocs.schemas(document))


@bp.get("/")
def index():
    ctx = context()
    return render_template("index.html", halls=ctx.halls.all())


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every page; one SVG serves them all."""
    response = current_app.send_static_file("favicon.svg")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
