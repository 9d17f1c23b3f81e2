"""Parses the Prometheus text exposition format for integration tests that compare exporters.

    series, meta = promtext.parse(path)
    series[(name, frozenset({("label", "value"), ...}))] -> float value
    meta[name] -> [help, type]
"""
import re

_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="')
_META = re.compile(r"# (HELP|TYPE) (\S+) (.*)")
_ESCAPES = {"n": "\n", "\\": "\\", '"': '"'}


def _labels(text):
    """Parses '{a="x",b="y"}...' and returns (labels, rest after the closing brace)."""
    labels, i = [], 1
    while text[i] != "}":
        key = _LABEL.match(text, i)
        if not key:
            raise ValueError(f"bad label at: {text[i:]}")
        i = key.end()
        value = []
        while text[i] != '"':
            if text[i] == "\\":
                i += 1
                value.append(_ESCAPES.get(text[i], text[i]))
            else:
                value.append(text[i])
            i += 1
        labels.append((key[1], "".join(value)))
        i += 1
        if text[i] == ",":
            i += 1
    return frozenset(labels), text[i + 1:]


def parse(path):
    series, meta = {}, {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if m := _META.match(line):
                meta.setdefault(m[2], ["", ""])[0 if m[1] == "HELP" else 1] = m[3]
                continue
            if not line or line.startswith("#"):
                continue
            name = _NAME.match(line)[0]
            rest = line[len(name):]
            labels = frozenset()
            if rest.startswith("{"):
                labels, rest = _labels(rest)
            series[(name, labels)] = float(rest.split()[0])
    return series, meta
