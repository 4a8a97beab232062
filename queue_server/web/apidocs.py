"""The API reference page (``/api/docs``): the served OpenAPI document turned into a readable
HTML page on the server, by the template ``apidocs.html``. No renderer from a CDN and no script
at all: halls often have no internet, and the pages run under a Content-Security-Policy without
inline scripts."""

METHODS = ("get", "post", "put", "patch", "delete")
REF_PREFIX = "#/components/schemas/"


def schema_text(schema) -> str:
    """A schema in a few words: ``Ticket``, ``array of Service``, ``integer | null``,
    ``one of waiting, called``, ``object {ticket: Ticket}``."""
    if not isinstance(schema, dict) or not schema:
        return "any"
    if "$ref" in schema:
        return schema["$ref"].removeprefix(REF_PREFIX)
    if "enum" in schema:
        return "one of " + ", ".join("null" if v is None else str(v) for v in schema["enum"])
    kind = schema.get("type", "object" if "properties" in schema else "any")
    if isinstance(kind, list):
        return " | ".join(kind)
    if kind == "array":
        return "array of " + schema_text(schema.get("items"))
    if kind == "object" and schema.get("properties"):
        inner = ", ".join(f"{name}: {schema_text(value)}"
                          for name, value in schema["properties"].items())
        return f"object {{{inner}}}"
    text = kind + (f" ({schema['format']})" if schema.get("format") else "")
    return text + (f", e.g. {schema['example']}" if "example" in schema else "")


def _content_text(content: dict | None) -> str:
    """``application/json: Ticket``; several media types are listed."""
    if not content:
        return ""
    return "; ".join(f"{media}: {schema_text(body.get('schema'))}" if body.get("schema")
                     else media for media, body in content.items())


def operations(document: dict) -> list[dict]:
    """Every operation of the document, in its order, ready for the template."""
    found = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody") or {}
            found.append({
                "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "description": op.get("description", ""), "auth": bool(op.get("security")),
                "parameters": [{"name": p.get("name"), "in": p.get("in"),
                                "required": bool(p.get("required")),
                                "type": schema_text(p.get("schema")),
                                "description": p.get("description", "")}
                               for p in op.get("parameters", [])],
                "body": _content_text(body.get("content")),
                "responses": [{"status": status, "description": r.get("description", ""),
                               "body": _content_text(r.get("content"))}
                              for status, r in op.get("responses", {}).items()],
            })
    return found


def schemas(document: dict) -> list[dict]:
    """The named schemas with one row per property."""
    named = document.get("components", {}).get("schemas", {})
    return [{"name": name, "rows": [
        {"name": prop, "type": schema_text(value), "required": prop in schema.get("required", [])}
        for prop, value in schema.get("properties", {}).items()]}
        for name, schema in named.items()]


def groups(ops: list[dict]) -> list[tuple[str, list[dict]]]:
    """Operations grouped by what they are about: the first fixed path segment after the
    version (``auth``, ``halls``, ``tickets`` …), then for halls the next one (``windows``)."""
    grouped: dict[str, list[dict]] = {}
    for op in ops:
        fixed = [part.split(".")[0] for part in op["path"].split("/")[3:]
                 if not part.startswith("{")]
        if not op["path"].startswith("/api/v1/") or fixed == ["openapi"]:
            key = "meta"  # health check, this document, this page
        elif fixed[:1] == ["halls"] and len(fixed) > 1:
            key = "/".join(fixed[:2])
        else:
            key = fixed[0]
        grouped.setdefault(key, []).append(op)
    return list(grouped.items())
