"""study.html of a study pack: the results of a blind-review study, offline, no script.

Same rules as index.html (html.py): a CSP that allows only inline styles, every user text
(study name, question, prompts, reviewer names, labels) through `esc`. Strength bars are plain
CSS widths. After the reveal (a closed study) each pair is listed with its arms and image refs,
and index.html (the review pack of the same zip) shows the images.
"""

from __future__ import annotations

from typing import Any

from playground.export.html import CSP, STYLE, esc
from playground.history.studies import Study

EXTRA_STYLE = (".bar{background:#f2b705;height:10px;border-radius:3px}"
               ".ci{color:var(--muted);font-size:.85em}td.num{text-align:right}")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _arms(results: dict[str, Any]) -> str:
    arms = results["arms"]
    strengths = [a["strength"] for a in arms if a["strength"] is not None]
    low = min([a["ci_low"] for a in arms if a["ci_low"] is not None], default=0)
    high = max([a["ci_high"] for a in arms if a["ci_high"] is not None], default=1)
    rows = []
    for a in sorted(arms, key=lambda a: (a["rank"] or 99, -(a["strength"] or 0))):
        width = 0 if a["strength"] is None or high == low else \
            round(100 * (a["strength"] - low) / (high - low))
        rows.append(
            f"<tr><td>{esc(a['rank'] or '–')}</td><td>{esc(a['label'])}</td>"
            f"<td class='num'>{_num(a['strength'])} <span class='ci'>[{_num(a['ci_low'])}, "
            f"{_num(a['ci_high'])}]</span></td><td style='width:25%'><div class='bar' "
            f"style='width:{width}%'></div></td><td class='num'>{a['votes']}</td>"
            f"<td class='num'>{a['wins']}</td><td class='num'>{a['losses']}</td>"
            f"<td class='num'>{a['ties']}</td><td class='num'>{a['both_bad']}</td></tr>")
    note = "" if strengths else (f"<p class='alert'>No ranking yet: {results['votes']} of the "
                                 f"{results['min_votes']} votes needed.</p>")
    return (f"<h2>Bradley–Terry strengths (Elo scale, 95 % bootstrap interval)</h2>{note}"
            "<table><tr><th>rank</th><th>arm</th><th>strength [CI]</th><th></th><th>votes</th>"
            "<th>wins</th><th>losses</th><th>ties</th><th>both bad</th></tr>"
            + "".join(rows) + "</table>")


def _pairs(results: dict[str, Any]) -> str:
    rows = [f"<tr><td>{esc(p['label_a'])} over {esc(p['label_b'])}</td>"
            f"<td>{_pct(p['preference'])} <span class='ci'>({_pct(p['ci_low'])}–"
            f"{_pct(p['ci_high'])})</span></td><td>{p['a_wins'] + p['b_wins']}</td>"
            f"<td>{p['ties']}</td><td>{p['both_bad']}</td></tr>" for p in results["pairs"]]
    return ("<h2>Preferences between arms (decisive votes, 95 % CI)</h2><table><tr><th>pair of "
            "arms</th><th>preferred</th><th>decisive</th><th>ties</th><th>both bad</th></tr>"
            + "".join(rows) + "</table>")


def _share(name: str, share: dict[str, Any]) -> str:
    return (f"<tr><td>{esc(name)}</td><td>{_pct(share['share'])} of {share['n']} "
            f"<span class='ci'>({_pct(share['ci_low'])}–{_pct(share['ci_high'])})</span></td></tr>")


def _quality(results: dict[str, Any]) -> str:
    ag = results["agreement"]
    agreement = (f"{ag['alpha']:.2f} over {ag['pairs_shared']} shared pairs "
                 f"({_pct(ag['percent_agreement'])} same answers)" if ag["alpha"] is not None
                 else esc(ag["note"]))
    reviewers = "".join(
        f"<tr><td>{esc(r['reviewer'])}</td><td>{r['votes']}</td><td>{r['consistent']}/"
        f"{r['repeats']}</td><td>{_pct(r['left_share'])}</td></tr>"
        for r in results["per_reviewer"])
    return ("<h2>Ties, position bias, agreement</h2><table>"
            + _share("Ties", results["ties"]) + _share("Both bad", results["both_bad"])
            + _share("Left image won (position bias)", results["position_bias"])
            + f"<tr><td>Agreement ({esc(ag['method'])})</td><td>{agreement}</td></tr></table>"
            "<h3>Reviewers</h3><table><tr><th>reviewer</th><th>votes</th><th>repeat checks "
            "consistent</th><th>picked left</th></tr>" + reviewers + "</table>")


def _prompts(results: dict[str, Any]) -> str:
    rows = [f"<tr><td class='prompt'>{esc(r['prompt'])}</td><td>{r['votes']}</td><td>"
            + "; ".join(f"{esc(label)} {score:.2f}" for label, score in r["scores"].items())
            + "</td></tr>" for r in results["per_prompt"]]
    return ("<h2>Per prompt (score = wins + half the ties, per vote)</h2><table><tr><th>prompt"
            "</th><th>votes</th><th>scores</th></tr>" + "".join(rows) + "</table>")


def _revealed_pairs(study: Study) -> str:
    rows = [f"<tr><td>{p.index + 1}</td><td class='prompt'>{esc(p.prompt)}</td>"
            f"<td>#{esc(p.ref_a)} {esc(study.arms[p.arm_a].label)}</td>"
            f"<td>#{esc(p.ref_b)} {esc(study.arms[p.arm_b].label)}</td></tr>"
            for p in study.pairs]
    return ("<h2>The pairs, revealed</h2><p class='muted'>The images are in <a href='index.html'>"
            "index.html</a> of this pack.</p><table><tr><th>pair</th><th>prompt</th><th>A</th>"
            "<th>B</th></tr>" + "".join(rows) + "</table>")


def render(study: Study, results: dict[str, Any], *, revealed: bool) -> str:
    verdict = "".join(f"<p class='alert'>{esc(line)}</p>" for line in results["verdict"])
    emulated = ("<p class='alert'>Emulated: these images come from Banana Split's built-in "
                "emulator, not Google.</p>" if results["study"]["emulated"] else "")
    body = [_arms(results), _pairs(results), _quality(results), _prompts(results)]
    if revealed:
        body.append(_revealed_pairs(study))
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
            "<meta name='referrer' content='no-referrer'>"
            f"<title>Study {esc(study.name)}</title><style>{STYLE}{EXTRA_STYLE}</style></head>"
            f"<body><header><h1>Blind review: {esc(study.name)}</h1>"
            f"<p class='meta'>{esc(study.question)} · {esc(study.status)} · "
            f"{results['votes']} votes by {results['reviewers']} reviewer(s) on "
            f"{len(study.pairs)} pairs</p>{emulated}{verdict}</header><main class='card'>"
            + "".join(body) + "</main></body></html>\n")
