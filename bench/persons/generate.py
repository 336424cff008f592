#!/usr/bin/env python3
"""Seeded generator of French civil-status data with planted duplicates.

Writes households as the bodies of POST /api/v2/households (one JSON object
a line, schemas/household-create.schema.json), and a truth file listing the
planted duplicate pairs. Python 3 standard library only; the name lists are
in names.py, next to this file.

  generate.py --seed 42 --persons 100000 --pairs 5000 \
      --out var/persons/households.ndjson --truth var/persons/truth.tsv
  generate.py ... --queries 20000 --queries-out var/persons/queries.ndjson

--persons is the number of persons in the output, planted duplicates
included: persons - pairs originals, then pairs re-recordings of some of
them. The same seed and arguments give the same files, byte for byte.

The population is the 115's of Île-de-France: origins in the proportions of
names.ORIGINS, households of 1 to 6 persons (half of them single adults,
mostly men; single mothers with children; couples with or without children;
adults together; isolated minors), frequency-weighted surnames and first names
(Zipf law over lists ordered by frequency), 1 to 3 first names, compound
and particle surnames, married women under their husband's name with their
birth name, birth dates with the 115's gaps (about 5 % year only, 2.5 %
year and month, 1 % unknown, and 1 January for some people born abroad), twins
and siblings, and the territories of names.TERRITORIES.

Planted duplicates: a person (or, one time in four, a whole household) is
recorded again, as a separate household, as a different team would:
15 % exact re-entries, 62 % with one variation, 23 % with two, drawn among
those that apply to the person with the weights of VARIATION_WEIGHTS:

  case_accents          accents stripped and/or another case (Dupont, dupont)
  hyphen_apostrophe     hyphen, apostrophe or space written otherwise
                        (N'DIAYE -> NDIAYE, LE GALL -> LEGALL, JEAN-PIERRE -> JEAN PIERRE)
  particle_dropped      DE LA FONTAINE -> FONTAINE, DOS SANTOS -> SANTOS
  compound_shortened    DUPONT-MARTIN -> DUPONT, FERREIRA DA COSTA -> FERREIRA
  birth_name_as_last    a married woman recorded under her birth name
  first_last_swapped    last name and (first) first name swapped
  first_names           first names reordered, only one of them given, or
                        a second one added
  typo                  one typing error in the last name or a first name:
                        a letter dropped, doubled, two swapped, or a
                        neighbouring AZERTY key
  spelling_variant      another transliteration (MOHAMED/MOHAMMED, IRYNA/IRINA)
  date_partial          the full birth date given as YYYY or YYYY-MM, or unknown
  date_day_month_swapped  1985-03-14 <-> 1985-14-03 read as 1985-12-03...
  date_digit_off        one digit of the birth date off (1985 -> 1986, 14 -> 15)

The truth file (TSV, header line) has one line per pair:
  orig_line  orig_member  dup_line  dup_member  variations  details
lines and members counted from 0 in the NDJSON file; variations joined by
'+' ("exact" for a re-entry).
"""

import argparse
import bisect
import calendar
import itertools
import json
import os
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import names  # noqa: E402

REF_YEAR = 2025  # ages are counted from here, so that output does not depend on the date


class Weighted:
    """Draws from items with weights, by bisection on the cumulated weights."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def draw(self, rng):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def zipf(items, exponent):
    return Weighted(items, [1.0 / (rank ** exponent) for rank in range(1, len(items) + 1)])


def split_names(block):
    # "_" stands for a space in names.py's whitespace-separated lists.
    return [n.replace("_", " ") for n in block.split()]


def strip_accents(s):
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


def fold(s):
    """Upper case without accents: how names compare in the truth checks."""
    return strip_accents(s).upper()


def title(s):
    # "jean-pierre" -> "Jean-Pierre", "n'diaye" -> "N'Diaye"
    out, up = [], True
    for c in s:
        out.append(c.upper() if up else c.lower())
        up = c in " -'"
    return "".join(out)


PARTICLES = ("DE LA ", "DE ", "DU ", "DES ", "LE ", "LA ", "D'", "DA ", "DOS ", "DAS ", "EL ", "AL ", "BEN ", "AÏT ", "AIT ")


def particle_of(last):
    u = last.upper()
    for p in PARTICLES:
        if u.startswith(p) and len(u) > len(p) + 1:
            return p
    return None


class Population:
    def __init__(self, rng):
        self.rng = rng
        self.origin = Weighted([o for o in names.ORIGINS], [o[1] for o in names.ORIGINS])
        self.surnames = {o[0]: zipf(split_names(o[2]), 0.6 if o[0] in ("french", "west_africa") else 0.25)
                         for o in names.ORIGINS}
        french_tail = [root + end for root in names.FRENCH_TAIL_ROOTS.split()
                       for end in names.FRENCH_TAIL_ENDINGS.split()]
        maghreb_tail = [(pre + root) for root in names.MAGHREB_TAIL_ROOTS.split()
                        for pre in names.MAGHREB_TAIL_PREFIXES]
        # (share of the origin's people who carry a tail name, the tail)
        self.tails = {
            "french": (0.5, Weighted(french_tail, [1] * len(french_tail))),
            "maghreb": (0.5, Weighted(sorted(set(maghreb_tail)), [1] * len(set(maghreb_tail)))),
            "west_africa": (0.25, zipf(split_names(names.WEST_AFRICA_TAIL), 0.3)),
        }
        self.particle_surnames = zipf(split_names(names.FRENCH_PARTICLE_SURNAMES), 0.5)
        self.first = {}
        for key, (female, male) in names.FIRST_NAMES.items():
            self.first[key] = {"female": zipf(female.split(), 0.7), "male": zipf(male.split(), 0.7)}
        self.nationality = {k: zipf(v, 1.0) for k, v in names.NATIONALITIES.items()}
        self.territory = Weighted([t for t, _ in names.TERRITORIES], [w for _, w in names.TERRITORIES])
        self.adult_age = Weighted([(18, 24), (25, 39), (40, 54), (55, 75)], [17, 40, 30, 13])

    # -- names -------------------------------------------------------------
    def surname(self, origin):
        r = self.rng
        if origin[0] == "french" and r.random() < 0.03:
            return self.particle_surnames.draw(r)
        tail = self.tails.get(origin[0])
        if tail and r.random() < tail[0]:
            return tail[1].draw(r)
        return self.surnames[origin[0]].draw(r)

    def family_surname(self, origin):
        """A family's surname: now and then a French double name (DUPONT-MARTIN)."""
        r = self.rng
        last = self.surname(origin)
        if origin[0] == "french" and r.random() < 0.04:
            other = self.surname(origin)
            if other != last:
                last = last + ("-" if r.random() < 0.7 else " ") + other
        return last

    def first_names(self, origin, sex):
        r = self.rng
        lists = self.first[origin[3]]
        pool = lists["male" if sex == "male" else "female" if sex == "female" else r.choice(["male", "female"])]
        count = 1
        if r.random() < origin[4]:
            count = 2 if r.random() < 0.8 else 3
        out = []
        for _ in range(count * 3):
            n = pool.draw(r)
            if n not in out:
                out.append(n)
            if len(out) == count:
                break
        return out

    # -- dates -------------------------------------------------------------
    def birth_date(self, age, origin, abroad):
        r = self.rng
        year = REF_YEAR - age
        x = r.random()
        if x < 0.01:
            return None
        if x < 0.06:
            return "%04d" % year
        if x < 0.085:
            return "%04d-%02d" % (year, r.randint(1, 12))
        if abroad and r.random() < 0.07:
            return "%04d-01-01" % year  # exact day unknown, recorded as 1 January
        month = r.randint(1, 12)
        return "%04d-%02d-%02d" % (year, month, r.randint(1, calendar.monthrange(year, month)[1]))

    # -- persons and households -------------------------------------------
    def person(self, role, sex, last, origin, age, abroad=None):
        r = self.rng
        if abroad is None:
            abroad = origin[0] != "french" and (age >= 16 or r.random() < 0.4)
        p = {"role": role, "lastName": last, "firstNames": self.first_names(origin, sex), "sex": sex}
        d = self.birth_date(age, origin, abroad)
        if d:
            p["birthDate"] = d
        if r.random() < 0.7:
            p["nationality"] = self.nationality[origin[0]].draw(r) if abroad or r.random() < 0.2 else "FRA"
        if age >= 18 and r.random() < 0.45:
            p["phone"] = "+33%d%08d" % (r.choice((6, 7)), r.randrange(10 ** 8))
        return p

    def adult_age_draw(self):
        lo, hi = self.adult_age.draw(self.rng)
        return self.rng.randint(lo, hi)

    def adult_sex(self, male_share):
        x = self.rng.random()
        if x < 0.01:
            return "unknown"
        return "male" if x < 0.01 + male_share * 0.99 else "female"

    def children(self, n, last, origin, parent_age):
        r = self.rng
        out = []
        max_age = max(0, min(17, parent_age - 17))
        prev = None
        for _ in range(n):
            sex = "female" if r.random() < 0.5 else "male"
            if prev is not None and r.random() < 0.03:
                # twins: same birth date, another first name
                c = self.person("child", sex, last, origin, 0, abroad=False)
                for _ in range(5):
                    if c["firstNames"] != prev["firstNames"]:
                        break
                    c["firstNames"] = self.first_names(origin, sex)
                c.pop("birthDate", None)
                if "birthDate" in prev:
                    c["birthDate"] = prev["birthDate"]
            else:
                c = self.person("child", sex, last, origin, r.randint(0, max_age))
            out.append(c)
            prev = c
        return out

    def spouse(self, husband_last, origin, age, sex="female"):
        r = self.rng
        o = origin if r.random() < 0.85 else self.origin.draw(r)
        own = self.surname(o)
        p = self.person("spouse", sex, own, o, max(18, age + r.randint(-8, 4)))
        if sex == "female" and r.random() < o[5] and own != husband_last:
            if o[0] == "french" and r.random() < 0.1:
                p["lastName"] = husband_last + "-" + own  # usage name with both
            else:
                p["lastName"] = husband_last
            p["birthName"] = own
        return p

    def household(self):
        r = self.rng
        origin = self.origin.draw(r)
        last = self.family_surname(origin)
        x = r.random()
        m = []
        if x < 0.50:  # one adult alone, mostly men
            m.append(self.person("head", self.adult_sex(0.72), last, origin, self.adult_age_draw()))
        elif x < 0.68:  # single parent (mostly mothers) with 1 to 4 children
            sex = "female" if r.random() < 0.88 else "male"
            age = r.randint(19, 50)
            own = last
            head = self.person("head", sex, own, origin, age)
            kids_last = own
            if sex == "female" and r.random() < 0.45:
                kids_last = self.surname(origin)  # the father's name
                if r.random() < 0.3:  # recorded under the (ex-)husband's name
                    head["birthName"] = own
                    head["lastName"] = kids_last
            m.append(head)
            m += self.children(r.choice((1, 1, 1, 2, 2, 3, 4)), kids_last, origin, age)
        elif x < 0.75:  # couple without children
            age = self.adult_age_draw()
            m.append(self.person("head", "male", last, origin, age))
            m.append(self.spouse(last, origin, age))
        elif x < 0.92:  # couple with 1 to 4 children
            age = r.randint(21, 55)
            m.append(self.person("head", "male" if r.random() < 0.8 else "female", last, origin, age))
            m.append(self.spouse(last, origin, age, "female" if m[0]["sex"] == "male" else "male"))
            m += self.children(r.choice((1, 1, 2, 2, 3, 4)), last, origin, age)
        elif x < 0.96:  # adults together: siblings or friends
            m.append(self.person("head", self.adult_sex(0.6), last, origin, self.adult_age_draw()))
            for _ in range(r.randint(1, 3)):
                if r.random() < 0.5:
                    m.append(self.person("other_adult", self.adult_sex(0.6), last, origin, self.adult_age_draw()))
                else:
                    o = self.origin.draw(r)
                    m.append(self.person("other_adult", self.adult_sex(0.6), self.family_surname(o), o,
                                         self.adult_age_draw()))
        elif x < 0.99:  # an isolated minor (often unaccompanied, born abroad)
            m.append(self.person("head", "male" if r.random() < 0.8 else "female", last, origin,
                                 r.randint(14, 17), abroad=origin[0] != "french"))
        else:  # minors together (siblings)
            age = r.randint(14, 17)
            m.append(self.person("head", "male" if r.random() < 0.6 else "female", last, origin, age))
            for _ in range(r.randint(1, 2)):
                m.append(self.person("other_minor", r.choice(("male", "female")), last, origin, r.randint(8, 17)))
        return {"territory": self.territory.draw(r), "members": m[:6]}


# -- variations ---------------------------------------------------------------

AZERTY_NEIGHBOURS = {}
for row_i, row in enumerate(names.AZERTY_ROWS):
    for col, key in enumerate(row):
        near = set()
        for dr in (-1, 0, 1):
            rr = row_i + dr
            if 0 <= rr < len(names.AZERTY_ROWS):
                for dc in ((-1, 1) if dr == 0 else (0, 1) if dr == -1 else (-1, 0)):
                    cc = col + dc
                    if 0 <= cc < len(names.AZERTY_ROWS[rr]):
                        near.add(names.AZERTY_ROWS[rr][cc])
        AZERTY_NEIGHBOURS[key] = sorted(near)

SPELLINGS = {}
for group in names.SPELLING_VARIANTS:
    for s in group:
        SPELLINGS[fold(s)] = group


def _full_date(d):
    return d is not None and len(d) == 10


def _has_accents(p):
    return any(strip_accents(s) != s for s in [p["lastName"]] + p["firstNames"])


def _separators(p):
    return any(c in s for s in [p["lastName"]] + p["firstNames"] for c in " -'")


def _compound(p):
    last = p["lastName"]
    return particle_of(last) is None and any(c in last for c in " -")


def _spelling(p):
    return any(fold(s) in SPELLINGS for s in [p["lastName"]] + p["firstNames"])


# name: (applies to person?, weight when it applies)
VARIATION_WEIGHTS = {
    "case_accents": (lambda p: True, 16),
    "hyphen_apostrophe": (_separators, 14),
    "particle_dropped": (lambda p: particle_of(p["lastName"]) is not None, 20),
    "compound_shortened": (_compound, 16),
    "birth_name_as_last": (lambda p: bool(p.get("birthName")) and p["birthName"] != p["lastName"], 30),
    "first_last_swapped": (lambda p: True, 3),
    "first_names": (lambda p: True, 9),
    "typo": (lambda p: True, 18),
    "spelling_variant": (_spelling, 12),
    "date_partial": (lambda p: _full_date(p.get("birthDate")), 7),
    "date_day_month_swapped": (lambda p: _full_date(p.get("birthDate"))
                               and int(p["birthDate"][8:]) <= 12
                               and p["birthDate"][5:7] != p["birthDate"][8:], 5),
    "date_digit_off": (lambda p: bool(p.get("birthDate")), 6),
}


def _valid_date(d):
    parts = d.split("-")
    try:
        y = int(parts[0])
        if not 1900 <= y <= REF_YEAR:
            return False
        if len(parts) > 1 and not 1 <= int(parts[1]) <= 12:
            return False
        if len(parts) > 2 and not 1 <= int(parts[2]) <= calendar.monthrange(y, int(parts[1]))[1]:
            return False
    except ValueError:
        return False
    return True


def _typo(s, rng):
    letters = [i for i, c in enumerate(s) if c.isalpha()]
    if len(letters) < 3:
        return None
    kind = rng.choice(("dropped", "doubled", "swapped", "adjacent_key"))
    i = rng.choice(letters[1:])  # the first letter is seldom wrong
    if kind == "dropped":
        out = s[:i] + s[i + 1:]
    elif kind == "doubled":
        out = s[:i] + s[i] + s[i:]
    elif kind == "swapped":
        j = i - 1
        if not s[j].isalpha() or s[j] == s[i]:
            return None
        out = s[:j] + s[i] + s[j] + s[i + 1:]
    else:
        base = strip_accents(s[i]).upper()
        near = AZERTY_NEIGHBOURS.get(base)
        if not near:
            return None
        c = rng.choice(near)
        out = s[:i] + (c if s[i].isupper() else c.lower()) + s[i + 1:]
    return (out, kind) if out != s else None


def apply_variation(name, p, rng, pop):
    """Changes p (a member dict) by one variation; returns a detail string,
    or None when it could not change anything."""
    last, firsts = p["lastName"], p["firstNames"]
    if name == "case_accents":
        how = rng.random()
        if how < 0.5 and _has_accents(p):
            p["lastName"] = strip_accents(last)
            p["firstNames"] = [strip_accents(f) for f in firsts]
            return "accents"
        if how < 0.8:
            p["lastName"] = title(strip_accents(last) if how < 0.65 else last)
            p["firstNames"] = [f.upper() if rng.random() < 0.3 else f for f in firsts]
            return "case"
        p["lastName"] = strip_accents(last).lower()
        p["firstNames"] = [strip_accents(f).lower() for f in firsts]
        return "lower_no_accents"
    if name == "hyphen_apostrophe":
        fields = [("last", last)] + [("first%d" % i, f) for i, f in enumerate(firsts)]
        fields = [(k, v) for k, v in fields if any(c in v for c in " -'")]
        k, v = rng.choice(fields)
        c = rng.choice([c for c in " -'" if c in v])
        repl = rng.choice([r for r in ("", " ", "-") if r != c])
        nv = v.replace(c, repl, 1)
        if k == "last":
            p["lastName"] = nv
        else:
            i = int(k[5:])
            p["firstNames"] = firsts[:i] + [nv] + firsts[i + 1:]
        return "%s:%r->%r" % (k, c, repl)
    if name == "particle_dropped":
        part = particle_of(last)
        p["lastName"] = last[len(part):]
        return part.strip()
    if name == "compound_shortened":
        parts = [x for x in last.replace("-", " ").split(" ") if x]
        if rng.random() < 0.7:
            p["lastName"] = parts[0]
            return "first_part"
        p["lastName"] = " ".join(parts[1:])
        return "last_part"
    if name == "birth_name_as_last":
        p["lastName"] = p.pop("birthName")
        return "birth_name"
    if name == "first_last_swapped":
        p["lastName"] = firsts[0].upper()
        p["firstNames"] = [title(last)]
        return "swap"
    if name == "first_names":
        if len(firsts) >= 2:
            if rng.random() < 0.45:
                shuffled = firsts[:]
                while shuffled == firsts:
                    rng.shuffle(shuffled)
                p["firstNames"] = shuffled
                return "reordered"
            p["firstNames"] = [firsts[0] if rng.random() < 0.75 else rng.choice(firsts[1:])]
            return "only_one"
        origin = names.ORIGINS[0]
        for o in names.ORIGINS:
            if firsts[0] in names.FIRST_NAMES[o[3]][0].split() + names.FIRST_NAMES[o[3]][1].split():
                origin = o
                break
        sex = p["sex"] if p["sex"] != "unknown" else "male"
        extra = pop.first[origin[3]][sex].draw(rng)
        if extra == firsts[0]:
            return None
        p["firstNames"] = firsts + [extra]
        return "added"
    if name == "typo":
        if rng.random() < 0.55:
            t = _typo(last, rng)
            if t is None:
                return None
            p["lastName"] = t[0]
            return "last:" + t[1]
        i = rng.randrange(len(firsts))
        t = _typo(firsts[i], rng)
        if t is None:
            return None
        p["firstNames"] = firsts[:i] + [t[0]] + firsts[i + 1:]
        return "first:" + t[1]
    if name == "spelling_variant":
        options = [("last", last)] + [("first%d" % i, f) for i, f in enumerate(firsts)]
        options = [(k, v) for k, v in options if fold(v) in SPELLINGS]
        k, v = rng.choice(options)
        group = [s for s in SPELLINGS[fold(v)] if fold(s) != fold(v)]
        nv = rng.choice(group)
        if k == "last":
            p["lastName"] = nv
        else:
            i = int(k[5:])
            p["firstNames"] = firsts[:i] + [title(nv)] + firsts[i + 1:]
        return "%s:%s->%s" % (k, v, nv)
    d = p.get("birthDate")
    if name == "date_partial":
        x = rng.random()
        if x < 0.15:
            del p["birthDate"]
            return "unknown"
        p["birthDate"] = d[:4] if x < 0.6 else d[:7]
        return "year" if x < 0.6 else "year_month"
    if name == "date_day_month_swapped":
        p["birthDate"] = "%s-%s-%s" % (d[:4], d[8:], d[5:7])
        return "swapped"
    if name == "date_digit_off":
        # which digit: day units, day tens, month units, year units, year tens
        positions = [(9, 35), (8, 10), (6, 15), (3, 30), (2, 10)] if len(d) == 10 else \
                    [(6, 30), (3, 50), (2, 20)] if len(d) == 7 else [(3, 75), (2, 25)]
        pick = Weighted([q for q, _ in positions], [w for _, w in positions])
        for _ in range(10):
            pos = pick.draw(rng)
            digit = int(d[pos])
            nd = digit + rng.choice((-1, 1)) if rng.random() < 0.8 else rng.randrange(10)
            if not 0 <= nd <= 9 or nd == digit:
                continue
            cand = d[:pos] + str(nd) + d[pos + 1:]
            if _valid_date(cand):
                p["birthDate"] = cand
                return "pos%d" % pos
        return None
    raise ValueError(name)


def plant_variations(p, rng, pop):
    """Applies 0, 1 or 2 variations to p; returns (labels, details)."""
    x = rng.random()
    want = 0 if x < 0.15 else 1 if x < 0.77 else 2
    labels, details = [], []
    for _ in range(want):
        for _attempt in range(6):
            options = [(n, w) for n, (ok, w) in VARIATION_WEIGHTS.items() if n not in labels and ok(p)]
            # two variations of the birth date would make it another date
            if any(lab.startswith("date_") for lab in labels):
                options = [(n, w) for n, w in options if not n.startswith("date_")]
            if not options:
                break
            n = Weighted([o for o, _ in options], [w for _, w in options]).draw(rng)
            before = json.dumps(p, sort_keys=True)
            detail = apply_variation(n, p, rng, pop)
            if detail is not None and json.dumps(p, sort_keys=True) != before:
                labels.append(n)
                details.append("%s:%s" % (n, detail))
                break
    if not labels:
        return ["exact"], ["exact"]
    return labels, details


def duplicate_person(src, role, rng, pop):
    p = json.loads(json.dumps(src))
    p["role"] = role
    # what a second team records besides the names and the date
    if rng.random() < 0.5:
        p.pop("phone", None)
    if rng.random() < 0.3:
        p.pop("nationality", None)
    labels, details = plant_variations(p, rng, pop)
    if rng.random() < 0.02:
        p["sex"] = "unknown"
    if "birthName" in p and rng.random() < 0.5:
        del p["birthName"]  # the second team did not ask
    return p, labels, details


def generate(seed, persons, pairs):
    import random
    rng = random.Random(seed)
    pop = Population(rng)
    originals = []
    count = 0
    target = persons - pairs
    while count < target:
        h = pop.household()
        h["members"] = h["members"][: target - count]
        if h["members"][0]["role"] != "head":  # cannot happen: the head comes first
            continue
        count += len(h["members"])
        originals.append(h)
    # plant: each original person at most once
    index = [(hi, mi) for hi, h in enumerate(originals) for mi in range(len(h["members"]))]
    used = set()
    dups, truth = [], []  # truth: (orig hh index, member, dup hh index, member, labels, details)
    while len(truth) < pairs and len(used) < len(index):
        hi, mi = index[rng.randrange(len(index))]
        if (hi, mi) in used:
            continue
        h = originals[hi]
        remaining = pairs - len(truth)
        if len(h["members"]) > 1 and rng.random() < 0.25:
            chosen = [i for i in range(len(h["members"])) if (hi, i) not in used][:remaining]
            if not chosen or h["members"][chosen[0]]["role"] != "head":
                chosen = [mi]
        else:
            chosen = [mi]
        territory = h["territory"] if rng.random() < 0.75 else pop.territory.draw(rng)
        members = []
        for k, i in enumerate(chosen):
            role = "head" if k == 0 else h["members"][i]["role"]
            p, labels, details = duplicate_person(h["members"][i], role, rng, pop)
            members.append(p)
            used.add((hi, i))
            truth.append((hi, i, len(dups), k, labels, details))
        dups.append({"territory": territory, "members": members})
    # every household in one shuffled list: the order of creation mixes them
    all_h = [("o", i) for i in range(len(originals))] + [("d", i) for i in range(len(dups))]
    rng.shuffle(all_h)
    line_of = {key: line for line, key in enumerate(all_h)}
    households = [originals[i] if k == "o" else dups[i] for k, i in all_h]
    truth_lines = [(line_of[("o", hi)], mi, line_of[("d", di)], dk, labels, details)
                   for hi, mi, di, dk, labels, details in truth]
    truth_lines.sort()
    return households, truth_lines, pop


FIELD_ORDER = ("role", "lastName", "birthName", "firstNames", "sex", "birthDate", "nationality", "phone")


def body(h):
    members = [{k: m[k] for k in FIELD_ORDER if m.get(k) is not None} for m in h["members"]]
    return json.dumps({"territory": h["territory"], "members": members}, ensure_ascii=False,
                      separators=(",", ":"))


def queries(households, count, seed, pop):
    """Bodies of POST /persons/match: persons of the data set, 40 % as they
    are, the rest with one or two variations."""
    import random
    rng = random.Random(seed * 7919 + 1)
    people = [m for h in households for m in h["members"]]
    for _ in range(count):
        p = json.loads(json.dumps(people[rng.randrange(len(people))]))
        if rng.random() >= 0.4:
            plant_variations(p, rng, pop)
        q = {"lastName": p["lastName"], "firstNames": p["firstNames"]}
        if p.get("birthDate"):
            q["birthDate"] = p["birthDate"]
        yield json.dumps(q, ensure_ascii=False, separators=(",", ":"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--persons", type=int, default=100000, help="persons in all, duplicates included")
    ap.add_argument("--pairs", type=int, default=5000, help="planted duplicate pairs")
    ap.add_argument("--out", default="-", help="NDJSON of household bodies (default stdout)")
    ap.add_argument("--truth", help="TSV of the planted pairs")
    ap.add_argument("--queries", type=int, default=0, help="also write this many match bodies")
    ap.add_argument("--queries-out", help="where the match bodies go")
    ap.add_argument("--stats", action="store_true", help="print statistics of the data to stderr")
    a = ap.parse_args()
    if a.pairs * 2 > a.persons:
        ap.error("--pairs must be at most half of --persons")
    households, truth, pop = generate(a.seed, a.persons, a.pairs)
    out = sys.stdout if a.out == "-" else open(a.out, "w", encoding="utf-8")
    for h in households:
        out.write(body(h))
        out.write("\n")
    if out is not sys.stdout:
        out.close()
    if a.truth:
        with open(a.truth, "w", encoding="utf-8") as f:
            f.write("orig_line\torig_member\tdup_line\tdup_member\tvariations\tdetails\n")
            for ol, om, dl, dm, labels, details in truth:
                f.write("%d\t%d\t%d\t%d\t%s\t%s\n" % (ol, om, dl, dm, "+".join(labels), "|".join(details)))
    if a.queries:
        if not a.queries_out:
            ap.error("--queries needs --queries-out")
        with open(a.queries_out, "w", encoding="utf-8") as f:
            for q in queries(households, a.queries, a.seed, pop):
                f.write(q)
                f.write("\n")
    if a.stats:
        print_stats(households, truth)


def print_stats(households, truth):
    from collections import Counter
    members = [m for h in households for m in h["members"]]
    n = len(members)
    e = sys.stderr
    print("households %d, persons %d, planted pairs %d" % (len(households), n, len(truth)), file=e)
    sizes = Counter(len(h["members"]) for h in households)
    print("household sizes: " + ", ".join("%d: %.1f%%" % (k, 100.0 * v / len(households))
                                          for k, v in sorted(sizes.items())), file=e)
    dates = Counter("none" if not m.get("birthDate") else {4: "year", 7: "year_month", 10: "full"}[len(m["birthDate"])]
                    for m in members)
    print("birth dates: " + ", ".join("%s %.1f%%" % (k, 100.0 * v / n) for k, v in dates.most_common()), file=e)
    print("with a birth name: %.1f%%, several first names: %.1f%%, compound/particle last names: %.1f%%" % (
        100.0 * sum(1 for m in members if m.get("birthName")) / n,
        100.0 * sum(1 for m in members if len(m["firstNames"]) > 1) / n,
        100.0 * sum(1 for m in members if any(c in m["lastName"] for c in " -'")) / n), file=e)
    terr = Counter(h["territory"] for h in households)
    print("territories: " + ", ".join("%s %.1f%%" % (k, 100.0 * v / len(households)) for k, v in terr.most_common(8)), file=e)
    var = Counter(l for t in truth for l in t[4])
    print("variations: " + ", ".join("%s %d" % kv for kv in var.most_common()), file=e)
    # namesakes: same folded last name, first names and full birth date, not a planted pair
    keys = Counter()
    for m in members:
        if m.get("birthDate") and len(m["birthDate"]) == 10:
            keys[(fold(m["lastName"]), tuple(sorted(fold(f) for f in m["firstNames"])), m["birthDate"])] += 1
    same = sum(v * (v - 1) // 2 for v in keys.values())
    print("pairs of persons with identical names and full birth date (planted exact pairs included): %d" % same, file=e)
    top = Counter(fold(m["lastName"]) for m in members).most_common(10)
    print("most frequent last names: " + ", ".join("%s %d" % kv for kv in top), file=e)


if __name__ == "__main__":
    main()
