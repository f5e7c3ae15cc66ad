#!/usr/bin/env python3
"""Writes inputs of a given size and shape for bench/intake.sh.

Shapes stress different parts of intake: many tags, many lines, many
clauses in one line, many technologies, dates and numbers, and the
structured spec forms with long lists. Each input is cut to the byte size
asked for (within one repeated unit), so time and memory can be compared
across sizes of the same shape.
"""
import json
import os
import re
import sys

SEED = os.path.join(os.path.dirname(__file__), "..", "examples", "pg14-ec2-to-pg16-rds.txt")

FIELDS = [
    "migration-type", "from-state", "to-state", "scale", "criticality",
    "rollback-acceptable-delay", "existing-dual-run-capability",
    "team-availability", "prior-migration-experience", "constraints",
    "integration-points",
]

HEAD = ("<migration-type>PostgreSQL 14 to PostgreSQL 16</migration-type>\n"
        "<from-state>PostgreSQL 14 on EC2</from-state>\n"
        "<to-state>PostgreSQL 16 on RDS</to-state>\n")


def repeat(unit, size, sep):
    n = max(1, size // (len(unit) + len(sep)))
    return sep.join([unit] * n)


def tagged(field, unit, size, sep):
    head = HEAD if field not in ("migration-type", "from-state", "to-state") else ""
    body = repeat(unit, size - len(head) - 2 * len(field) - 6, sep)
    return f"{head}<{field}>{body}</{field}>\n"


def shape(name, size):
    if name == "duplicate-tags":
        return repeat("<scale>1</scale>", size, "")
    if name == "unknown-tags":
        return HEAD + repeat("<note>see the wiki</note>", size - len(HEAD), "\n")
    if name == "integration-lines":
        # Distinct names: each line is an integration of its own.
        head = HEAD + "<integration-points>\n"
        lines, total, n = [], len(head) + 25, 0
        while True:
            line = f"- billing{n} service reads the orders table over a REST API nightly"
            if total + len(line) + 1 > size:
                break
            lines.append(line)
            total += len(line) + 1
            n += 1
        return head + "\n".join(lines) + "\n</integration-points>\n"
    if name == "integration-repeats":
        return tagged("integration-points",
                      "- billing service reads the orders table over a REST API nightly",
                      size, "\n")
    if name == "constraint-clauses":
        return tagged("constraints",
                      "No deploys from 2026-12-20 to 2027-01-05, deadline end of June, "
                      "at most 6 weeks",
                      size, " ")
    if name == "technology-run-on":
        return tagged("from-state", "PostgreSQL 14 MySQL 8 Redis 7 Kafka Stripe", size, " ")
    if name == "numbers":
        return tagged("scale", "12 TB, 5000 QPS at peak, 30 engineers, 2 hours", size, "; ")
    if name == "team-prose":
        return tagged("team-availability",
                      "two SREs in Berlin (CET) and a DBA in New York part-time", size, ". ")
    if name == "seed-fields":
        # The seed example with every field's content repeated, so every
        # extractor sees a long field of realistic prose.
        text = open(SEED).read()
        factor = max(1, round(size / len(text)))
        return re.sub(r"(<([a-z-]+)>)(.*?)(</\2>)",
                      lambda m: m.group(1) + "\n".join([m.group(3)] * factor) + m.group(4),
                      text, flags=re.S)
    if name == "json-spec":
        item = {"name": "billing", "kind": "service-consumers",
                "description": "billing reads the orders table over REST nightly"}
        n = max(1, (size - 200) // (len(json.dumps(item)) + 2))
        return json.dumps({
            "migration": {"description": "PostgreSQL 14 to 16"},
            "source": {"technology": "PostgreSQL 14"},
            "target": {"technology": "PostgreSQL 16"},
            "integrations": [item] * n,
        })
    if name == "toml-spec":
        head = ('[migration]\ndescription = "PostgreSQL 14 to 16"\n'
                '[source]\ntechnology = "postgresql"\nversion = "14"\n'
                '[target]\ntechnology = "postgresql"\nversion = "16"\n')
        item = ('[[integrations]]\nname = "billing"\nkind = "service-consumers"\n'
                'description = "billing reads the orders table over REST nightly"\n')
        return head + repeat(item, size - len(head), "")
    if name == "yaml-spec":
        head = ("migration:\n  description: PostgreSQL 14 to 16\n"
                "source:\n  technology: postgresql\n  version: '14'\n"
                "target:\n  technology: postgresql\n  version: '16'\nintegrations:\n")
        item = ("  - name: billing\n    kind: service-consumers\n"
                "    description: billing reads the orders table over REST nightly")
        return head + repeat(item, size - len(head), "\n") + "\n"
    raise SystemExit(f"unknown shape {name}")


if __name__ == "__main__":
    name, size = sys.argv[1], int(sys.argv[2])
    sys.stdout.write(shape(name, size))
