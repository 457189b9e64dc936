#!/usr/bin/env python3
"""Summarises results-*.jsonl of run-investigation.sh for docs/faithfulness.md."""
import json, sys, statistics as st

def onset(errors, base, pts=0.05):
    """First m whose error exceeds the baseline (m = 0) by pts (absolute), else None."""
    for m, e in enumerate(errors):
        if m > 0 and e - base >= pts:
            return m
    return None

for path in sys.argv[1:]:
    for line in open(path):
        r = json.loads(line)
        t = r['taylor']
        base = t['nearest_input-section'][0]
        jr = r['jr_over_ji']; dr = r['drift']; an = r['angle']
        name = r['arch'] + ('' if not r['layout'] else ('/pre' if r['layout'] == 'PreActivation' else '/post') + f" wr={r['w_r']:.2g}")
        te = r['train_error']
        print(f"{name:28s} {r['optimizer']:4s} lr={r['lr']:<6g} s{r['seed']} {r['status'][:4]} "
              f"err={te if te is None else round(te,3)} test={r['test_error']} "
              f"GSC r={r['gsc_rate']:.4f} R2={r['gsc_r2']:.2f} {r['gsc_verdict'][:4]} | "
              f"ED spec={r['effective_depth_spec']}/{r['blocks']} trunc={r['effective_depth_truncation']} canc={r['cancellation']:.3g} | "
              f"drift first={dr[0]:.3g} med={st.median(dr):.3g} last={dr[-1]:.3g} angle1={an[0]} | "
              f"Jr/Ji first={jr[0]:.3g} med={st.median(jr):.3g} max={max(jr):.3g} | "
              f"Taylor onset(+5pt) in/sec={onset(t['nearest_input-section'], base)} in/net={onset(t['nearest_input-network'], base)} "
              f"out={onset(t['nearest_output-section'], base)} | err m=L {t['nearest_input-section'][-1]:.3f} "
              f"in/net m=1 {t['nearest_input-network'][1]:.3f}")
