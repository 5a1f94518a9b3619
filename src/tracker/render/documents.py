"""Documents written in pieces: JSON, YAML and CSV, as the goals or rows come from the cursor.
Nothing here lays text out for a terminal (render/text.py), so the commands that write only
documents (`export`, `list -f json`) do not load the terminal-width tables."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

import orjson

from tracker.csvsafe import escape_cell
from tracker.schema import GOAL_READ

if TYPE_CHECKING:
    from tracker.domain import Goal

CSV_FIELDS = (*GOAL_READ, "overdue", "evidence")


_JSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
# Items (goals, rows) rendered per piece by the *_chunks writers: one piece is in memory at a time.
CHUNK_ITEMS = 100


def to_json(data: Any) -> str:
    """`json.dumps(data, ensure_ascii=False, indent=2)` and a newline, byte for byte
    (tests/test_render_json.py), by orjson: the stdlib's indenting encoder is pure Python
    (bench/README.md)."""
    return orjson.dumps(data, option=_JSON_OPTIONS).decode() + "\n"


def json_document_chunks(
    key: str, items: Iterable[Any], batch: int | None = None
) -> Iterator[bytes]:
    """`to_json({key: items})` as UTF-8 in pieces, `batch` items at a time, without building
    the whole document: each batch is dumped as `{key: batch}` and cut out of its frame, so
    the items come out already indented for their place. The items' keys are text (an
    interchange document's are): orjson refuses any other, where to_json would convert it."""
    batch = batch or CHUNK_ITEMS
    head = b"{\n  " + orjson.dumps(key) + b": ["
    tail = b"\n  ]\n}"
    yield head
    iterator, empty = iter(items), True
    while group := list(islice(iterator, batch)):
        text = orjson.dumps({key: group}, option=orjson.OPT_INDENT_2)
        yield (b"\n" if empty else b",\n") + text[len(head) + 1 : -len(tail)]
        empty = False
    yield b"]\n}\n" if empty else tail + b"\n"


def json_list_chunks(items: Iterable[Any], batch: int | None = None) -> Iterator[bytes]:
    """`to_json(list(items))` as UTF-8 in pieces, `batch` items at a time (as
    json_document_chunks, for a document that is a list)."""
    batch = batch or CHUNK_ITEMS
    iterator, empty = iter(items), True
    yield b"["
    while group := list(islice(iterator, batch)):
        text = orjson.dumps(group, option=_JSON_OPTIONS)
        yield (b"" if empty else b",") + text[1:-2]
        empty = False
    yield b"]\n" if empty else b"\n]\n"


def _yaml_dumper() -> type:
    """Block-style YAML without anchors, by libyaml's emitter when PyYAML has it (the pure
    Python one is many times slower: bench/README.md)."""
    import yaml

    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class Dumper(base):  # type: ignore[valid-type, misc]
        def ignore_aliases(self, data: Any) -> bool:
            return True

    return Dumper


def to_yaml(data: Any) -> str:
    """Block-style YAML, keys in their order, no anchors: an evidence link listed under its
    event and under the goal is written out twice, not as `&id001` / `*id001`."""
    import yaml

    return yaml.dump(data, Dumper=_yaml_dumper(), allow_unicode=True, sort_keys=False, width=100)


def yaml_document_chunks(key: str, items: Iterable[Any], batch: int | None = None) -> Iterator[str]:
    """`to_yaml({key: list(items)})` in pieces, `batch` items at a time: a block sequence
    under a top-level key is not indented, so each batch dumped as a list is already in place."""
    import yaml

    dumper, batch = _yaml_dumper(), batch or CHUNK_ITEMS
    iterator, empty = iter(items), True
    while group := list(islice(iterator, batch)):
        if empty:
            yield f"{key}:\n"  # a plain word (goals)
            empty = False
        yield yaml.dump(group, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)
    if empty:
        yield to_yaml({key: []})


def goals_json_chunks(goals: Iterable[Goal], batch: int | None = None) -> Iterator[bytes]:
    """`list --format json` in pieces, as the goals come."""
    return json_list_chunks((g.to_dict() for g in goals), batch)


def csv_text(rows: Iterable[Mapping[str, Any]], fields: Sequence[str]) -> str:
    """CSV with every text cell neutralised against spreadsheet formulas."""
    return "".join(csv_chunks(rows, fields))


def csv_chunks(
    rows: Iterable[Mapping[str, Any]], fields: Sequence[str], batch: int | None = None
) -> Iterator[str]:
    """csv_text in pieces: the header, then `batch` rows at a time."""
    batch = batch or CHUNK_ITEMS
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(fields)
    for count, row in enumerate(rows, 1):
        cells = []
        for name in fields:
            value = row.get(name)
            if isinstance(value, list):
                value = (
                    ";".join(value)
                    if name == "tags"
                    else " ".join(v["url"] if isinstance(v, dict) else str(v) for v in value)
                )
            cells.append(escape_cell(value))
        writer.writerow(cells)
        if count % batch == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def goals_csv_chunks(goals: Iterable[Mapping[str, Any]], batch: int | None = None) -> Iterator[str]:
    return csv_chunks(goals, CSV_FIELDS, batch)
