"""A small, clean DAT+OPT+TEXT+IMAGES volume written into tmp_path, which tests then break on purpose.

Each record is a dict of DAT fields plus instructions starting with `_`: `_pages` (page count),
`_texts` (one string per page; None: no text file), `_image` ("tiff", "png", "garbage", "none",
"multi3": one 3-page TIFF for the whole document), `_optcount` (the page count the OPT declares).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

HEADER = ["BEGBATES", "ENDBATES", "BEGATTACH", "ENDATTACH", "PARENT_BATES", "CUSTODIAN", "FROM", "TO", "SUBJECT",
          "DATESENT", "FILENAME", "PGCOUNT", "NATIVEPATH", "PRPRTIES"]


def _bates(n: int, prefix: str = "ABC", width: int = 7) -> str:
    return f"{prefix}{n:0{width}d}"


def record(begin: int, pages: int, **fields: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {h: "" for h in HEADER}
    rec.update(BEGBATES=_bates(begin), ENDBATES=_bates(begin + pages - 1), CUSTODIAN="Venturella, David",
               FILENAME=f"memo-{begin}.docx", PGCOUNT=str(pages), _pages=pages,
               _texts=[f"Secure Communities memo {begin}, page {p + 1}." for p in range(pages)], _image="tiff")
    rec.update(fields)
    return rec


def clean_records() -> list[dict[str, Any]]:
    """An e-mail with one attachment, two memos and a native spreadsheet: ABC0000100-ABC0000109."""
    return [
        record(100, 2, BEGATTACH="ABC0000100", ENDATTACH="ABC0000104", FROM="marc.rapp@ice.dhs.gov",
               TO="david.venturella@ice.dhs.gov", SUBJECT="Opt-out memo", DATESENT="01/17/2011",
               FILENAME="Opt-out memo.msg"),
        record(102, 3, BEGATTACH="ABC0000100", ENDATTACH="ABC0000104", PARENT_BATES="ABC0000100"),
        record(105, 2),
        record(107, 1, FILENAME="counts.xlsx", NATIVEPATH="NATIVES\\ABC0000107.xlsx"),
        record(108, 2),
    ]


def write_volume(root: Path, records: list[dict[str, Any]], header: list[str] | None = None,
                 delimiter: str = "\x14", qualifier: str = "\u00fe", extra_opt: list[str] | None = None,
                 encoding: str = "utf-8") -> Path:
    """Write DATA/VOL001.dat and .opt, TEXT/, IMAGES/ and NATIVES/ for the records."""
    header = header or HEADER
    lines = [delimiter.join(f"{qualifier}{h}{qualifier}" for h in header)]
    opt: list[str] = []
    for rec in records:
        cells = [str(rec.get(h, "")) for h in header[: rec.get("_fields", len(header))]]
        lines.append(delimiter.join(f"{qualifier}{c}{qualifier}" for c in cells))
        begin = rec["BEGBATES"]
        prefix = begin.rstrip("0123456789")
        digits = begin[len(prefix):]
        start = int(digits)
        keys = [f"{prefix}{start + p:0{len(digits)}d}" for p in range(rec["_pages"])] if "_keys" not in rec \
            else rec["_keys"]
        kind = rec.get("_image", "tiff")
        for p, key in enumerate(keys):
            ext = "png" if kind == "png" else "tif"
            name = f"{keys[0]}.tif" if kind == "multi3" else f"{key}.{ext}"
            count = rec.get("_optcount", len(keys)) if p == 0 else ""
            opt.append(f"{key},VOL001,IMAGES\\001\\{name},{'Y' if p == 0 else ''},,,{count}")
            target = root / "IMAGES" / "001" / name
            if kind == "none" or (kind == "multi3" and p > 0):
                continue
            _write_image(target, kind, key)
        if rec.get("_texts") is not None:
            (root / "TEXT").mkdir(parents=True, exist_ok=True)
            (root / "TEXT" / f"{begin}.txt").write_text("\f".join(rec["_texts"]), "utf-8")
        native = rec.get("NATIVEPATH", "")
        if native and not rec.get("_native_absent"):
            path = root / native.replace("\\", "/")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"PK\x03\x04 not opened: the text file comes first")
    opt.extend(extra_opt or [])
    (root / "DATA").mkdir(parents=True, exist_ok=True)
    (root / "DATA" / "VOL001.dat").write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    (root / "DATA" / "VOL001.opt").write_text("\r\n".join(opt) + "\r\n", "utf-8")
    return root


def _write_image(path: Path, kind: str, key: str) -> None:
    from PIL import Image, ImageDraw

    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "garbage":
        path.write_bytes(b"II*\x00 this is not a TIFF at all")
        return
    img = Image.new("L", (120, 60), 255)
    ImageDraw.Draw(img).text((5, 20), key, fill=0)
    if kind == "png":
        img.save(path, format="PNG")
    elif kind == "multi3":
        img.save(path, format="TIFF", save_all=True, append_images=[img.copy(), img.copy()])
    else:
        img.save(path, format="TIFF")


def variant(**changes: dict[str, Any]) -> list[dict[str, Any]]:
    """The clean records with fields of some records changed: variant(ABC0000105={"CUSTODIAN": ""})."""
    records = copy.deepcopy(clean_records())
    for rec in records:
        rec.update(changes.get(rec["BEGBATES"], {}))
    return records
