#!/usr/bin/env python3
"""Which b-trees the last commits wrote: reads a copy of an SQLite WAL and attributes its frames
(one page each) to tables and indexes, per commit. Used for docs/PERFORMANCE.md ("Where the
writer's time goes").

Usage: wal_pages.py DB WAL_COPY [LAST_COMMITS]
  DB        the database file (opened read-only; needs SQLite's dbstat table)
  WAL_COPY  a copy of DB-wal taken while or right after a load ran
"""
import collections
import sqlite3
import struct
import sys


def commits(wal):
    """Lists of page numbers, one list per committed transaction still in the WAL."""
    data = open(wal, "rb").read()
    if len(data) < 32:
        return [], 0
    page_size = struct.unpack(">I", data[8:12])[0]
    salt = data[16:24]
    frame = 24 + page_size
    out, cur, off = [], [], 32
    while off + frame <= len(data):
        page, commit = struct.unpack(">II", data[off:off + 8])
        if data[off + 8:off + 16] != salt:
            break  # frames of an earlier WAL generation
        cur.append(page)
        if commit:
            out.append(cur)
            cur = []
        off += frame
    return out, page_size


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    db, wal = sys.argv[1], sys.argv[2]
    last = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    txs, page_size = commits(wal)
    if not txs:
        sys.exit("no committed frames in " + wal)
    owner = {}
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    for name, pageno in con.execute("SELECT name, pageno FROM dbstat"):
        owner[pageno] = name
    txs = txs[-last:]
    count = collections.Counter(owner.get(p, "(free or new)") for t in txs for p in t)
    frames = sum(len(t) for t in txs)
    print(f"{len(txs)} commits, {frames} pages of {page_size} B: {frames / len(txs):.1f} pages per commit")
    for name, n in count.most_common():
        print(f"{n / len(txs):8.1f}  {name}")


if __name__ == "__main__":
    main()
