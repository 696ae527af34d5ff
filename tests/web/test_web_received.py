"""Recording the day a production was received from the overview page, as `uncover received` does."""

from __future__ import annotations

from pathlib import Path

from web_helpers import csrf_of, make_client


def test_record_receipt_from_the_overview(case_copy: Path) -> None:
    from uncover import Case

    with make_client(case_copy) as client:
        page = client.get("/overview")
        assert page.status_code == 200 and 'name="received"' in page.text
        token = csrf_of(page.text)
        assert client.post("/productions/received", data={"production": "STATE-VOL01",
                                                          "received": "2015-05-22"}).status_code == 403  # no token
        done = client.post("/productions/received", data={"production": "STATE-VOL01", "received": "2015-05-22",
                                                          "csrf_token": token})
        assert done.status_code == 303
        assert 'value="2015-05-22"' in client.get("/overview").text
        bad = client.post("/productions/received", data={"production": "STATE-VOL01", "received": "soon",
                                                         "csrf_token": token})
        assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text
    with Case.open(case_copy) as case:
        assert [p.received_at for p in case.store.productions() if p.name == "STATE-VOL01"] == ["2015-05-22"]
