"""Every load-file sample in the corpora survives ingest -> export -> ingest with zero field differences.

"Zero" means: every field each record was produced with comes back with the same value, except the
paths of its text and native files (they point into the new volume, and are followed to the same
text); page Bates numbers and page texts are equal; the header has no two columns that differ only
in spelling; a standalone record's BEGATTACH/ENDATTACH are never blank unless produced blank; and
the OPT names the volume each page was produced in.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from uncover import Case
from uncover.ingest.export import export_volume
from uncover.ingest.loadfiles.dat import read_dat, sniff
from uncover.ingest.loadfiles.fields import canonical_name, normalize_name
from uncover.ingest.volume import ingest_volume

REL = "loadfiles-relativity-samples"
DOJ = "loadfiles-doj-epstein-efta"
SAMPLES = [
    *[(REL, [f"load_file_{n}.dat", opt]) for n in ("01", "02", "03", "04", "05", *(f"07_{i}" for i in range(8)))
      for opt in ("Opticon_01.opt",)],
    (REL, ["load_file_01.dat", "opticon_02.opt"]),
    (f"{DOJ}/VOL00001", None),  # DAT + LFP
    (f"{DOJ}/VOL00001", ["DATA/VOL00001.DII"]),
    (f"{DOJ}/VOL00002", None),  # DAT + OPT
    ("email-enron-edrm-freeeed-production", ["load-no-text.csv"]),
]


def _raw_opt_volumes(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {row[0]: row[1] for row in csv.reader(fh) if len(row) > 2}


@pytest.mark.parametrize(("volume", "loadfiles"), SAMPLES, ids=lambda v: v if isinstance(v, str) else "+".join(v or ["auto"]))
def test_round_trip_has_zero_field_differences(corpora: Path, tmp_path: Path, volume: str, loadfiles: list[str] | None) -> None:
    with Case.init(tmp_path / "a") as first, Case.init(tmp_path / "b") as again:
        ingest_volume(first, corpora / volume, "P", ocr="never", loadfiles=loadfiles)
        out = tmp_path / "EXPORT"
        export_volume(first, out)
        ingest_volume(again, out, "RT", ocr="never")
        before = {d.bates_begin: d for d in first.store.iter_documents()}
        after = {d.bates_begin: d for d in again.store.iter_documents()}
        assert sorted(before) == sorted(after) and before
        differences = []
        for key, a in before.items():
            b = after[key]
            for name, value in a.raw_fields.items():
                if canonical_name(name) not in ("text_path", "native_path") and b.raw_fields.get(name) != value:
                    differences.append((key, name, value, b.raw_fields.get(name)))
            pa, pb = first.store.pages(a.id), again.store.pages(b.id)
            if [(p.bates, p.text) for p in pa] != [(p.bates, p.text) for p in pb]:
                differences.append((key, "pages"))
        assert differences == []
        dialect = sniff(out / "DATA" / "export.dat")
        header = dialect.field_names
        assert len({normalize_name(n) for n in header}) == len(header)  # no case-variant twins
        _, rows = read_dat(out / "DATA" / "export.dat", dialect)
        attach = [n for n in header if canonical_name(n) in ("attach_begin", "attach_end")]
        for row in rows:
            produced = before[row.fields[header[0]]].raw_fields
            for name in attach:
                assert row.fields[name] or (name in produced and not produced[name]), (row.fields[header[0]], name)
        # each OPT line names the volume its page was produced in, never the export folder's name
        exported = _raw_opt_volumes(out / "DATA" / "export.opt")
        produced = {p.bates: d.metadata["_loadfile"]["volume"] for d in before.values()
                    for p in first.store.pages(d.id) if p.image_ref}
        assert exported == {bates: produced[bates] for bates in exported}
        if volume == REL:
            assert set(exported.values()) == {"VOL01"}
