#!/usr/bin/env python3
"""Prints the project's sources a change can alter the analysis of: those changed, and those that include a
changed file, directly or through other project headers.

  affected.py ROOT CHANGED...

CHANGED are paths relative to ROOT (as `git diff --name-only` prints them). Includes are followed by their
quoted form only (relative to the including file, else to an include root of the build: the source root and
tests/fuzz): third-party headers do not change with the project. scripts/lint --since uses it to analyse, after a clean full run, only what changed since.
"""
import os
import re
import sys

PROJECT_DIRS = ("gateway", "adapters", "tests")
INCLUDE_ROOTS = ("", "tests/fuzz")  # the -I of the project's own headers (CMakeLists.txt, tests/fuzz)
SOURCE_EXT = (".cpp", ".cc")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)


def project_files(root):
    for d in PROJECT_DIRS:
        for folder, _, names in os.walk(os.path.join(root, d)):
            for n in names:
                if n.endswith(SOURCE_EXT + (".hpp", ".h", ".ipp")):
                    yield os.path.relpath(os.path.join(folder, n), root)


def includes_of(root, path):
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
        text = f.read()
    for name in INCLUDE.findall(text):
        for base in (os.path.dirname(path),) + INCLUDE_ROOTS:
            candidate = os.path.normpath(os.path.join(base, name))
            if os.path.isfile(os.path.join(root, candidate)):
                yield candidate
                break


def main():
    root = os.path.realpath(sys.argv[1])
    changed = {os.path.normpath(c) for c in sys.argv[2:]}
    files = list(project_files(root))
    included_by = {}
    for f in files:
        for inc in includes_of(root, f):
            included_by.setdefault(inc, set()).add(f)
    # Everything reached from a changed file by following "is included by".
    reached, todo = set(), [c for c in changed if c in included_by or c in files]
    while todo:
        f = todo.pop()
        if f in reached:
            continue
        reached.add(f)
        todo.extend(included_by.get(f, ()))
    for f in sorted(reached):
        if f.endswith(SOURCE_EXT):
            print(os.path.join(root, f))


if __name__ == "__main__":
    main()
