"""xpplot_wan.py: the time-varying WAN experiments (wan_diurnal, wan_degraded, wan_markov): fixed
static, fixed adaptive and re-planned adaptive schedules over several iterations. Drawn with
xpplot's style and writer; every figure in the section is computed from the rows.
"""
import os

import xpplot
from xpplot import plt

MODES = ["never", "on-change", "every-iteration"]
MODE_STYLE = {"never": "#9e9e9e", "on-change": "#1f77b4", "every-iteration": "#d62728"}
REPLAN_KEY = "schedule.replan"


def cells(rows):
    """{(replan, schedule): (mean, p95, max, seeds)} in ms, each the average over the seeds."""
    acc = {}
    for r in rows:
        if not r["ok"] or not r["fits"]:
            continue
        vals = [xpplot.num(r.get(k)) for k in ("iter_mean_ns", "iter_p95_ns", "iter_max_ns")]
        if None in vals:
            continue
        acc.setdefault((r.get(REPLAN_KEY, "never"), r["schedule"]), []).append(vals)
    out = {}
    for k, v in acc.items():
        n = len(v)
        out[k] = tuple(sum(x[i] for x in v) / n / 1e6 for i in range(3)) + (n,)
    return out


def best(c, names, mode):
    """(schedule, p95) of the lowest p95 among names under a replan mode; None if none ran."""
    got = [(c[(mode, s)][1], s) for s in names if (mode, s) in c]
    return (min(got)[1], min(got)[0]) if got else None


def figure(c, names, figdir, name):
    fig, ax = plt.subplots(figsize=(max(5.5, 1.1 * len(names) + 2), 3.8))
    width = 0.8 / len(MODES)
    for i, mode in enumerate(MODES):
        xs = [j + (i - 1) * width for j, s in enumerate(names) if (mode, s) in c]
        p95 = [c[(mode, s)][1] for s in names if (mode, s) in c]
        mean = [c[(mode, s)][0] for s in names if (mode, s) in c]
        ax.bar(xs, p95, width, color=MODE_STYLE[mode], label="p95, replan %s" % mode)
        ax.plot(xs, mean, linestyle="none", marker="_", color="black", markersize=9,
                label="mean" if i == 0 else None)
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names)
    lo = min(v[0] for v in c.values())
    ax.set_ylim(0.9 * lo, None)
    ax.set_ylabel("iteration time (ms)")
    ax.legend(fontsize=7, loc="upper right")
    fig.suptitle("%s: p95 (bars) and mean (ticks) iteration time, fixed and re-planned" % name)
    fig.tight_layout()
    return xpplot.save(fig, os.path.join(figdir, name))


def findings(c):
    """The comparison of the issue: re-planned greedy against the best fixed schedules."""
    st = best(c, xpplot.STATIC, "never")
    ad = best(c, xpplot.ADAPTIVE, "never")
    md = ["| compared (p95 iteration time) | schedule | p95 | re-planned greedy (on-change) "
          "against it |", "|---|---|---|---|"]
    rg = c.get(("on-change", "greedy"))
    for label, b in (("best fixed static", st), ("best fixed adaptive", ad)):
        if b and rg:
            md.append("| %s | `%s` | %.1f ms | %+.1f%% |" % (label, b[0], b[1],
                                                          100 * (rg[1] - b[1]) / b[1]))
    for mode in MODES[1:]:
        b = best(c, xpplot.ADAPTIVE, mode)
        if b:
            md.append("| best re-planned adaptive (%s) | `%s` | %.1f ms | |" % (mode, b[0], b[1]))
    return md


def worse(rows):
    """Rows where a re-planned schedule's p95 is above the same schedule's fixed one (same seed)."""
    p95 = {(r.get(REPLAN_KEY), r["schedule"], r.get("seed")): xpplot.num(r.get("iter_p95_ns"))
           for r in rows if r["ok"]}
    out = []
    for (m, s, seed), v in sorted(p95.items()):
        fixed = p95.get(("never", s, seed))
        if m != "never" and s in xpplot.ADAPTIVE and v is not None and fixed is not None \
                and v > fixed:
            out.append("`%s` %s seed %s (%+.2f%%)" % (s, m, seed, 100 * (v - fixed) / fixed))
    return ["", "Runs where a re-planned adaptive schedule has a higher p95 than the same "
            "schedule fixed, same seed: %s." % ("; ".join(out) if out else "none")]


def wan_replan(rows, figdir, name):
    c = cells(rows)
    if not c:
        return [], "No ok rows with iteration figures.\n"
    names = [s for s in xpplot.ORDER if any((m, s) in c for m in MODES)]
    figs = figure(c, names, figdir, name)
    seeds = max(v[3] for v in c.values())
    md = findings(c) + worse(rows) + ["", "Per schedule and re-planning mode (ms%s):" %
                        (", each the average over %d seeds" % seeds if seeds > 1 else ""), "",
                        "| schedule | replan | mean | p95 | max |", "|---|---|---|---|---|"]
    for s in names:
        for m in MODES:
            if (m, s) in c:
                v = c[(m, s)]
                md.append("| `%s` | %s | %.1f | %.1f | %.1f |" % (s, m, v[0], v[1], v[2]))
    return figs, "\n".join(md) + "\n"
