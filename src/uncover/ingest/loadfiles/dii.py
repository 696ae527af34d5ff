"""Summation DII: one block per document, opened by `@T <BEGDOC>`.

    @T ABC0001                     document id (first Bates)
    @C CUSTODIAN Smith             a field: name, then value
    @D @I\\IMAGES\\0001\\             image folder (@I: relative to the image root)
    ABC0001.tif                    one line per page image, relative to @D
    @EDOC \\NATIVES\\ABC0001.xls     the native file
    @O \\TEXT\\ABC0001.txt            a text file (also @FULLTEXT with a path)
    @OCR ... @EOCR                 inline text
    @PARENTID, @ATTACH, @MEDIA ...  kept as fields named by their tag
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .dat import DatRecord, detect_encoding, open_text
from .opt import ImageLine

TAG_FIELDS = {"@T": "bates_begin", "@EDOC": "native_path", "@O": "text_path", "@PARENTID": "parent_id",
              "@ATTACH": "attach_range", "@ATTACHRANGE": "attach_range", "@FULLTEXT": "text_path"}


def read_dii(path: Path) -> Iterator[DatRecord]:
    with open(path, "rb") as fh:
        encoding, _ = detect_encoding(fh.read(65536))
    record: DatRecord | None = None
    directory = ""
    ocr: list[str] | None = None
    with open_text(path, encoding) as fh:
        for number, raw_line in enumerate(fh, start=1):
            line = raw_line.rstrip("\r\n")
            if ocr is not None:
                if line.strip().upper() == "@EOCR":
                    if record is not None:
                        record.text = "\n".join(ocr)
                    ocr = None
                else:
                    ocr.append(line)
                continue
            stripped = line.strip().lstrip("\ufeff")
            if not stripped or stripped.startswith(";"):
                continue
            if stripped.startswith("@"):
                tag, _, value = stripped.partition(" ")
                tag = tag.upper()
                value = value.strip()
                if tag == "@T":
                    if record is not None:
                        yield record
                    record = DatRecord(number, {"@T": value}, overrides={"@T": "bates_begin"}, images=[])
                    directory = ""
                    continue
                if record is None:
                    continue
                if tag == "@C":
                    name, _, field_value = value.partition(" ")
                    record.fields[name] = field_value.strip()
                elif tag == "@D":
                    directory = value[2:] if value.upper().startswith("@I") else value
                    record.fields["@D"] = value
                elif tag == "@OCR":
                    ocr = []
                elif tag == "@FULLTEXT" and value.upper() in ("DOC", "PAGE", "FILE"):
                    record.fields["@FULLTEXT"] = value
                else:
                    record.fields[tag] = value
                    if tag in TAG_FIELDS:
                        record.overrides[tag] = TAG_FIELDS[tag]
                continue
            if record is not None and record.images is not None:
                rel = "\\".join(p for p in (directory.strip("\\"), stripped.strip("\\")) if p)
                record.images.append(ImageLine(key="", path=rel, doc_break=not record.images, line=number))
    if record is not None:
        yield record
