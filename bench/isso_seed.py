"""Seed Isso's SQLite database; run by the Isso virtual environment's Python, not ours.

Usage: ``python isso_seed.py ISSO_CFG THREADS_JSON``. Isso's own ``isso.db.SQLite3`` creates
the schema (tables, ``user_version``, the session key), then the threads and comments are
inserted with the columns and values ``isso.db.comments.Comments.add`` writes: ``mode`` 1
(published), the anonymised address, a voters Bloom filter of that address, raw Markdown
(Isso renders on read). Replies are one level deep, Isso's own rule.
"""

import json
import sqlite3
import sys

from isso import config
from isso.db import SQLite3
from isso.utils import Bloomfilter


def main(cfg_path: str, threads_path: str) -> None:
    conf = config.load(config.default_file(), cfg_path)
    path = conf.get("general", "dbpath")
    SQLite3(path, conf)  # the schema, as Isso makes it on first start
    threads = json.loads(open(threads_path, encoding="utf-8").read())
    con = sqlite3.connect(path)
    # The same journal mode as ours (persistent in the file); Isso's own connections use it.
    con.execute("PRAGMA journal_mode=WAL")
    with con:
        for uri, thread in threads.items():
            tid = con.execute(
                "INSERT INTO threads (uri, title) VALUES (?, ?)", (uri, thread["title"])
            ).lastrowid
            first = (con.execute("SELECT max(id) FROM comments").fetchone()[0] or 0) + 1
            rows = []
            for i, c in enumerate(thread["comments"]):
                parent = None if c["parent"] is None else first + c["parent"]
                voters = memoryview(Bloomfilter(iterable=[c["remote_addr"]]).array)
                rows.append(
                    (tid, first + i, parent, c["created"], None, 1, c["remote_addr"], c["text"],
                     c["author"], c["email"], None, 0, 0, voters, 0)
                )  # fmt: skip
            con.executemany(
                "INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr,"
                " text, author, email, website, likes, dislikes, voters, notification)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    print(json.dumps({uri: len(t["comments"]) for uri, t in threads.items()}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
