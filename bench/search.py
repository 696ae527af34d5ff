"""Search benchmark: uncover's Tantivy index against SQLite FTS5 over the same text, same run.

    .venv/bin/python bench/search.py --docs 20000
    .venv/bin/python bench/search.py --pages 1000000 --cache ~/.cache/uncover-bench [--per-kind 100]

Builds a case of N generated documents (~2 KB of English-like text each: Zipf-distributed words
from a vocabulary of common English words and a long tail of generated ones, with custodians,
dates, subjects), times building the index (uncover.search.reindex) and an FTS5 table of the
same text (unicode61 tokenizer, diacritics kept, as close to Tantivy's default tokenizer as FTS5
allows), then runs 100 queries (25 each phrase, boolean, prefix, field) and prints p50/p95
latency for both and their ratio. Each engine returns the 20 best documents by BM25; Tantivy
also counts every match in the same pass (FTS5 is timed without the count). The match counts of
both engines are compared for every query, so the two answer the same question.

With --pages, the scale bench instead (bench/search_pages.py): an index of that many generated
pages, built once into --cache (reused by later runs, progress printed), then p50/p95/p99 for
term, phrase, prefix, field, boolean and faceted queries.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from uncover import Case
from uncover.model import Document, DocumentKind, Page, TextSource
from uncover.search import reindex, search
from uncover.search.query import parse

COMMON = """the of and to a in is that for it as was with be by on not he this are or his from at which but have
an they you were her she there been one all we their has would when if so no will more can who said its out into
them than then some could these two may other time what any only new about after first also made over state
department report letter memo meeting office policy agency record request release information security staff
director secretary committee program law court order public review program federal government official email
notice response draft attached section budget plan issue update question call week month year today tomorrow
please thanks regards note call brief travel visit press statement country minister embassy ambassador council
president congress hearing testimony counsel legal privacy exemption redaction document page file production""".split()

CUSTODIANS = [f"{first} {last}" for first, last in zip(
    "Marc Cheryl Jacob Huma Philippe Anne David Laura Susan Robert Thomas Karen Maria James Linda".split(),
    "Rapp Mills Sullivan Abedin Reines Slaughter Venturella Shaw Rice Gates Nides Kennedy Otero Steinberg Brown".split(),
    strict=True,
)]


def vocabulary(rng: random.Random, size: int = 40_000) -> list[str]:
    syllables = "ba be bi bo bu ca ce co cu da de di do fa fe fi fo ga ge go ha he hi ho ka ke ki ko la le li lo lu " \
                "ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi " \
                "vo wa we wi za ze zo ber con ter pro tion ment ing ous ant ist".split()
    words = list(dict.fromkeys(COMMON))
    seen = set(words)
    while len(words) < size:
        w = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


class Generator:
    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.vocab = vocabulary(self.rng)
        weights = [1 / (rank + 1) ** 1.07 for rank in range(len(self.vocab))]  # Zipf
        self.cum = list(__import__("itertools").accumulate(weights))

    def words(self, n: int) -> list[str]:
        return self.rng.choices(self.vocab, cum_weights=self.cum, k=n)

    def text(self, chars: int = 2000) -> str:
        ws = self.words(chars // 6)
        lines, line = [], []
        for i, w in enumerate(ws):
            line.append(w.capitalize() if i % 13 == 0 else w)
            if len(line) > 11:
                lines.append(" ".join(line) + ".")
                line = []
        lines.append(" ".join(line))
        return "\n".join(lines)


def build_case(root: Path, n: int, gen: Generator) -> tuple[Case, list[str]]:
    case = Case.init(root)
    prod = case.store.production("VOL001")
    start = date(2009, 1, 1)
    texts: list[str] = []
    for first in range(0, n, 2000):
        with case.store.transaction():
            for i in range(first, min(n, first + 2000)):
                body = gen.text()
                cut = body.find("\n", len(body) // 2)
                pages = [body[:cut], body[cut + 1:]] if i % 3 == 0 and cut > 0 else [body]
                texts.append("\n".join(pages))
                doc = Document(
                    id=0, production_id=prod.id, kind=DocumentKind.EMAIL if i % 4 else DocumentKind.EDOC,
                    filename=f"doc{i:06d}.txt", path=f"doc{i:06d}.txt", sha256=f"{i:064x}", md5="", size=len(body),
                    custodian=CUSTODIANS[i % len(CUSTODIANS)], subject=" ".join(gen.words(5)),
                    date=(start + timedelta(days=gen.rng.randrange(6 * 365))).isoformat(), page_count=len(pages),
                )
                case.store.insert_document(doc, None, [Page(0, k + 1, t, TextSource.NATIVE) for k, t in enumerate(pages)])
    return case, texts


def build_fts(path: Path, case: Case) -> float:
    """An FTS5 table over the same text (all pages of a document); returns seconds."""
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 0')")
    db.execute("ATTACH DATABASE ? AS c", (str(case.root / "case.db"),))
    db.execute("BEGIN")
    db.execute(
        "INSERT INTO fts (rowid, text) SELECT d.id, (SELECT group_concat(text, char(10)) FROM "
        "(SELECT text FROM c.pages p WHERE p.document_id = d.id ORDER BY number)) FROM c.documents d"
    )
    db.execute("COMMIT")
    db.close()
    return time.perf_counter() - started


def make_queries(gen: Generator, texts: list[str]) -> list[tuple[str, str, str, tuple]]:
    """(kind, uncover query, FTS5 SQL, params): 25 of each kind, of mid-frequency words."""
    rng = random.Random(11)
    mid = gen.vocab[150:3000]
    out: list[tuple[str, str, str, tuple]] = []
    top = "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT 20"
    for _ in range(25):
        words = rng.choice(texts).lower().replace(".", "").split()
        i = rng.randrange(len(words) - 2)
        phrase = " ".join(words[i:i + 2])
        out.append(("phrase", f'"{phrase}"', top, (f'"{phrase}"',)))
    for k in range(25):
        a, b = rng.sample(mid, 2)
        op = ("AND", "OR", "NOT")[k % 3]
        ours = f"{a} -{b}" if op == "NOT" else f"{a} {op} {b}"
        out.append(("boolean", ours, top, (f"{a} {op} {b}",)))
    for _ in range(25):
        w = rng.choice([w for w in mid if len(w) >= 6])
        out.append(("prefix", f"{w[:4]}*", top, (f"{w[:4]}*",)))
    for k in range(25):
        w = rng.choice(mid)
        if k % 2:
            who = rng.choice(CUSTODIANS)
            sql = ("SELECT rowid FROM fts WHERE fts MATCH ? AND rowid IN "
                   "(SELECT id FROM c.documents WHERE custodian = ?) ORDER BY rank LIMIT 20")
            out.append(("field", f'{w} custodian:"{who}"', sql, (w, who)))
        else:
            y = rng.randrange(2009, 2015)
            sql = ("SELECT rowid FROM fts WHERE fts MATCH ? AND rowid IN (SELECT id FROM c.documents WHERE "
                   "date BETWEEN ? AND ?) ORDER BY rank LIMIT 20")
            out.append(("field", f"{w} date:{y}-01-01..{y}-06-30", sql, (w, f"{y}-01-01", f"{y}-06-30")))
    return out


def timed(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best * 1000


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="build the case here and keep it (default: a temporary folder)")
    ap.add_argument("--pages", type=int, help="the scale bench: an index of this many generated pages")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "uncover-bench-pages",
                    help="where the scale bench keeps its index between runs")
    ap.add_argument("--per-kind", type=int, default=100, help="scale bench: queries of each kind")
    args = ap.parse_args()
    if args.pages:
        return scale_bench(args.pages, args.cache, args.per_kind)
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="uncover-bench-search-"))
    gen = Generator()

    t = time.perf_counter()
    case, texts = build_case(tmp / "case", args.docs, gen)
    print(f"{args.docs:,} documents, {sum(map(len, texts)) / len(texts) / 1000:.1f} KB of text each, "
          f"generated and stored in {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    reindex(case)
    case.index.close()
    tantivy_s = time.perf_counter() - t
    fts_path = tmp / "fts5.db"
    fts_s = build_fts(fts_path, case)
    tv_size, fts_size = folder_size(case.root / "index"), fts_path.stat().st_size
    print(f"indexing: tantivy {tantivy_s:.1f} s ({args.docs / tantivy_s:,.0f} docs/s, reading case.db included), "
          f"fts5 {fts_s:.1f} s; ratio fts5/tantivy {fts_s / tantivy_s:.2f}x")
    print(f"size: tantivy {tv_size / 1e6:.1f} MB (no text stored: snippets come from case.db), fts5 "
          f"{fts_size / 1e6:.1f} MB (its default table keeps its own copy of the text); ratio {fts_size / tv_size:.2f}x")

    fts = sqlite3.connect(fts_path)
    fts.execute("ATTACH DATABASE ? AS c", (str(case.root / "case.db"),))
    queries = make_queries(gen, texts)
    rows: dict[str, dict[str, list[float]]] = {}
    disagree = []
    search(case, "warm up", limit=20)  # first-call imports (field modules) are not a query's cost
    for kind, ours, sql, params in queries:
        compiled = case.index.compile(parse(ours), case.store.conn)
        tv = timed(lambda c=compiled: case.index.search(c, limit=20))
        full = timed(lambda q=ours: search(case, q, limit=20), repeat=1)
        ft = timed(lambda s=sql, p=params: fts.execute(s, p).fetchall())
        total = case.index.search(compiled, limit=1)[0]
        count_sql = sql.replace("SELECT rowid", "SELECT COUNT(*)").replace(" ORDER BY rank LIMIT 20", "")
        if total != fts.execute(count_sql, params).fetchone()[0]:
            disagree.append(ours)
        for k in (kind, "all"):
            r = rows.setdefault(k, {"tv": [], "ft": [], "full": []})
            r["tv"].append(tv)
            r["ft"].append(ft)
            r["full"].append(full)
    print(f"\n{len(queries)} queries, best of 3 runs each, top 20 by BM25 (ms)")
    print(f"{'kind':<8} {'tantivy p50':>12} {'p95':>7} {'fts5 p50':>9} {'p95':>7} {'ratio p50':>10} {'p95':>6}"
          f"   {'search() p50':>12} {'p95':>7}")
    for kind in ("phrase", "boolean", "prefix", "field", "all"):
        r = rows[kind]
        a50, a95, b50, b95 = pct(r["tv"], 50), pct(r["tv"], 95), pct(r["ft"], 50), pct(r["ft"], 95)
        print(f"{kind:<8} {a50:>12.2f} {a95:>7.2f} {b50:>9.2f} {b95:>7.2f} {b50 / a50:>9.1f}x {b95 / a95:>5.1f}x"
              f"   {pct(r['full'], 50):>12.2f} {pct(r['full'], 95):>7.2f}")
    print("\nsearch(): the whole call a user waits for (parse, index, metadata, pages with hits and snippets for")
    print("the 20 hits shown), one run.")
    print(f"match counts: tantivy and fts5 agree on {len(queries) - len(disagree)} of {len(queries)} queries"
          + (f"; differ on: {disagree}" if disagree else ""))
    case.close()
    if not args.keep:
        print(f"(case left in {tmp} for inspection; delete it when done)")


def scale_bench(pages: int, cache: Path, per_kind: int) -> None:
    from search_pages import build, measure  # bench/search_pages.py

    from uncover.search.index import SCHEMA_VERSION

    folder = cache / f"pages-{pages}-schema{SCHEMA_VERSION}"
    if not (folder / "corpus.json").exists():
        folder.mkdir(parents=True, exist_ok=True)
        print(f"building an index of {pages:,} generated pages in {folder} (once; later runs reuse it)")
        t = time.perf_counter()
        build(folder, pages, vocabulary(random.Random(7)), CUSTODIANS)
        size = folder_size(folder / "index")
        print(f"built in {time.perf_counter() - t:,.0f} s; index {size / 1e9:.2f} GB")
    measure(folder, per_kind)


if __name__ == "__main__":
    sys.exit(main())
