"""Fixtures of the publish tests: the canary case (module-wide) and a site built from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from publish_helpers import PublishCase, build_publish_case, guide_for


@pytest.fixture(scope="module")
def publish_case(tmp_path_factory: pytest.TempPathFactory, corpora: Path) -> PublishCase:
    return build_publish_case(tmp_path_factory.mktemp("publish"), corpora)


@pytest.fixture(scope="module")
def built_site(publish_case: PublishCase, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from uncover import Case
    from uncover.publish import add_documents, create_publication, publish

    out = tmp_path_factory.mktemp("site") / "site"
    with Case.open(publish_case.root) as case:
        pub = create_publication(case, "secure-communities", "Secure Communities records",
                                 introduction="Records released in *NDLON v. ICE*.", guide=guide_for(publish_case),
                                 base_url="https://example.org/room/")
        add_documents(case, pub, publish_case.published)
        result = publish(case, pub, out, pdf=True)
    return out, result


