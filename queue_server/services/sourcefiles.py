"""Reading configuration and catalogue files so that every error can name its line.

YAML mappings are read as ``Lined`` dicts that know the line they start on and the line of each
key; CSV rows are numbered as a spreadsheet shows them (the header is line 1). Plain dicts (from
tests or other callers) work everywhere too, without line numbers.
"""

import csv
import io
from pathlib import Path

import yaml

from queue_server.domain.errors import invalid_request


class Lined(dict):
    """A YAML mapping with ``line`` (where it starts) and ``key_lines`` (where each key is)."""

    line: int | None = None
    key_lines: dict
    source: str = ""


class _LinedLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    mapping = Lined(loader.construct_pairs(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {loader.construct_object(k, deep=True): k.start_mark.line + 1
                         for k, _ in node.value}
    return mapping


_LinedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(text: str, source: str = ""):
    try:
        data = yaml.load(text, Loader=_LinedLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        raise invalid_request(f"{source or 'file'}: not valid YAML: {error}")
    _mark_source(data, source)
    return data


def _mark_source(value, source: str) -> None:
    if isinstance(value, Lined):
        value.source = source
        for item in value.values():
            _mark_source(item, source)
    elif isinstance(value, list):
        for item in value:
            _mark_source(item, source)


def read_yaml(path):
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise invalid_request(f"{path}: cannot read: {error}")
    return load_yaml(text, str(path))


def where(entry, key: str | None = None, fallback: str = "") -> str:
    """``"hall.yaml, line 12"`` for a mapping read from YAML (the line of ``key`` if given and
    present), else ``fallback``."""
    if not isinstance(entry, Lined) or entry.line is None:
        return fallback
    line = entry.key_lines.get(key, entry.line) if key else entry.line
    return f"{entry.source}, line {line}" if entry.source else f"line {line}"


def read_csv_rows(path) -> list[tuple[dict, str]]:
    """``(row, "file.csv, line N")`` pairs; UTF-8 (with or without BOM, as Excel saves it) or
    GB18030, comma separated, header on the first line."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise invalid_request(f"{path}: cannot read: {error}")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise invalid_request(f"{path}: neither UTF-8 nor GB18030 text")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise invalid_request(f"{path}, line 1: expected a header line")
    rows = []
    for row in reader:
        if None in row:
            raise invalid_request(f"{path}, line {reader.line_num}: more cells than the header")
        if any((v or "").strip() for v in row.values()):
            rows.append(({k.strip(): (v or "").strip() for k, v in row.items()},
                         f"{path}, line {reader.line_num}"))
    return rows
