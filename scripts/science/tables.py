#!/usr/bin/env python3
"""Markdown tables of results-*.jsonl for docs/faithfulness.md (deduplicated by configuration)."""
import json, sys, statistics as st

def onset(errors, pts=0.05):
    base = errors[0]
    for m, e in enumerate(errors):
        if m > 0 and e - base >= pts:
            return str(m)
    return '—'

def rows(paths):
    seen, out = set(), []
    for p in paths:
        for line in open(p):
            r = json.loads(line)
            k = (r['arch'], r['layout'], r['w_r'], r['optimizer'], r['lr'], r['seed'])
            if k not in seen:
                seen.add(k); out.append(r)
    return out

def name(r):
    if not r['layout']:
        return r['arch']
    return f"{r['arch']} ({'pre' if r['layout'] == 'PreActivation' else 'post'}, w_r {r['w_r']:.2g})"

print('| network | opt, lr | seed | train err | GSC r (R², verdict) | ED SPEC | ED trunc | Σ‖g_λ‖/‖Σg_λ‖ | drift med (first) | ‖J_r‖/‖J_i‖ med (max) | Taylor +5 pt onset: in/section, in/network, out | err m=0 → m=L |')
print('|---|---|---|---|---|---|---|---|---|---|---|---|')
for r in sorted(rows(sys.argv[1:]), key=lambda r: (r['arch'].startswith('resnet'), r['arch'], r['layout'] or '', -(r['w_r'] or 0), r['optimizer'], r['lr'], r['seed'])):
    t = r['taylor']; s = t['nearest_input-section']
    te = '—' if r['train_error'] is None else f"{100*r['train_error']:.1f} %"
    if r['status'] != 'completed': te += f" ({r['status']})"
    print(f"| {name(r)} | {r['optimizer'].lower()} {r['lr']:g} | {r['seed']} | {te} | {r['gsc_rate']:.3f} ({r['gsc_r2']:.2f}, {r['gsc_verdict']}) "
          f"| {r['effective_depth_spec']}/{r['blocks']} | {r['effective_depth_truncation']} | {r['cancellation']:.3g} "
          f"| {st.median(r['drift']):.3f} ({r['drift'][0]:.2f}) | {st.median(r['jr_over_ji']):.3f} ({max(r['jr_over_ji']):.2f}) "
          f"| {onset(s)}, {onset(t['nearest_input-network'])}, {onset(t['nearest_output-section'])} | {100*s[0]:.1f} → {100*s[-1]:.1f} % |")

# Spearman correlation across trained runs (training error < 50 %) between effective depth / blocks and the Taylor
# degradation: the earlier the +5 pt onset (never = L + 1) and the larger err(m = L) − err(0), the "deeper".
def _rank(v):
    order = sorted(range(len(v)), key=lambda i: v[i]); r = [0.0] * len(v); i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]: j += 1
        for k in range(i, j + 1): r[order[k]] = (i + j) / 2
        i = j + 1
    return r

def _spearman(a, b):
    ra, rb = _rank(a), _rank(b); n = len(a); ma, mb = sum(ra) / n, sum(rb) / n
    num = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    return num / ((sum((x - ma) ** 2 for x in ra) * sum((y - mb) ** 2 for y in rb)) ** 0.5)

def _onset(errors, blocks):
    for m, e in enumerate(errors):
        if m > 0 and e - errors[0] >= 0.05: return m / blocks
    return (blocks + 1) / blocks

trained = [r for r in rows(sys.argv[1:]) if r['train_error'] is not None and r['train_error'] < 0.5]
print()
for key in ['nearest_input-section', 'nearest_input-network', 'nearest_output-section']:
    onset_depth = [-_onset(r['taylor'][key], r['blocks']) for r in trained]
    loss = [r['taylor'][key][-1] - r['taylor'][key][0] for r in trained]
    for label, field in [('SPEC', 'effective_depth_spec'), ('truncation', 'effective_depth_truncation')]:
        ed = [r[field] / r['blocks'] for r in trained]
        print(f"{key}, ED {label}: n = {len(trained)}, Spearman with earlier onset {_spearman(ed, onset_depth):.2f}, "
              f"with err(m=L) − err(0) {_spearman(ed, loss):.2f}")
