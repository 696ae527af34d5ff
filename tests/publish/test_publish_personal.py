"""The personal-data policy: what is masked by default, what a publication chooses to show, and
what must never be taken for personal data (case numbers, dates, Bates numbers)."""

from __future__ import annotations

import json

from click.testing import CliRunner
from publish_helpers import CANARY_EMAIL, CANARY_PHONE

from uncover.cli import main
from uncover.publish.personal import PersonalDataPolicy, mask

STATE_HEADER = """UNCLASSIFIED U.S. Department of State Case No. F-2015-04841 Doc No. C05739547 Date: 05/14/2015
RELEASE IN PART B6
From: Mills, Cheryl D <MillsCD@state.gov>
Sent: Wednesday, September 12, 2012 11:52 AM
To: Ihdr22@clintonernail.com' <hdr22@clintonemail corn>
Cc: Abed in, Huma; Mills, Cheryl D
Subject: Re: Chris Stevens
Call 202-647-4000 or cell: 202 555 0143, or +44 20 7946 0958. Bates ICE0001234, pages 1-2, 2011-01-17."""


def test_default_policy_masks_addresses_phones_and_cc() -> None:
    masked, found = mask(STATE_HEADER, PersonalDataPolicy())
    assert {(m.kind, m.value) for m in found} == {
        ("emails", "MillsCD@state.gov"), ("emails", "Ihdr22@clintonernail.com"), ("emails", "hdr22@clintonemail"),
        ("cc", "Abed in, Huma; Mills, Cheryl D"), ("phones", "202-647-4000"), ("phones", "202 555 0143"),
        ("phones", "+44 20 7946 0958"),
    }
    for kept in ("Case No. F-2015-04841", "Doc No. C05739547", "Date: 05/14/2015", "From: Mills, Cheryl D",
                 "Bates ICE0001234, pages 1-2, 2011-01-17", "Subject: Re: Chris Stevens"):
        assert kept in masked


def test_a_cc_list_that_goes_on_is_masked_to_its_end() -> None:
    text = "To: Field\nCc: Abedin, Huma;\n  Sullivan, Jacob J;\n  Reines, Philippe I\nSubject: Libya\nBody text."
    masked, _ = mask(text, PersonalDataPolicy())
    assert masked == "To: Field\nCc: [Cc list]\nSubject: Libya\nBody text."


def test_names_from_the_records_fields_are_masked_wherever_they_appear() -> None:
    policy = PersonalDataPolicy(names={"custodians": ("David Venturella",), "bcc": ("Ortega, Ana",)})
    masked, found = mask("Memo from David  Venturella to ana ortega? No: to Ortega, Ana.", policy)
    assert masked == "Memo from [name] to ana ortega? No: to [Bcc list]."
    assert [m.kind for m in found] == ["custodians", "bcc"]


def test_shown_kinds_and_kept_values_are_published_as_written() -> None:
    policy = PersonalDataPolicy(shown=frozenset({"cc"}), keep=("millscd@state.gov", "202-647-4000"))
    masked, _ = mask(STATE_HEADER, policy)
    assert "<MillsCD@state.gov>" in masked and "Call 202-647-4000" in masked
    assert "Cc: Abed in, Huma; Mills, Cheryl D" in masked
    assert "cell: [phone number]" in masked


def test_a_publication_chooses_what_to_show_from_the_command_line(publish_case, tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    case = str(publish_case.root)
    done = runner.invoke(main, ["publication", "create", case, "shown-room", "--title", "Shown", "--doc", publish_case.memo])
    assert done.exit_code == 0, done.output
    done = runner.invoke(main, ["publication", "privacy", case, "shown-room", "--show", "emails", "--keep",
                                f"(202) {CANARY_PHONE}", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output) == {"masked": ["phones", "cc", "bcc", "custodians"], "shown": ["emails"],
                                       "keep": [f"(202) {CANARY_PHONE}"]}
    assert runner.invoke(main, ["publication", "privacy", case, "shown-room", "--show", "faces"]).exit_code != 0
    done = runner.invoke(main, ["publish", case, "shown-room", "--out", str(tmp_path / "site"), "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["masked"] == []
    page = (tmp_path / "site" / "doc" / "memo.html").read_text("utf-8")
    assert f"{CANARY_EMAIL}@ice.example.gov" in page and f"(202) {CANARY_PHONE}" in page
