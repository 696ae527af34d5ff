"""Threading throughput: generated e-mails with headers (and some without) through build_threads.

    .venv/bin/python bench/threads.py --messages 100000

Conversations of 1-8 messages; each reply quotes its parent and carries In-Reply-To/References,
except 20% of conversations whose messages lost their headers (printed e-mails), which must be
threaded by their quoted messages (sender, date, subject of each, as segments.py reads them at
ingest) and by subject and participants. Each message carries where its body starts, as the
stored reading gives it to the case pass. Prints time, thread counts, accuracy against the truth
and the inclusive count.
"""

from __future__ import annotations

import argparse
import random
import resource
import time

from uncover.analyze.threads import Message, QuotedMessage, build_threads


def generate(n: int, seed: int = 5) -> tuple[list[Message], dict[int, int]]:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(20_000)]
    people = [f"person{i}@agency.gov" for i in range(5_000)]
    messages: list[Message] = []
    truth: dict[int, int] = {}
    conv = 0
    while len(messages) < n:
        conv += 1
        size = min(rng.randint(1, 8), n - len(messages))
        headers = rng.random() > 0.2
        subject = f"topic {conv} " + " ".join(rng.choices(words, k=3))
        pair = rng.sample(people, 2)
        body = ""
        root = f"<c{conv}.0@agency.gov>"
        refs: list[str] = []
        for k in range(size):
            mid = f"<c{conv}.{k}@agency.gov>"
            new = " ".join(rng.choices(words, k=rng.randint(20, 120)))
            quoted = ("\n\n-----Original Message-----\nFrom: " + pair[(k + 1) % 2] + "\nSent: today\nTo: " + pair[k % 2]
                      + "\nSubject: " + subject + "\n\n" + body) if body else ""
            body = new + quoted
            doc_id = len(messages) + 1
            earlier = tuple(QuotedMessage(pair[j % 2], f"2011-01-{1 + j:02d}T10:00:00", ("RE: " if j else "") + subject)
                            for j in range(k - 1, -1, -1))
            messages.append(Message(
                id=doc_id, message_id=mid if headers else None,
                in_reply_to=(refs[-1] if refs else None) if headers else None,
                references=" ".join(refs) if headers and refs else None,
                subject=("RE: " if k else "") + subject, sender=pair[k % 2], recipients=pair[(k + 1) % 2],
                date=f"2011-01-{1 + k:02d}T10:00:00", body=body, quoted=earlier, body_start=0,
            ))
            truth[doc_id] = conv
            refs.append(mid)
        del root
    return messages, truth


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args()
    messages, truth = generate(args.messages)
    t = time.perf_counter()
    threads = build_threads(messages)
    elapsed = time.perf_counter() - t
    found = {d: i for i, th in enumerate(threads) for d in th.members}
    # pairwise agreement with the generated conversations
    correct = sum(1 for th in threads if len({truth[d] for d in th.members}) == 1)
    multi = {c for c in truth.values() if list(truth.values()).count(c) > 1} if args.messages <= 5000 else None
    expected_threads = len({c for d, c in truth.items()}) if multi is None else len(multi)
    missed = sum(1 for d, c in truth.items() if d not in found and sum(1 for x in truth.values() if x == c) > 1) if args.messages <= 5000 else "n/a"
    inclusive = sum(len(th.inclusive) for th in threads)
    print(f"{len(messages)} messages threaded in {elapsed:.1f} s ({len(messages) / elapsed:,.0f}/s); "
          f"{len(threads)} threads (of {expected_threads} conversations incl. singletons), "
          f"{correct}/{len(threads)} threads hold one conversation only, missed {missed}; {inclusive} inclusive; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
