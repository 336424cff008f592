#!/usr/bin/env python3
"""Loads generate.py's households through the gateway and keeps the ids.

  BENCH_API_KEY=... load.py --households var/persons/households.ndjson \
      --ids var/persons/ids.tsv [--url http://127.0.0.1:8080] [--connections 16]

Posts every line to POST /api/v2/households with wrk and load.lua (one
connection per wrk thread, so that each answer belongs to the body sent last
on it), then writes the ids SIAO minted, one person a line:

  line  member  person_id  household_id

(line and member counted from 0, as in the truth file). A line whose answer
was not a 201 with one person id per member is sent again, once, by
http.client; a line sent but never answered (a lost connection) is sent
again too, and may then exist twice in the database: the count is printed.
Prints the rate, households and persons a second.
"""

import argparse
import glob
import http.client
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))


def post(url, key, body):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=60)
    try:
        conn.request("POST", "/api/v2/households", body=body.encode("utf-8"),
                     headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
        r = conn.getresponse()
        data = r.read()
        return r.status, data
    finally:
        conn.close()


def get(url, key, path):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=60)
    try:
        conn.request("GET", path, headers={"Authorization": "Bearer " + key})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def check_order(url, key, bodies, result, count=20):
    """Reads back some households of several members: the ids were taken in
    the order of the answer's members, which must be the order sent."""
    several = [i for i in sorted(result) if bodies[i].count('"role":') > 1][:: max(1, len(result) // 500)][:count]
    for i in several:
        hid, ids = result[i]
        status, data = get(url, key, "/api/v2/households/" + hid)
        if status != 200:
            sys.exit("load.py: GET /api/v2/households/%s answered %d" % (hid, status))
        sent = json.loads(bodies[i])["members"]
        got = {m["id"]: m for m in json.loads(data)["members"]}
        for k, pid in enumerate(ids):
            m = got.get(pid)
            if m is None or m["lastName"] != sent[k]["lastName"] or m["firstNames"] != sent[k]["firstNames"]:
                sys.exit("load.py: household %s (line %d): person %s is not member %d as sent" % (hid, i, pid, k))
    return len(several)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--households", required=True)
    ap.add_argument("--ids", required=True, help="TSV written: line, member, person id, household id")
    ap.add_argument("--url", default="http://" + os.environ.get("BENCH_HTTP_LISTEN", "127.0.0.1:8080"))
    ap.add_argument("--connections", type=int, default=16, help="wrk threads, one connection each")
    ap.add_argument("--work", default=None, help="directory for the shard files (default: next to --ids)")
    a = ap.parse_args()
    key = os.environ.get("BENCH_API_KEY")
    if not key:
        sys.exit("load.py: BENCH_API_KEY is not set")
    work = a.work or os.path.join(os.path.dirname(os.path.abspath(a.ids)), "load-work")
    os.makedirs(work, exist_ok=True)
    for f in glob.glob(os.path.join(work, "*")):
        os.remove(f)
    n = a.connections
    shards = [open(os.path.join(work, "shard.%d" % (t + 1)), "w", encoding="utf-8") for t in range(n)]
    bodies = []
    with open(a.households, encoding="utf-8") as f:
        for i, line in enumerate(f):
            line = line.rstrip("\n")
            bodies.append(line)
            shards[i % n].write("%d\t%s\n" % (i, line))
    for s in shards:
        s.close()
    members = [b.count('"role":') for b in bodies]
    total_persons = sum(members)
    print("Loading %d households (%d persons) through %s, %d connections..." % (
        len(bodies), total_persons, a.url, n), flush=True)

    env = dict(os.environ, BENCH_LOAD_SHARDS=os.path.join(work, "shard"),
               BENCH_LOAD_OUT=os.path.join(work, "out"))
    start = time.time()
    wrk = subprocess.Popen(["wrk", "-t%d" % n, "-c%d" % n, "-d86400s", "--timeout", "60s",
                            "-s", os.path.join(HERE, "load.lua"), a.url],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    last = start
    try:
        while wrk.poll() is None:
            done = len(glob.glob(os.path.join(work, "out.*.done")))
            if done == n:
                break
            time.sleep(0.5)
            if time.time() - last >= 10:
                last = time.time()
                sent = 0
                for t in range(n):
                    try:
                        sent += os.path.getsize(os.path.join(work, "out.%d" % (t + 1)))
                    except OSError:
                        pass
                # about 30 bytes an answered line
                print("  ... %.0f s, about %d households" % (last - start, sent // 32), flush=True)
    finally:
        if wrk.poll() is None:
            wrk.send_signal(signal.SIGINT)
            try:
                wrk.wait(timeout=30)
            except subprocess.TimeoutExpired:
                wrk.kill()
                wrk.wait()
    elapsed = time.time() - start
    if len(glob.glob(os.path.join(work, "out.*.done"))) != n:
        sys.stderr.write(wrk.stderr.read().decode("utf-8", "replace"))
        sys.exit("load.py: wrk stopped before every thread was done")

    result = {}
    lost = 0
    statuses = {}
    for t in range(n):
        with open(os.path.join(work, "out.%d" % (t + 1))) as f:
            for row in f:
                line, status, hid, pids = row.rstrip("\n").split("\t")
                line = int(line)
                statuses[status] = statuses.get(status, 0) + 1
                if status == "0":
                    lost += 1
                    continue
                ids = pids.split(",") if pids else []
                if status == "201" and hid and len(ids) == members[line]:
                    result[line] = (hid, ids)
    print("wrk: %d households in %.1f s: %.0f households/s, %.0f persons/s; statuses %s" % (
        len(result), elapsed, len(result) / elapsed, sum(members[i] for i in result) / elapsed,
        ", ".join("%s: %d" % kv for kv in sorted(statuses.items()))), flush=True)

    missing = [i for i in range(len(bodies)) if i not in result]
    if missing:
        print("Sending %d households again (%d were sent and never answered: they may now exist twice)" % (
            len(missing), lost), flush=True)
    failed = 0
    for i in missing:
        status, data = post(a.url, key, bodies[i])
        if status != 201:
            failed += 1
            if failed <= 5:
                print("  line %d: %d %s" % (i, status, data[:300].decode("utf-8", "replace")), file=sys.stderr)
            continue
        doc = json.loads(data)
        result[i] = (doc["id"], [m["id"] for m in doc["members"]])
    if failed:
        sys.exit("load.py: %d households could not be created" % failed)

    checked = check_order(a.url, key, bodies, result)
    print("Read back %d households of several members: ids in the order sent" % checked)
    with open(a.ids, "w") as f:
        f.write("line\tmember\tperson_id\thousehold_id\n")
        for i in range(len(bodies)):
            hid, ids = result[i]
            for k, pid in enumerate(ids):
                f.write("%d\t%d\t%s\t%s\n" % (i, k, pid, hid))
    for p in glob.glob(os.path.join(work, "*")):
        os.remove(p)
    os.rmdir(work)
    print("load: %d households, %d persons in %.1f s (%.0f households/s, %.0f persons/s); ids in %s" % (
        len(bodies), total_persons, elapsed, len(bodies) / elapsed, total_persons / elapsed, a.ids))


if __name__ == "__main__":
    main()
