#!/usr/bin/env python3
"""Compares two `gradscope reproduce` output directories number by number.

Usage: scripts/compare-reproductions.py BEFORE_DIR AFTER_DIR [--tolerance 0]

Written for issue 13 ("reproduce --preset quick gives the same numbers as before the change"), where cell ids and the
JSON layout changed on purpose. So nothing is matched by id or by position alone:
  * cells are matched by what they compute (kind, architecture and sizes, input, optimizer, learning rate, batch,
    epochs, seed), read from each cell's cell.json;
  * study CSV rows are matched by their text columns and identifying numbers (learning rate, seed, position, ...),
    with cell ids normalised (the size/protocol tags added to ids since are removed);
  * JSON leaves are matched by path after the known renames of the diagnostics schema (gsc_rate -> gsc/rate,
    k -> dilution, ...), listed in RENAMES below.
It prints, per study file and per cell field, how many values were compared, how many differ, and the largest
absolute and relative difference; then the leaves found on one side only. Exit code 0 when every compared value is
within --tolerance (relative), 1 otherwise. Standard library only.
"""
import argparse
import csv
import glob
import json
import math
import os
import re
import sys
from collections import defaultdict

# Tags cell ids gained after the structure change (unit size, batch, epochs, subsets); removing them maps a new id to
# the old one.
ID_TAGS = re.compile(r"-(?:m\d+|b\d+|e\d+|n\d+|t\d+)(?=-)")
CELL_ID = re.compile(r"^(?:train|init)-[a-z0-9.\-]+$")

# Fields of a residual unit's dilution entry, old name -> new name.
UNIT_RENAMES = {"unit": "position", "k": "dilution", "branch_gsc": "gsc_branch", "unit_gsc": "gsc_unit",
                "predicted_unit_gsc": "predicted_gsc_unit"}

# Renames of the diagnostics schema (old path -> new path), applied to the BEFORE side's leaf paths.
RENAMES = [
    (re.compile(r"/gsc_profile\[(\d+)\]/gsc$"), r"/gsc/profile[\1]/value"),
    (re.compile(r"/gsc_profile\[(\d+)\]/"), r"/gsc/profile[\1]/"),
    # (the training history keeps gsc_rate as it was)
    (re.compile(r"^(?!.*/history\[)(.*)/gsc_(rate|intercept|r2|verdict)$"), r"\1/gsc/\2"),
    (re.compile(r"(/collapse\[\d+\])/(pre_activation_std|sign_diversity|pseudo_linearity)$"), r"\1/\2_mean"),
    (re.compile(r"(/(?:units|dilution)\[\d+\])/(unit|k|branch_gsc|unit_gsc|predicted_unit_gsc)$"),
     lambda m: f"{m.group(1)}/{UNIT_RENAMES[m.group(2)]}"),
    (re.compile(r"(/points\[\d+\])/train_error$"), r"\1/error"),
    # Cell results: the Taylor curve moved into the final diagnostics report.
    (re.compile(r"^/taylor\[(\d+)\]/train_error$"), r"/final/taylor/points[\1]/error"),
    (re.compile(r"^/taylor\[(\d+)\]/replaced$"), r"/final/taylor/points[\1]/replaced"),
]

# CSV columns that identify a row rather than measure something.
KEY_COLUMNS = {"architecture", "optimizer", "input", "learning_rate", "best_learning_rate", "seed", "residual_weight",
               "unit", "position", "linear_layers", "epoch", "replaced", "depth", "cell", "id"}


def normalise(value):
    if isinstance(value, str) and CELL_ID.match(value):
        return ID_TAGS.sub("", value)
    return value


def number(text):
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, (int, float)):
        return float(text)
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


class Tally:
    """Largest differences per (file, column)."""

    def __init__(self):
        self.rows = defaultdict(lambda: {"n": 0, "differ": 0, "abs": 0.0, "rel": 0.0, "text_differ": 0, "example": ""})

    def compare(self, where, column, before, after, label):
        entry = self.rows[(where, column)]
        entry["n"] += 1
        b, a = number(before), number(after)
        if b is not None and a is not None:
            if b == a or (math.isnan(b) and math.isnan(a)):
                return
            diff = abs(a - b)
            scale = max(abs(a), abs(b))
            rel = diff / scale if scale > 0 else math.inf
            entry["differ"] += 1
            if rel >= entry["rel"]:
                entry["example"] = f"{label}: {before} -> {after}"
            entry["abs"] = max(entry["abs"], diff)
            entry["rel"] = max(entry["rel"], rel)
        elif normalise(before) != normalise(after):
            entry["text_differ"] += 1
            entry["differ"] += 1
            if not entry["example"]:
                entry["example"] = f"{label}: {str(before)[:80]!r} -> {str(after)[:80]!r}"


def flatten(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from flatten(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from flatten(value, f"{path}[{i}]")
    else:
        yield path, node


def renamed(path):
    for pattern, replacement in RENAMES:
        path = pattern.sub(replacement, path)
    return path


def leaf_name(path):
    return re.sub(r"\[\d+\]", "[]", path)


def per_block_collapse(node):
    """The new schema lists collapse per nonlinearity (a ResNet unit has m of them at one position); the old one gave
    one entry per position, the mean over its nonlinearities (the minimum for *_min). Rebuilds the old shape."""
    if isinstance(node, dict):
        return {k: (merge_positions(v) if k == "collapse" and isinstance(v, list) else per_block_collapse(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [per_block_collapse(v) for v in node]
    return node


def merge_positions(entries):
    if not entries or not all(isinstance(e, dict) and "position" in e for e in entries):
        return entries
    groups = defaultdict(list)
    for e in entries:
        groups[e["position"]].append(e)
    if all(len(g) == 1 for g in groups.values()):
        return entries
    merged = []
    for position in sorted(groups):
        group = groups[position]
        entry = {"position": position}
        for key, value in group[0].items():
            values = [g[key] for g in group]
            if key == "position" or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
                continue
            entry[key] = min(values) if key.endswith("_min") else sum(values) / len(values)
        merged.append(entry)
    return merged


def compare_json(tally, where, before, after, only):
    after = per_block_collapse(after)
    b = {renamed(p): v for p, v in flatten(before)}
    a = dict(flatten(after))
    for path in sorted(set(b) & set(a)):
        tally.compare(where, leaf_name(path), b[path], a[path], path)
    for path in set(b) - set(a):
        only[(where, "before")].add(leaf_name(path))
    for path in set(a) - set(b):
        only[(where, "after")].add(leaf_name(path))


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def compare_csv(tally, where, before_rows, after_rows, problems):
    columns = list(before_rows[0].keys()) if before_rows else []
    # A column identifies the row when it is a known key or holds text only (no value in it is a number).
    measured_text = ("status", "verdict", "evidence", "statement")
    keys = [c for c in columns if c in KEY_COLUMNS or (c not in measured_text and all(
        number(row[c]) is None for row in before_rows if row[c] not in ("", None)) and any(row[c] for row in before_rows))]

    def key(row):
        return tuple(normalise(row.get(c)) for c in keys)

    after_by_key = defaultdict(list)
    for row in after_rows:
        after_by_key[key(row)].append(row)
    if len(before_rows) != len(after_rows):
        problems.append(f"{where}: {len(before_rows)} rows before, {len(after_rows)} after")
    for row in before_rows:
        matches = after_by_key.get(key(row))
        if not matches:
            problems.append(f"{where}: no row after for {dict(zip(keys, key(row)))}")
            continue
        other = matches.pop(0)
        for column in columns:
            if column in keys:
                continue
            if column not in other:
                problems.append(f"{where}: column {column} missing after")
                continue
            tally.compare(where, column, row[column], other[column], str(dict(zip(keys, key(row)))))


def cell_key(cell):
    """What a cell computes, from cell.json (both layouts hold the spec and, for training cells, the config)."""
    arch = cell.get("architecture") or cell.get("training", {}).get("architecture") or {}
    training = cell.get("training") or {}
    return (cell.get("kind"), arch.get("name"), arch.get("depth"), arch.get("width"), arch.get("unit_size"),
            arch.get("residual_weight"), arch.get("input_dim"), arch.get("classes"), cell.get("input"),
            training.get("optimizer"), training.get("learning_rate"), training.get("batch_size"),
            training.get("epochs"), training.get("train_subset"), cell.get("seed"), cell.get("examples"))


def load_cells(root):
    cells = {}
    for path in glob.glob(os.path.join(root, "cells", "*", "cell.json")):
        with open(path, encoding="utf-8") as f:
            cell = json.load(f)
        result_path = os.path.join(os.path.dirname(path), "result.json")
        result = None
        if os.path.exists(result_path):
            with open(result_path, encoding="utf-8") as f:
                result = json.load(f)
        cells[cell_key(cell)] = (os.path.basename(os.path.dirname(path)), result)
    return cells


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--tolerance", type=float, default=0.0, help="largest relative difference that counts as equal")
    args = parser.parse_args()

    tally, problems, only = Tally(), [], defaultdict(set)

    before_cells, after_cells = load_cells(args.before), load_cells(args.after)
    for key in sorted(set(before_cells) - set(after_cells), key=str):
        problems.append(f"cell {before_cells[key][0]} has no counterpart after")
    for key in sorted(set(after_cells) - set(before_cells), key=str):
        problems.append(f"cell {after_cells[key][0]} has no counterpart before")
    per_cell = []
    for key in sorted(set(before_cells) & set(after_cells), key=str):
        (name, before_result), (_, after_result) = before_cells[key], after_cells[key]
        if before_result is None or after_result is None:
            problems.append(f"cell {name}: result missing on one side")
            continue
        compare_json(tally, "cells/*/result.json", before_result, after_result, only)
        # The same comparison once more per cell, to say which cells differ and by how much.
        own = Tally()
        compare_json(own, name, before_result, after_result, defaultdict(set))
        differ = sum(e["differ"] for e in own.rows.values())
        if differ:
            n = sum(e["n"] for e in own.rows.values())
            rel = max(e["rel"] for e in own.rows.values())
            text = sum(e["text_differ"] for e in own.rows.values())
            per_cell.append((rel, name, n, differ, text))

    for path in sorted(glob.glob(os.path.join(args.before, "studies", "*"))):
        name = os.path.basename(path)
        other = os.path.join(args.after, "studies", name)
        if not os.path.exists(other):
            problems.append(f"studies/{name} missing after")
            continue
        if name.endswith(".csv"):
            compare_csv(tally, f"studies/{name}", read_csv(path), read_csv(other), problems)
        elif name.endswith(".json"):
            with open(path, encoding="utf-8") as fb, open(other, encoding="utf-8") as fa:
                compare_json(tally, f"studies/{name}", json.load(fb), json.load(fa), only)

    print(f"cells matched by what they compute: {len(set(before_cells) & set(after_cells))} "
          f"(before {len(before_cells)}, after {len(after_cells)})")
    print(f"{'file':<28} {'column / leaf':<52} {'compared':>8} {'differ':>6} {'max abs':>10} {'max rel':>10}")
    worst = 0.0
    for (where, column), e in sorted(tally.rows.items()):
        worst = max(worst, e["rel"] if e["text_differ"] == 0 else math.inf)
        if e["differ"] == 0:
            continue
        print(f"{where:<28} {column[:52]:<52} {e['n']:>8} {e['differ']:>6} {e['abs']:>10.3g} {e['rel']:>10.3g}"
              + (f"  ({e['text_differ']} text)" if e["text_differ"] else ""))
        print(f"{'':<28}   largest: {e['example'][:150]}")
    if per_cell:
        print("\ncells whose results differ: values compared, values that differ, largest relative difference")
        for rel, name, n, differ, text in sorted(per_cell, reverse=True):
            print(f"  {name:<60} {n:>6} {differ:>6} {rel:>10.3g}" + (f"  ({text} text)" if text else ""))
    by_file = defaultdict(lambda: [0, 0])
    for (where, _), e in tally.rows.items():
        by_file[where][0] += e["n"]
        by_file[where][1] += e["differ"]
    print("\nper file: values compared, values that differ")
    for where, (n, differ) in sorted(by_file.items()):
        print(f"  {where:<28} {n:>8} {differ:>6}{'  identical' if differ == 0 else ''}")
    if only:
        print("\nleaves on one side only (new or removed fields, not compared):")
        for (where, side), leaves in sorted(only.items()):
            shown = sorted(leaves)
            print(f"  {where} {side} only: {len(shown)}: {', '.join(shown[:12])}{' ...' if len(shown) > 12 else ''}")
    if problems:
        print("\nproblems:")
        for p in problems[:50]:
            print("  " + p)
    ok = not problems and worst <= args.tolerance
    print(f"\n{'SAME' if ok else 'DIFFERENT'}: largest relative difference {worst:.3g} (tolerance {args.tolerance})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
