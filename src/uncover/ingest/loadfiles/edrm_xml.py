"""EDRM XML 1.2: `Root/Batch/Documents/Document[@DocID]` with Tags, Files, Locations, Relationships.

Parsed with expat directly and streamed one Document at a time. A DOCTYPE, entity declaration or
external entity is refused outright: a production file must never make us read a local file (XXE)
or expand an entity bomb. Attribute names are matched case-insensitively (`DocID`/`DocId`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.parsers import expat

from ...errors import LoadFileError
from .dat import DatRecord

TAG_FIELDS = {"#from": "from", "#to": "to", "#cc": "cc", "#bcc": "bcc", "#subject": "subject",
              "#datesent": "date_sent", "#filename": "filename", "#custodian": "custodian",
              "#begbates": "bates_begin", "#endbates": "bates_end", "#datecreated": "date_created",
              "#datemodified": "date_modified", "#author": "author", "#title": "title"}


class _Forbidden(Exception):
    pass


def read_edrm_xml(path: Path) -> Iterator[DatRecord]:
    """Documents as records: Tags become raw fields; files and relationships become canonical fields."""
    done: list[DatRecord] = []
    state: dict[str, object] = {"doc": None, "file_type": None, "in_custodian": False, "text": []}
    parents: dict[str, str] = {}

    def attrs_lower(attrs: dict[str, str]) -> dict[str, str]:
        return {k.lower(): v for k, v in attrs.items()}

    def start(name: str, attrs: dict[str, str]) -> None:
        a = attrs_lower(attrs)
        lname = name.lower()
        doc = state["doc"]
        if lname == "document":
            docid = a.get("docid", "")
            rec = DatRecord(parser.CurrentLineNumber, {"DocID": docid}, overrides={"DocID": "bates_begin"})
            state["doc"] = rec
        elif isinstance(doc, DatRecord):
            if lname == "tag":
                tag_name = a.get("tagname", "")
                doc.fields[tag_name] = a.get("tagvalue", "")
                if tag_name.lower() in TAG_FIELDS:
                    doc.overrides[tag_name] = TAG_FIELDS[tag_name.lower()]
            elif lname == "file":
                state["file_type"] = a.get("filetype", "").lower()
            elif lname == "externalfile":
                rel = "\\".join(p for p in (a.get("filepath", "").strip("\\"), a.get("filename", "")) if p)
                kind = state["file_type"]
                key = {"native": "NativeFile", "text": "TextFile", "image": "ImageFile"}.get(str(kind), "File")
                if key == "ImageFile":
                    doc.fields[key] = (doc.fields.get(key, "") + ";" + rel).lstrip(";")
                else:
                    doc.fields[key] = rel
                doc.overrides.update({"NativeFile": "native_path", "TextFile": "text_path"})
            elif lname == "custodian":
                state["in_custodian"] = True
                state["text"] = []
        if lname == "relationship":
            parent, child = a.get("parentdocid", ""), a.get("childdocid", "")
            if parent and child:
                parents[child] = parent

    def end(name: str) -> None:
        lname = name.lower()
        doc = state["doc"]
        if lname == "custodian" and isinstance(doc, DatRecord):
            doc.fields["Custodian"] = "".join(state["text"]).strip()  # type: ignore[arg-type]
            state["in_custodian"] = False
        elif lname == "document" and isinstance(doc, DatRecord):
            done.append(doc)
            state["doc"] = None

    def chars(data: str) -> None:
        if state["in_custodian"]:
            state["text"].append(data)  # type: ignore[union-attr]

    def forbid(*_args: object) -> None:
        raise _Forbidden()

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = forbid
    parser.EntityDeclHandler = forbid
    parser.ExternalEntityRefHandler = forbid  # type: ignore[assignment]
    held: list[DatRecord] = []
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 16):
            try:
                parser.Parse(chunk, False)
            except _Forbidden:
                raise LoadFileError(
                    f"{path} declares a DOCTYPE or XML entities, which EDRM XML never needs; refused so the file "
                    "cannot read local files or expand an entity bomb. Ask the producer for a plain EDRM XML file.",
                    path=str(path)) from None
            except expat.ExpatError as exc:
                raise LoadFileError(f"{path} is not well-formed XML ({exc}); ask the producer for a corrected file.",
                                    path=str(path)) from exc
            # relationships usually follow all documents: hold records until the end when any appear
            held.extend(done)
            done.clear()
        parser.Parse(b"", True)
    held.extend(done)
    for rec in held:
        docid = rec.fields.get("DocID", "")
        if docid in parents:
            rec.fields["ParentDocID"] = parents[docid]
            rec.overrides["ParentDocID"] = "parent_id"
        yield rec
