"""Time and peak memory of importing a 5,000-entry blog feed (the numbers in the README).

Run from the project folder: `.venv/bin/python tests/bench/feed_import.py [ENTRIES]`. It
writes the feed to a temporary folder, imports it into a fresh SQLite database there, and
prints the wall and CPU time and the process's peak resident memory (before and after the
import). The machine's load moves the wall time; the CPU time is the steadier number.
"""

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

PARAGRAPH = "<p>쿠버네티스 <b>스케줄러</b>는 파드를 노드에 배치한다. kubectl get pods -o wide</p>"


def write_feed(path: Path, entries: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>')
        out.write("<title>bench</title><link>https://blog.example.com/</link>")
        for n in range(entries):
            body = PARAGRAPH * 20 + f"<pre><code>echo {n}</code></pre>"
            out.write(
                f"<item><title>[Bench] 글 {n}</title>"
                f"<link>https://blog.example.com/entry/{n}</link><guid>post-{n}</guid>"
                f"<pubDate>Tue, 05 Sep 2023 12:10:00 +0000</pubDate>"
                f"<description><![CDATA[{body}]]></description></item>\n"
            )
        out.write("</channel></rss>\n")


def main() -> None:
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    folder = Path(tempfile.mkdtemp())
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import django

    django.setup()
    from django.core.management import call_command

    from lessons.authoring.feeds import import_feed

    call_command("migrate", verbosity=0)
    feed = folder / "feed.xml"
    write_feed(feed, entries)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    result = import_feed(feed)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    print(
        f"{entries} entries, {feed.stat().st_size / 1e6:.1f} MB: {len(result.created)} created "
        f"in {seconds:.1f} s ({cpu:.1f} s of CPU); peak RSS {usage.ru_maxrss / 1024:.0f} MB "
        f"before the import, {after.ru_maxrss / 1024:.0f} MB after"
    )


if __name__ == "__main__":
    main()
