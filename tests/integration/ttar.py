#!/usr/bin/env python3
"""Unpacks a ttar archive, the plain-text archive format of prometheus/procfs's test fixtures.

  ttar.py ARCHIVE DIRECTORY

Entries are separated by "# ttar - - -" lines: "Directory: P", or "Path: P" followed by
"Lines: N" and N lines of content ("NULLBYTE" stands for a zero byte, a final "EOF" for a missing
last newline) or by "SymlinkTo: T". Modes are left at the defaults. Standard library only.
"""
import os
import sys


def unpack(archive, into):
    with open(archive, encoding="utf-8") as f:
        lines = iter(f.read().split("\n"))
    current = None
    for line in lines:
        if line.startswith("Directory: "):
            os.makedirs(os.path.join(into, line[len("Directory: "):]), exist_ok=True)
        elif line.startswith("Path: "):
            current = os.path.join(into, line[len("Path: "):])
            os.makedirs(os.path.dirname(current), exist_ok=True)
        elif line.startswith("SymlinkTo: "):
            os.symlink(line[len("SymlinkTo: "):], current)
        elif line.startswith("Lines: "):
            content = []
            for _ in range(int(line[len("Lines: "):])):
                text = next(lines).replace("NULLBYTE", "\0")
                content.append(text[:-3] if text.endswith("EOF") else text + "\n")
            with open(current, "w", encoding="utf-8", newline="") as out:
                out.write("".join(content))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    unpack(sys.argv[1], sys.argv[2])
