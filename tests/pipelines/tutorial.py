#!/usr/bin/env python3
"""The tutorial's own generators (Beazley, "Generator Tricks for Systems Programmers"), used by
tests/pipelines to compute each cookbook answer independently of gpipe.

    tutorial.py ANSWER [ARGS...]    prints the answer, one item per line, as gquery -t would
"""
import bz2
import gzip
import json
import re
import signal
import sys
from pathlib import Path

LOGPAT = re.compile(r'(\S+) (\S+) (\S+) \[(.*?)\] "(\S+) (\S+) (\S+)" (\S+) (\S+)')
COLNAMES = ("host", "ident", "user", "datetime", "method", "request", "proto", "status", "bytes")


def gen_find(filepat, top):
    # Path.rglob's order is the directory's; gfind's is sorted, which sorted() gives here.
    return sorted(str(p) for p in Path(top).rglob(filepat) if p.is_file())


def gen_open(paths):
    for path in paths:
        if path.endswith(".gz"):
            yield gzip.open(path, "rt", errors="surrogateescape")
        elif path.endswith(".bz2"):
            yield bz2.open(path, "rt", errors="surrogateescape")
        else:
            yield open(path, errors="surrogateescape")


def gen_cat(sources):
    for src in sources:
        yield from src


def gen_grep(pat, lines):
    patc = re.compile(pat)
    return (line for line in lines if patc.search(line))


def field_map(dictseq, name, func):
    for d in dictseq:
        d[name] = func(d[name])
        yield d


def apache_log(lines):
    groups = (LOGPAT.match(line) for line in lines)
    tuples = (g.groups() for g in groups if g)
    log = (dict(zip(COLNAMES, t)) for t in tuples)
    log = field_map(log, "bytes", lambda s: int(s) if s != "-" else 0)
    return field_map(log, "status", int)


def bytes_total(lines):
    bytecolumn = (line.rsplit(None, 1)[1] for line in lines)
    return sum(int(x) for x in bytecolumn if x != "-")


def log_of(path):
    return apache_log(open(path, errors="surrogateescape"))


def dir_lines(top):
    return gen_cat(gen_open(gen_find("access-log*", top)))


def distinct(items):
    seen = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


ANSWERS = {
    "bytes": lambda f: [bytes_total(open(f))],
    "find": lambda pat, top: gen_find(pat, top),
    "count-lines": lambda top: [sum(1 for _ in dir_lines(top))],
    "grep": lambda pat, top: [l.rstrip("\n") for l in gen_grep(pat, dir_lines(top))],
    "bytes-grep": lambda pat, top: [bytes_total(gen_grep(pat, dir_lines(top)))],
    "tsv": lambda f: ["\t".join(COLNAMES)] + ["\t".join(str(r[c]) for c in COLNAMES) for r in log_of(f)],
    "records": lambda f: [json.dumps(r) for r in log_of(f)],
    "count-sum-dir": lambda top: (lambda rs: [f"{len(rs)} {sum(r['bytes'] for r in rs)}"])(
        list(apache_log(dir_lines(top)))),
    "404-dir": lambda top: sorted({r["request"] for r in apache_log(dir_lines(top)) if r["status"] == 404}),
    "404-set": lambda f: sorted({r["request"] for r in log_of(f) if r["status"] == 404}),
    "large": lambda f: [f"{r['request']} {r['bytes']}" for r in log_of(f) if r["bytes"] > 1000000],
    "largest": lambda f: ["%d %s" % max((r["bytes"], r["request"]) for r in log_of(f))],
    "hosts": lambda f: distinct(r["host"] for r in log_of(f)),
    "count-hosts": lambda f: [len({r["host"] for r in log_of(f)})],
    "downloads": lambda f, path: [sum(1 for r in log_of(f) if r["request"] == path)],
    "robots": lambda f: sorted({r["host"] for r in log_of(f) if "robots.txt" in r["request"]}),
    "404-count": lambda f: [sum(1 for r in log_of(f) if r["status"] == 404)],
    "404-lines": lambda f: [f"{r['host']} {r['datetime']} {r['request']}" for r in log_of(f) if r["status"] == 404],
}

if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under | head, like a Unix tool
    for item in ANSWERS[sys.argv[1]](*sys.argv[2:]):
        print(item)
