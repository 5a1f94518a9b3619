"""JSON and YAML text: orjson writes what `json.dumps(indent=2, ensure_ascii=False)` would, byte
for byte, so the documented output did not change with the faster encoder; YAML has no aliases."""

from __future__ import annotations

import json

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.render.documents import json_document_chunks, to_json, to_yaml, yaml_document_chunks

# What goes into a document: text (no lone surrogates: SQLite cannot store them), 64-bit ints,
# booleans, null, lists and string-keyed objects.
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.text(st.characters(codec="utf-8"), max_size=20)
    | st.sampled_from(['\x00\x1f\x7f\u2028\u2029"\\/', "中文标题", "😀", ""])
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(st.characters(codec="utf-8"), max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=500, deadline=None)
@given(DOCUMENTS)
def test_to_json_is_the_stdlib_indented_text(data: object) -> None:
    assert to_json(data) == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.dictionaries(st.text(max_size=5), DOCUMENTS, max_size=4), max_size=7),
    st.integers(1, 3),
)
def test_streamed_document_is_the_whole_document(
    items: list[dict[str, object]], batch: int
) -> None:
    chunks = list(json_document_chunks("goals", items, batch=batch))
    assert b"".join(chunks).decode() == to_json({"goals": items})
    assert len(chunks) == 2 + -(-len(items) // batch)  # head, one per batch, tail


def test_yaml_writes_shared_objects_out_instead_of_aliasing_them() -> None:
    link = {"url": "https://example.org/a", "title": None}
    empty: list[object] = []
    document = {
        "goals": [
            {
                "events": [{"evidence": [link]}, {"evidence": empty}],
                "evidence": [link],
                "tags": empty,
            }
        ]
    }
    text = to_yaml(document)
    assert "&id" not in text and "*id" not in text
    assert text.count("url: https://example.org/a") == 2
    assert yaml.safe_load(text) == document


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.dictionaries(st.text(max_size=5), DOCUMENTS, max_size=4), max_size=7),
    st.integers(1, 3),
)
def test_streamed_yaml_is_the_whole_document_and_reads_back(
    items: list[dict[str, object]], batch: int
) -> None:
    chunks = list(yaml_document_chunks("goals", items, batch=batch))
    text = "".join(chunks)
    assert text == to_yaml({"goals": items})
    assert yaml.safe_load(text) == {"goals": items}
    assert len(chunks) == (1 + -(-len(items) // batch) if items else 1)


# An export's objects: named fields (never an empty name), any values in the Basic
# Multilingual Plane (Chinese included) — libyaml writes a character beyond it (an emoji) as
# an escape, "\U0001F600", where the Python emitter wrote it as it is; both read back the same.
BMP_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.text(st.characters(codec="utf-8", max_codepoint=0xFFFF), max_size=20)
    | st.sampled_from(['\x00\x1f\x7f\u2028\u2029"\\/', "中文标题", ""])
)
NAMED = st.recursive(
    BMP_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.from_regex(r"[a-z_]{1,12}", fullmatch=True), inner, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.sampled_from(["key", "title", "note", "tags", "events"]), NAMED))
def test_yaml_by_libyaml_is_the_text_pyyaml_wrote(data: dict[str, object]) -> None:
    """The C emitter (fast) writes what the pure-Python one did for an export's items (named
    fields, any values): exports keep their bytes. (For an empty mapping key the two differ.)
    Where they differ the pure-Python text does not read back (a NEL, U+0085, written raw
    into a quoted scalar folds to a space) and libyaml's escaped one does."""
    assert yaml.__with_libyaml__  # PyYAML's wheels carry libyaml; without it we'd not test it

    class PythonDumper(yaml.SafeDumper):
        def ignore_aliases(self, data: object) -> bool:
            return True

    document = {"goals": [data, data]}
    python = yaml.dump(
        document, Dumper=PythonDumper, allow_unicode=True, sort_keys=False, width=100
    )
    text = to_yaml(document)
    if yaml.safe_load(python) == document:
        assert text == python
    else:
        assert yaml.safe_load(text) == document, text


def test_yaml_escapes_an_emoji_and_reads_it_back() -> None:
    document = {"goals": [{"title": "Launch 🚀 by 2027", "tags": ["中文"]}]}
    text = to_yaml(document)
    assert '"Launch \\U0001F680 by 2027"' in text and "中文" in text
    assert yaml.safe_load(text) == document
