"""The workspace page: create a publication, build it, preview the built site; nothing outside it is served."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from publish_helpers import CANARY_NOTE, PUBLISHED_PHRASE


def _client(case_dir):  # type: ignore[no-untyped-def]
    from uncover.web.app import WebSettings, create_app

    app = create_app(case_dir, WebSettings(allowed_hosts=("127.0.0.1",)))
    return TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)


def test_create_build_and_preview(publish_case) -> None:  # type: ignore[no-untyped-def]
    with _client(publish_case.root) as client:
        page = client.get("/publications")
        assert page.status_code == 200
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]  # type: ignore[index]
        assert client.post("/publications", data={"name": "web-room", "title": "Web room"}).status_code == 403
        done = client.post("/publications", data={"csrf_token": csrf, "name": "web-room", "title": "Web room",
                                                  "docs": publish_case.memo})
        assert done.status_code == 303 and done.headers["location"] == "/publications/web-room"
        client.post("/publications/web-room/guide", data={"csrf_token": csrf, "guide": f"See [[{publish_case.memo} p2]]."})
        detail = client.get("/publications/web-room")
        assert publish_case.memo in detail.text and "not in the publication" not in detail.text
        assert client.post("/publications/web-room/build", data={"csrf_token": csrf}).status_code == 303
        index = client.get("/publications/web-room/site/index.html")
        assert index.status_code == 200 and "Web room" in index.text
        doc = client.get("/publications/web-room/site/doc/memo.html")
        assert PUBLISHED_PHRASE in doc.text and CANARY_NOTE not in doc.text
        assert client.get("/publications/web-room/site/../../../case.db").status_code == 404
        assert client.get("/publications/web-room/site/%2e%2e/%2e%2e/%2e%2e/case.db").status_code == 404
        assert client.get("/publications/web-room/site/.uncover-site").status_code == 404
        checked = client.get("/publications/web-room/check")
        assert "nothing unpublished found" in checked.text
