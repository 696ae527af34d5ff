"""A delivery of several volumes: `loadfiles` and `ingest` agree on it, the manifest beside the
volumes is not a document, load files not read are counted apart from exceptions, `volume:` works."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from uncover import Case
from uncover.cli import main
from uncover.ingest.pipeline import IngestOptions, ingest, reconcile
from uncover.search.engine import matching_ids


def test_folder_of_volumes(corpora: Path, tmp_path: Path) -> None:
    parent = tmp_path / "PROD001"
    shutil.copytree(corpora / "loadfiles-relativity-samples", parent / "REL001")
    shutil.copytree(corpora / "loadfiles-doj-epstein-efta" / "VOL00002", parent / "VOL00002")
    shutil.copy(corpora / "loadfiles-doj-epstein-efta" / "MANIFEST.tsv", parent / "MANIFEST.tsv")
    (parent / "cover letter.txt").write_text("Enclosed please find the production of Secure Communities records.")

    shown = CliRunner().invoke(main, ["loadfiles", str(parent), "--json"])
    assert shown.exit_code == 0, shown.output
    report = json.loads(shown.output)
    assert [Path(v["volume"]).name for v in report["volumes"]] == ["REL001", "VOL00002"]
    assert report["documents"] == 5 + 574
    assert len(report["not_read"]) == 16  # 12 DAT variants, a second OPT, 3 RDO files
    assert sum("Relativity Dynamic Objects" in n["message"] for n in report["not_read"]) == 3
    assert [Path(p).name for p in report["delivery_files"]] == ["MANIFEST.tsv"]

    with Case.init(tmp_path / "case") as case:
        result = ingest(case, [parent], IngestOptions(ocr="never", workers=1, analyze=False))
        names = {d.filename for d in case.store.iter_documents()}
        assert "MANIFEST.tsv" not in names and "cover letter.txt" in names
        assert result.counts.documents == 5 + 574 + 1 and result.counts.exceptions == 0
        assert result.counts.loadfiles_not_read == 16 and [Path(f).name for f in result.delivery_files] == ["MANIFEST.tsv"]
        assert reconcile(case)["exceptions"] == 0 and reconcile(case)["difference"] == 0
        assert len(matching_ids(case, "volume:VOL00002")) == 574
        assert len(matching_ids(case, "volume:VOL01")) == 5  # the name its Opticon file gives, not the folder's
    listed = CliRunner().invoke(main, ["exceptions", str(tmp_path / "case")], env={"COLUMNS": "200"})
    assert "16 load file(s) not read" in listed.output and "No exceptions: every input became a document." in listed.output
