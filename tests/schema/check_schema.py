#!/usr/bin/env python3
"""Checks the definition JSON Schema against sample definitions.

    python3 tests/schema/check_schema.py --schema docs/schema/definition.schema.json \
        --valid DIR_OR_FILE... --invalid DIR_OR_FILE... [--verbose]

Every file given under --valid (or every *.json below a directory given there) must validate
against the schema; every such file under --invalid must be rejected. A directory under
--invalid (or any directory below it) may hold `schema-accepts.txt`: names of files in that
directory, one per line, each followed by the reason the schema cannot reject it (duplicate
ids, dangling step targets and other graph-level problems that only `ablauf validate` finds).
Lines starting with `#` and blank lines are ignored. Listed files are skipped with a note; a
listed name that does not exist is an error.

Prints `ok FILE` or `FAIL FILE: reason` per file and ends with `N passed, M failed`. Exits 1 if
anything failed or if no file was checked. Needs python3-jsonschema (4.10 or later).
"""

import argparse
import difflib
import json
import os
import re
import sys

try:
    import jsonschema
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match
except ImportError:  # pragma: no cover
    print("check_schema.py needs the jsonschema module (Debian: python3-jsonschema)", file=sys.stderr)
    sys.exit(2)

ACCEPTS_FILE = "schema-accepts.txt"
MAX_MESSAGE = 300


def ecmascript_pattern(validator, pattern, instance, schema):
    """`pattern` as ECMAScript reads it: Python's `$` also matches before a final newline, so
    "step\n" would pass `^[a-z]+$` here but not in an editor."""
    if not validator.is_type(instance, "string"):
        return
    anchored = pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith("\\$") else pattern
    if not re.search(anchored, instance):
        yield jsonschema.exceptions.ValidationError(f"{instance!r} does not match {pattern!r}")


Validator = jsonschema.validators.extend(Draft202012Validator, {"pattern": ecmascript_pattern})


class DocumentError(Exception):
    """The file is not a JSON document the schema could be applied to."""


def json_pointer(path):
    if not path:
        return "(root)"
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def load_json(path):
    """Parses a file strictly: UTF-8, no NaN/Infinity. Returns (document, duplicate keys)."""
    duplicates = []

    def pairs(items):
        obj = {}
        for key, value in items:
            if key in obj:
                duplicates.append(key)
            obj[key] = value
        return obj

    def constant(name):
        raise ValueError(f"{name} is not JSON")

    try:
        with open(path, "rb") as f:
            raw = f.read()
        text = raw.decode("utf-8")
        doc = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except OSError as e:
        raise DocumentError(f"cannot read: {e.strerror}") from e
    except UnicodeDecodeError as e:
        raise DocumentError(f"not UTF-8: {e}") from e
    except ValueError as e:  # json.JSONDecodeError is a ValueError
        raise DocumentError(f"not valid JSON: {e}") from e
    return doc, duplicates


def shorten(text, limit=80):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def resolve_local(root, ref):
    node = root
    for token in ref.lstrip("#").split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def walk_schema_path(root, schema_path):
    """Follows an error's schema path from the root schema, resolving local $refs;
    returns None where it cannot follow."""
    node = root
    try:
        for part in schema_path:
            if part == "$ref":
                node = resolve_local(root, node["$ref"])
                continue
            # Later jsonschema versions leave "$ref" out of the path: follow it implicitly.
            while isinstance(node, dict) and part not in node and "$ref" in node:
                node = resolve_local(root, node["$ref"])
            if isinstance(node, list):
                node = node[int(part)]
            else:
                node = node[part]
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return node


def instance_at(doc, path):
    for part in path:
        doc = doc[part]
    return doc


def describe(error, root, doc):
    """One line for a validation error: `/json/pointer: message`."""
    path = list(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    validator = error.validator
    message = error.message

    if error.schema is False:
        # A property forbidden by `"name": false`. jsonschema 4.10 puts the name at the end of
        # the instance path; later versions stop at the object and the `properties` keyword.
        names = []
        if error.schema_path and error.schema_path[-1] == "properties":
            forbidden = walk_schema_path(root, error.schema_path)
            try:
                holder = instance_at(doc, path)
            except (KeyError, IndexError, TypeError):
                holder = None
            if isinstance(forbidden, dict) and isinstance(holder, dict):
                names = [k for k in holder if forbidden.get(k) is False]
            if len(names) == 1:
                path.append(names[0])
        elif path:
            names = [path[-1]]
        message = ("field " + ", ".join(repr(n) for n in names) if names else "this field") + " is not allowed here"
    elif validator == "additionalProperties" and isinstance(error.instance, dict):
        known = list(schema.get("properties", {}))
        extra = [k for k in error.instance if k not in known]
        if len(extra) == 1:
            path.append(extra[0])
            message = f"unknown field {extra[0]!r}"
            close = difflib.get_close_matches(extra[0], known, n=1, cutoff=0.6)
            if close:
                message += f" (did you mean {close[0]!r}?)"
        elif extra:
            message = "unknown fields " + ", ".join(repr(k) for k in extra)
    elif validator == "pattern" and schema.get("description"):
        message = f"{shorten(repr(error.instance))} is malformed: {schema['description']}"
    elif validator in ("contains", "maxContains") and "next" in path[-1:]:
        message = "more than one transition without 'when': only the last may omit it (the default)"
    elif validator in ("oneOf", "anyOf", "not") and schema.get("description"):
        message = schema["description"]

    if len(message) > MAX_MESSAGE:
        message = message.replace(repr(error.instance), shorten(repr(error.instance)))
    if len(message) > MAX_MESSAGE:
        message = shorten(message, MAX_MESSAGE)
    return f"{json_pointer(path)}: {message}"


def validation_errors(validator, doc):
    errors = list(validator.iter_errors(doc))
    if not errors:
        return None, []
    best = best_match(errors)
    root = validator.schema
    others = sorted(describe(e, root, doc) for e in errors if e is not best)
    return describe(best, root, doc), others


def read_accepts(directory, report):
    """Reads DIRECTORY/schema-accepts.txt. Returns {absolute path: reason}; reports bad lines."""
    listing = os.path.join(directory, ACCEPTS_FILE)
    accepted = {}
    if not os.path.isfile(listing):
        return accepted
    with open(listing, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 1)
            name = parts[0]
            reason = parts[1].lstrip("#:-– \t") if len(parts) > 1 else ""
            where = f"{listing}:{number}"
            target = os.path.normpath(os.path.join(directory, name))
            if not os.path.exists(target):
                report.fail(where, f"listed file {name!r} does not exist")
                continue
            if not reason:
                report.fail(where, f"{name!r} needs a reason after the name")
                continue
            accepted[target] = reason
    return accepted


def expand(arg, invalid, report):
    """Yields (file, accepted reason or None) for a file or directory argument."""
    if os.path.isfile(arg):
        yield arg, None
        return
    if not os.path.isdir(arg):
        report.fail(arg, "no such file or directory")
        return
    for directory, subdirs, files in os.walk(arg):
        subdirs.sort()
        accepted = read_accepts(directory, report) if invalid else {}
        for name in sorted(files):
            if not name.endswith(".json"):
                continue
            path = os.path.join(directory, name)
            yield path, accepted.get(os.path.normpath(path))


class Report:
    def __init__(self, verbose):
        self.verbose = verbose
        self.passed = 0
        self.failed = 0
        self.skipped = 0

    def ok(self, path, detail=None):
        self.passed += 1
        print(f"ok {path}" + (f" ({detail})" if detail and self.verbose else ""))

    def fail(self, path, reason, more=()):
        self.failed += 1
        extra = f" (and {len(more)} more)" if more else ""
        print(f"FAIL {path}: {reason}{extra}")
        if self.verbose:
            for line in more:
                print(f"    {line}")

    def skip(self, path, reason, note=None):
        self.skipped += 1
        print(f"skip {path}: listed in {ACCEPTS_FILE}: {reason}" + (f" [{note}]" if note else ""))


def check_valid(validator, path, report):
    try:
        doc, duplicates = load_json(path)
    except DocumentError as e:
        report.fail(path, str(e))
        return
    if duplicates:
        report.fail(path, "duplicate keys " + ", ".join(repr(k) for k in duplicates))
        return
    first, others = validation_errors(validator, doc)
    if first is None:
        report.ok(path)
    else:
        report.fail(path, first, others)


def check_invalid(validator, path, accepted_reason, report):
    try:
        doc, _ = load_json(path)
    except DocumentError as e:
        if accepted_reason is not None:
            report.skip(path, accepted_reason, "note: not even JSON, the entry can go")
        else:
            report.ok(path, f"rejected: {e}")
        return
    first, _ = validation_errors(validator, doc)
    if accepted_reason is not None:
        note = f"note: the schema now rejects it ({first}), the entry can go" if first else None
        report.skip(path, accepted_reason, note)
    elif first is None:
        report.fail(path, f"the schema accepts it, but it is invalid (list it in {ACCEPTS_FILE} "
                          "with a reason if the schema cannot express the rule)")
    else:
        report.ok(path, f"rejected: {first}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schema", required=True, help="the JSON Schema to check")
    parser.add_argument("--valid", nargs="+", action="extend", default=[], metavar="PATH",
                        help="files, or directories of *.json files, that must validate")
    parser.add_argument("--invalid", nargs="+", action="extend", default=[], metavar="PATH",
                        help="files, or directories of *.json files, that must be rejected")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also show why invalid files were rejected and every error of a failing file")
    args = parser.parse_args()

    report = Report(args.verbose)
    try:
        schema, _ = load_json(args.schema)
        Draft202012Validator.check_schema(schema)
    except DocumentError as e:
        print(f"FAIL {args.schema}: {e}")
        print("0 passed, 1 failed")
        return 1
    except jsonschema.exceptions.SchemaError as e:
        print(f"FAIL {args.schema}: not a valid draft 2020-12 schema: "
              f"{json_pointer(e.absolute_path)}: {shorten(e.message, MAX_MESSAGE)}")
        print("0 passed, 1 failed")
        return 1
    validator = Validator(schema)

    for arg in args.valid:
        for path, _ in expand(arg, False, report):
            check_valid(validator, path, report)
    for arg in args.invalid:
        for path, reason in expand(arg, True, report):
            check_invalid(validator, path, reason, report)

    if report.skipped:
        print(f"note: {report.skipped} skipped (listed in {ACCEPTS_FILE})")
    print(f"{report.passed} passed, {report.failed} failed")
    if report.passed + report.failed == 0:
        print("error: no file was checked", file=sys.stderr)
        return 1
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
