#!/usr/bin/env python3
"""Writes the compilation database scripts/lint analyses: the project's own sources only.

  compile_db.py ROOT OUT_DIR [FILE...]

Sources come from build/test/compile_commands.json (gateway/, adapters/, tests/) and, when the fuzz preset
has been configured, tests/fuzz/ from build/fuzz/compile_commands.json. With FILE arguments, only those
sources. Each command is the build's own, minus what only GCC's build needs:
  - the precompiled header (-include .../cmake_pch.hxx): clang would load GCC's .gch next to it and fail;
    without it, every file must include what it uses, which is what a reader expects anyway;
  - -Werror: a compiler warning (clang's differ from GCC's) would become an error of the analysis;
and with -Wno-unknown-warning-option, for GCC-only -W flags.
Prints one line per source kept, for the caller's count.
"""
import json
import os
import re
import shlex
import sys

PROJECT_DIRS = ("gateway", "adapters", "tests")


def entries(path, keep):
    if not os.path.isfile(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [e for e in json.load(f) if keep(os.path.realpath(e["file"]))]


def cleaned(command):
    command = re.sub(r" -include \S*cmake_pch\.hxx\b", "", command)
    command = re.sub(r" -Winvalid-pch\b", "", command)
    command = re.sub(r" -Werror\b(?!=)", "", command)
    # Before the source file's -c, so that it follows the build's own -W flags.
    return command.replace(" -c ", " -Wno-unknown-warning-option -c ", 1)


def main():
    root, out_dir, wanted = os.path.realpath(sys.argv[1]), sys.argv[2], sys.argv[3:]
    wanted = {os.path.realpath(w) for w in wanted}
    own = tuple(os.path.join(root, d) + os.sep for d in PROJECT_DIRS)
    fuzz = os.path.join(root, "tests", "fuzz") + os.sep

    def chosen(f):
        return not wanted or f in wanted

    db = entries(os.path.join(root, "build/test/compile_commands.json"),
                 lambda f: f.startswith(own) and not f.startswith(fuzz) and chosen(f))
    db += entries(os.path.join(root, "build/fuzz/compile_commands.json"),
                  lambda f: f.startswith(fuzz) and chosen(f))
    seen, out = set(), []
    for e in db:
        f = os.path.realpath(e["file"])
        if f in seen:
            continue
        seen.add(f)
        if "command" in e:
            command = e["command"]
        else:
            command = shlex.join(e["arguments"])
        out.append({"directory": e["directory"], "file": f, "command": cleaned(command)})
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "compile_commands.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
    for e in out:
        print(e["file"])


if __name__ == "__main__":
    main()
