"""Small load-file volumes written into tmp_path: one per dialect, encoding and defect."""

from __future__ import annotations

from pathlib import Path

HEADER = ["BEGBATES", "ENDBATES", "BEGATTACH", "ENDATTACH", "CUSTODIAN", "SUBJECT", "PGCOUNT", "TEXTPATH"]


def rows(n: int = 3) -> list[list[str]]:
    out = []
    for i in range(n):
        b = 100 + i * 2
        out.append([f"ABC{b:07d}", f"ABC{b + 1:07d}", "", "", "Venturella, David",
                    f"Secure Communities | opt-out ^ memo {i}", "2", f"TEXT\\ABC{b:07d}.txt"])
    return out


def write_dat(path: Path, header: list[str] | None, data: list[list[str]], delimiter: str = "\x14",
              qualifier: str = "\u00fe", encoding: str = "utf-8", bom: bool = False, partial: bool = False) -> None:
    lines = []
    for r in ([header] if header else []) + data:
        cells = []
        for j, v in enumerate(r):
            quote = qualifier and (not partial or j == 0 or delimiter in v or "\n" in v)
            cells.append(f"{qualifier}{v.replace(qualifier, qualifier * 2)}{qualifier}" if quote else v)
        lines.append(delimiter.join(cells))
    text = "\r\n".join(lines) + "\r\n"
    data_bytes = text.encode(encoding)
    if bom and encoding == "utf-8":
        data_bytes = b"\xef\xbb\xbf" + data_bytes
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data_bytes)


def write_opt(path: Path, docs: list[tuple[str, int]], prefix: str = "ABC", folder: str = "IMAGES\\001") -> None:
    lines = []
    for begin, pages in docs:
        start = int(begin[len(prefix):])
        for p in range(pages):
            key = f"{prefix}{start + p:07d}"
            lines.append(f"{key},VOL001,{folder}\\{key}.tif,{'Y' if p == 0 else ''},,,{pages if p == 0 else ''}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\r\n".join(lines) + "\r\n", "utf-8")


def write_tiff(path: Path, text: str = "") -> None:
    from PIL import Image, ImageDraw

    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.new("L", (200, 100), 255)
    ImageDraw.Draw(img).text((10, 40), text or path.stem, fill=0)
    img.save(path, format="TIFF")


def write_texts(root: Path, data: list[list[str]]) -> None:
    for r in data:
        (root / "TEXT").mkdir(parents=True, exist_ok=True)
        (root / "TEXT" / f"{r[0]}.txt").write_text(f"page one of {r[0]}\fpage two of {r[0]}", "utf-8")


def standard_volume(root: Path, n: int = 3, images: bool = True) -> list[list[str]]:
    data = rows(n)
    write_dat(root / "DATA" / "VOL001.dat", HEADER, data)
    write_opt(root / "DATA" / "VOL001.opt", [(r[0], 2) for r in data])
    write_texts(root, data)
    if images:
        for r in data:
            start = int(r[0][3:])
            for p in range(2):
                write_tiff(root / "IMAGES" / "001" / f"ABC{start + p:07d}.tif")
    return data
