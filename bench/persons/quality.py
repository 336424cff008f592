#!/usr/bin/env python3
"""Quality of GET /api/v2/persons/{id}/duplicates against planted duplicates.

  BENCH_API_KEY=... quality.py --households H.ndjson --truth T.tsv --ids IDS.tsv \
      [--sample 5000] [--seed 42] [--url http://127.0.0.1:8080] [--report var/match-quality.txt]

Asks for the duplicates of every person of a planted pair (both sides) and
of a random sample of other persons, and counts, at the gateway's default
threshold (whatever the endpoint returns is taken as above it):

  true positive   the planted partner of the person asked about is returned
  false positive  a returned person is not that partner; broken down into
                  identical (same last name and first names, accents and case
                  aside, and the same full birth date: no matcher can tell them
                  apart), family (a member of the same household as generated,
                  or the re-recording of one: siblings, twins, spouses) and
                  other (namesakes)
  false negative  the planted partner is not returned

Precision and recall are counted per lookup (a pair is looked up from both
sides, each counts); the pair view (a pair found from at least one side,
from both) follows. Recall is broken down by variation. The report goes to
stdout and to --report; every false negative and false positive, with both
persons, goes to --details (TSV) for whoever tunes the matcher.
"""

import argparse
import collections
import http.client
import json
import os
import queue
import random
import sys
import threading
import time
import unicodedata
import urllib.parse


def fold(s):
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn").upper()


def identity(m):
    return (fold(m["lastName"]), tuple(sorted(fold(f) for f in m["firstNames"])), m.get("birthDate") or "")


def describe(m):
    s = "%s %s %s" % (m["lastName"], " ".join(m["firstNames"]), m.get("birthDate") or "-")
    if m.get("birthName"):
        s += " (born %s)" % m["birthName"]
    return s


def percentile(sorted_values, q):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(q * (len(sorted_values) - 1)))))
    return sorted_values[k]


class Client:
    def __init__(self, url, key):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port or 80
        self.headers = {"Authorization": "Bearer " + key}
        self.conn = None

    def get(self, path):
        for attempt in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                self.conn.request("GET", path, headers=self.headers)
                r = self.conn.getresponse()
                return r.status, r.read()
            except (http.client.HTTPException, OSError):
                self.conn = None
                if attempt == 2:
                    raise
        raise RuntimeError("unreachable")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--households", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--ids", required=True)
    ap.add_argument("--sample", type=int, default=5000, help="persons outside the planted pairs asked about")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--url", default="http://" + os.environ.get("BENCH_HTTP_LISTEN", "127.0.0.1:8080"))
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--report", default=None)
    ap.add_argument("--details", default=None)
    ap.add_argument("--title", default="", help="first line of the report (what was run)")
    ap.add_argument("--note", action="append", default=[], help="a line put after the title (repeatable)")
    a = ap.parse_args()
    key = os.environ.get("BENCH_API_KEY")
    if not key:
        sys.exit("quality.py: BENCH_API_KEY is not set")

    households = []
    with open(a.households, encoding="utf-8") as f:
        for line in f:
            households.append(json.loads(line))
    pid_of, where, hh_of = {}, {}, {}
    with open(a.ids) as f:
        next(f)
        for row in f:
            line, member, pid, hid = row.rstrip("\n").split("\t")
            pid_of[(int(line), int(member))] = pid
            where[pid] = (int(line), int(member))
            hh_of[pid] = hid
    person = {pid: households[l]["members"][m] for pid, (l, m) in where.items()}

    partner, variations, details_of, side = {}, {}, {}, {}
    pairs = []
    with open(a.truth) as f:
        next(f)
        for row in f:
            ol, om, dl, dm, labels, details = row.rstrip("\n").split("\t")
            p, q = pid_of[(int(ol), int(om))], pid_of[(int(dl), int(dm))]
            partner[p], partner[q] = q, p
            variations[p] = variations[q] = labels
            details_of[p] = details_of[q] = details
            pairs.append((p, q))
            side[p], side[q] = "original", "re-recording"
    rng = random.Random(a.seed)
    others = sorted(pid for pid in where if pid not in partner)
    sample = rng.sample(others, min(a.sample, len(others)))
    asked = [p for pair in pairs for p in pair] + sample

    results = {}
    errors = collections.Counter()
    latencies = []
    work = queue.Queue()
    for pid in asked:
        work.put(pid)
    lock = threading.Lock()

    def worker():
        c = Client(a.url, key)
        while True:
            try:
                pid = work.get_nowait()
            except queue.Empty:
                return
            t0 = time.perf_counter()
            status, body = c.get("/api/v2/persons/%s/duplicates" % pid)
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)
                if status != 200:
                    errors[status] += 1
                    if errors[status] <= 3:
                        print("  %s: %d %s" % (pid, status, body[:200].decode("utf-8", "replace")), file=sys.stderr)
                    results[pid] = None
                else:
                    results[pid] = json.loads(body).get("items", [])

    print("Asking for the duplicates of %d persons (%d of planted pairs, %d others), %d at a time..." % (
        len(asked), len(asked) - len(sample), len(sample), a.concurrency), flush=True)
    start = time.time()
    threads = [threading.Thread(target=worker) for _ in range(a.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - start

    tp = fn = 0
    fp = collections.Counter()
    by_var = collections.defaultdict(lambda: [0, 0])      # label -> [found, total]
    by_combo = collections.defaultdict(lambda: [0, 0])
    by_side = collections.defaultdict(lambda: [0, 0])     # looked up from: original / re-recording
    fp_matched = collections.Counter()                    # the fields that agreed, for false positives
    found_dir = collections.Counter()
    tp_sim, fp_sim = [], []
    detail_rows = []
    self_returned = 0
    returned_total = 0
    for pid in asked:
        items = results.get(pid)
        if items is None:
            continue
        got = {}
        for it in items:
            got.setdefault(str(it.get("personId")), it)
        returned_total += len(got)
        if pid in got:
            self_returned += 1
            del got[pid]
        mate = partner.get(pid)
        if mate is not None:
            labels = variations[pid]
            hit = mate in got
            for lab in labels.split("+"):
                by_var[lab][1] += 1
                by_var[lab][0] += hit
            combo = "exact" if labels == "exact" else "one variation" if "+" not in labels else "two variations"
            by_combo[combo][1] += 1
            by_combo[combo][0] += hit
            by_side[side[pid]][1] += 1
            by_side[side[pid]][0] += hit
            if hit:
                tp += 1
                found_dir[frozenset((pid, mate))] += 1
                tp_sim.append(float(got[mate].get("similarity") or 0))
            else:
                fn += 1
                detail_rows.append(("FN", labels, pid, describe(person[pid]), mate, describe(person[mate]),
                                    "", details_of[pid]))
        for q, it in got.items():
            if q == mate:
                continue
            if q not in person:
                kind = "unknown_id"  # not loaded by this run (another run's data)
            elif identity(person[q]) == identity(person[pid]) and len(person[pid].get("birthDate") or "") == 10:
                kind = "identical"
            elif related(pid, q, where, partner):
                kind = "family"
            else:
                kind = "other"
            fp[kind] += 1
            fp_matched[",".join(sorted(it.get("matched") or [])) or "-"] += 1
            fp_sim.append(float(it.get("similarity") or 0))
            detail_rows.append(("FP", kind, pid, describe(person[pid]), q,
                                describe(person[q]) if q in person else "?", "%.3f" % float(it.get("similarity") or 0),
                                ",".join(it.get("matched") or [])))
    fp_total = sum(fp.values())
    precision = tp / (tp + fp_total) if tp + fp_total else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    either = sum(1 for p, q in pairs if found_dir[frozenset((p, q))] >= 1)
    both = sum(1 for p, q in pairs if found_dir[frozenset((p, q))] >= 2)
    lat = sorted(latencies)

    out = []
    w = out.append
    if a.title:
        w(a.title)
    for note in a.note:
        w(note)
    w("persons in the data set %d, planted pairs %d; asked %d persons (%d sides of pairs, %d others); %d errors %s" % (
        len(where), len(pairs), len(asked), len(asked) - len(sample), len(sample), sum(errors.values()),
        dict(errors) if errors else ""))
    w("precision %.4f  recall %.4f  (per lookup: %d true positives, %d false positives, %d false negatives)" % (
        precision, recall, tp, fp_total, fn))
    w("pairs found from at least one side %d/%d (%.4f), from both sides %d/%d (%.4f)" % (
        either, len(pairs), either / max(1, len(pairs)), both, len(pairs), both / max(1, len(pairs))))
    w("false positives: %d identical names and full birth date (not detectable), %d family (same household: "
      "siblings, twins, spouses), %d other (namesakes)%s" % (
          fp["identical"], fp["family"], fp["other"],
          ", %d ids this run did not load" % fp["unknown_id"] if fp["unknown_id"] else ""))
    if fp_total:
        w("precision with the identical ones left out: %.4f" % (tp / (tp + fp_total - fp["identical"])))
    w("results per lookup: %.2f on average; the person itself returned %d times" % (
        returned_total / max(1, len(results)), self_returned))
    if tp_sim:
        tp_sim.sort()
        w("similarity of true positives: min %.3f, p5 %.3f, median %.3f" % (
            tp_sim[0], percentile(tp_sim, 0.05), percentile(tp_sim, 0.5)))
    if fp_sim:
        fp_sim.sort()
        w("similarity of false positives: median %.3f, p95 %.3f, max %.3f" % (
            percentile(fp_sim, 0.5), percentile(fp_sim, 0.95), fp_sim[-1]))
    if tp_sim:
        # What a higher threshold would give, from the similarities answered (meaningful down to the gateway's).
        for t in (0.80, 0.825, 0.85, 0.86, 0.87, 0.875, 0.88, 0.90):
            tp_t = sum(1 for x in tp_sim if x >= t - 1e-9)
            fp_t = sum(1 for x in fp_sim if x >= t - 1e-9)
            w("at threshold %.3f: precision %.4f  recall %.4f" % (
                t, tp_t / max(1, tp_t + fp_t), tp_t / max(1, tp + fn)))
    if fp_matched:
        w("false positives by the fields that agreed: " + ", ".join(
            "%s %d" % kv for kv in fp_matched.most_common()))
    w("recall by side looked up from: " + ", ".join(
        "%s %d/%d %.4f" % (k, f_, t_, f_ / t_) for k, (f_, t_) in sorted(by_side.items()) if t_))
    w("recall by number of variations:")
    for k in ("exact", "one variation", "two variations"):
        f_, t_ = by_combo[k]
        if t_:
            w("  %-24s %5d/%-5d %.4f" % (k, f_, t_, f_ / t_))
    w("recall by variation (a pair with two counts in both):")
    for lab, (f_, t_) in sorted(by_var.items(), key=lambda kv: -kv[1][1]):
        w("  %-24s %5d/%-5d %.4f" % (lab, f_, t_, f_ / t_))
    w("timings: %d calls in %.1f s (%.0f/s, %d at a time); latency p50 %.1f ms, p99 %.1f ms, max %.1f ms" % (
        len(lat), elapsed, len(lat) / max(elapsed, 1e-9), a.concurrency,
        1000 * percentile(lat, 0.5), 1000 * percentile(lat, 0.99), 1000 * (lat[-1] if lat else float("nan"))))
    text = "\n".join(out)
    print(text)
    if a.report:
        with open(a.report, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    if a.details:
        with open(a.details, "w", encoding="utf-8") as f:
            f.write("kind\tclass\tperson\tdescription\tother\tother_description\tsimilarity\tmatched_or_details\n")
            for r in detail_rows:
                f.write("\t".join(str(x) for x in r) + "\n")
    if errors:
        sys.exit(1)


def related(p, q, where, partner):
    """True when p and q come from the same household as generated: the same
    household line, or one of them the re-recording of a member of the
    other's household (or both re-recordings of the same household)."""
    def lines(x):
        s = {where[x][0]}
        if x in partner:
            s.add(where[partner[x]][0])
        return s
    return bool(lines(p) & lines(q))


if __name__ == "__main__":
    main()
