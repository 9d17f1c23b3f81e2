#!/usr/bin/env python3
"""Writes a sahab-fleet/1 document of N generated hosts (deterministic) to stdout.

Usage: webui_fleet.py N
"""
import json
import random
import sys

REGIONS = {
    "Casablanca-Settat": ["Casablanca", "Settat"],
    "Rabat-Salé-Kénitra": ["Rabat", "Kénitra"],
    "Marrakech-Safi": ["Marrakech", "Safi"],
    "Fès-Meknès": ["Fès", "Meknès"],
    "Souss-Massa": ["Agadir", "Tiznit"],
}
OSES = [("linux", "Debian GNU/Linux", "12"), ("linux", "Ubuntu", "22.04"),
        ("linux", "Red Hat Enterprise Linux", "8"), ("windows", "Windows Server", "2019")]


def host(i: int, rng: random.Random) -> dict:
    region = rng.choice(sorted(REGIONS))
    province = rng.choice(REGIONS[region])
    family, name, version = rng.choice(OSES)
    memory_gib = rng.choice([4, 8, 16, 32, 64])
    # The first host's name is hostile markup: the UI must show it as text.
    hostname = f"srv-{i:05d}.{province.lower()}.gov.ma"
    if i == 0:
        hostname = '<img src=x onerror="window.sahabXss=1">' + hostname
    return {
        "id": f"srv-{i:05d}",
        "hostname": hostname,
        "labels": {
            "region": region,
            "province": province,
            "commune": f"{province}-{rng.randint(1, 5)}",
            "environment": rng.choice(["production", "recette", "développement"]),
            "criticality": rng.choice(["haute", "moyenne", "basse"]),
            "sensitivity": rng.choice(["C1", "C2", "C3"]),
        },
        "os": {"family": family, "name": name, "version": version, "arch": "x86_64"},
        "cpu": {"cores": rng.choice([2, 4, 8, 16])},
        "memory_bytes": memory_gib << 30,
        "disks": [{"name": "sda", "size_bytes": rng.choice([100, 250, 500]) << 30}],
        "utilisation": {
            "cpu_ratio": {"p95": round(rng.random(), 3)},
            "memory_ratio": {"p95": round(rng.random(), 3)},
        },
    }


def main() -> int:
    count = int(sys.argv[1])
    rng = random.Random(6)
    json.dump({"format": "sahab-fleet/1", "hosts": [host(i, rng) for i in range(count)]},
              sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
