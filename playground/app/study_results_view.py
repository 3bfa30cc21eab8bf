"""A study's results on the Review page: the same `study_results` the CLI prints (same seed,
so the same numbers), as charts and tables; shown only to those the study reveals them to."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from playground.app.runtime import Runtime
from playground.app.text import plain
from playground.export.scrub import pack_secrets
from playground.export.study_pack import study_export
from playground.history.studies import Study, Vote, close_study
from playground.review.study_report import (
    VOTE_COLUMNS,
    pct,
    share_text,
    strength_text,
    vote_rows,
)
from playground.review.study_results import StudyResults, results_json, study_results


def results_screen(runtime: Runtime, study: Study, votes: list[Vote], viewer: str) -> None:
    res = study_results(study, votes)
    for line in res.verdict:
        st.info(plain(line), icon=":material/gavel:")
    cols = st.columns(4)
    cols[0].metric("Votes", res.votes, help=f"{res.repeat_votes} hidden repeat checks besides")
    cols[1].metric("Reviewers", res.reviewers)
    cols[2].metric("Ties · both bad", f"{pct(res.ties.share)} · {pct(res.both_bad.share)}")
    cols[3].metric("Left image won", pct(res.position_bias.share),
                   help="Position bias: share of decisive votes that went to the left image. "
                        + share_text(res.position_bias))
    if res.emulated:
        st.caption("Emulated: these images come from the built-in emulator, not Google.")
    st.subheader("Bradley–Terry strengths", anchor=False)
    if res.ranking_shown:
        st.altair_chart(strength_chart(res), width="stretch")
        st.markdown("\n".join(
            f"{a.rank}\\. {plain(a.label)}: {strength_text(a.strength, a.ci_low, a.ci_high)} "
            f"· {a.votes} votes, {a.wins} wins" for a in sorted(res.arms, key=lambda a: (
                a.rank or 99, -(a.strength or 0)))).replace("\n", "  \n"))
    else:
        st.warning(f"No ranking yet: {res.votes} of the {res.min_votes} votes needed. The counts "
                   "below are shown meanwhile.")
    st.dataframe(arms_table(res), hide_index=True, width="stretch")
    st.subheader("Arm against arm", anchor=False)
    if res.pairs:
        st.altair_chart(win_rate_chart(res), width="stretch")
        st.dataframe(pd.DataFrame(pairs_rows(res)), hide_index=True, width="stretch")
    st.subheader("Reviewers", anchor=False)
    ag = res.agreement
    st.write(f"Agreement ({ag.method}): " + (
        f"**{ag.alpha:.2f}** over {ag.pairs_shared} pairs judged by two or more, "
        f"{pct(ag.percent_agreement)} identical answers" if ag.alpha is not None
        else plain(ag.note)))
    if res.per_reviewer:
        st.dataframe(pd.DataFrame([{
            "reviewer": r.reviewer, "votes": r.votes,
            "repeat checks consistent": f"{r.consistent}/{r.repeats}",
            "consistency": pct(r.consistency), "picked left": pct(r.left_share)}
            for r in res.per_reviewer]), hide_index=True, width="stretch")
    if res.per_prompt:
        st.subheader("Per prompt", anchor=False)
        st.dataframe(pd.DataFrame([{"prompt": r["prompt"], "votes": r["votes"], **r["scores"]}
                                   for r in res.per_prompt]), hide_index=True, width="stretch")
    _downloads(runtime, study, votes, res)
    if study.may_close(viewer) and st.button("Close the study and reveal it to everyone",
                                             key=f"close_{study.id}"):
        close_study(runtime.store, study.id)
        st.rerun()


def arms_table(res: StudyResults) -> pd.DataFrame:
    return pd.DataFrame([{
        "rank": a.rank, "arm": a.label, "strength": a.strength, "ci_low": a.ci_low,
        "ci_high": a.ci_high, "votes": a.votes, "wins": a.wins, "losses": a.losses,
        "ties": a.ties, "both bad": a.both_bad} for a in res.arms])


def pairs_rows(res: StudyResults) -> list[dict[str, Any]]:
    return [{"arms": f"{p.label_a} over {p.label_b}", "preferred": pct(p.preference),
             "95 % CI": f"{pct(p.ci_low)}–{pct(p.ci_high)}", "decisive": p.a_wins + p.b_wins,
             "ties": p.ties, "both bad": p.both_bad} for p in res.pairs]


def strength_chart(res: StudyResults) -> alt.LayerChart:
    data = arms_table(res)
    base = alt.Chart(data).encode(y=alt.Y("arm:N", sort="-x", title=None,
                                          axis=alt.Axis(labelLimit=260)))
    bars = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("ci_low:Q", title="strength (Elo scale, 95 % bootstrap interval)",
                scale=alt.Scale(zero=False)), x2="ci_high:Q")
    points = base.mark_point(filled=True, size=90).encode(
        x="strength:Q", tooltip=["arm", "strength", "ci_low", "ci_high", "votes"])
    return (bars + points).properties(height=60 + 40 * len(res.arms))


def win_rate_chart(res: StudyResults) -> alt.LayerChart:
    labels = [a.label for a in res.arms]
    cells = [{"row": labels[i], "column": labels[j], "win rate": value}
             for i, row in enumerate(res.win_rate) for j, value in enumerate(row)
             if value is not None]
    base = alt.Chart(pd.DataFrame(cells)).encode(
        x=alt.X("column:N", title="against", sort=labels,
                axis=alt.Axis(labelAngle=0, labelLimit=200, orient="top")),
        y=alt.Y("row:N", title="wins (ties half) of", sort=labels,
                axis=alt.Axis(labelLimit=260)))
    rect = base.mark_rect().encode(color=alt.Color("win rate:Q", scale=alt.Scale(
        domain=[0, 1], scheme="redyellowgreen")), tooltip=["row", "column", "win rate"])
    text = base.mark_text().encode(text=alt.Text("win rate:Q", format=".0%"))
    return (rect + text).properties(height=50 * len(labels))


def _downloads(runtime: Runtime, study: Study, votes: list[Vote], res: StudyResults) -> None:
    doc = results_json(study, res)
    rows = vote_rows(study, votes)
    secrets = pack_secrets(runtime.settings)

    def make(kind: str) -> bytes:
        return study_export(runtime.store, study, doc, rows, VOTE_COLUMNS, kind, secrets)[0]

    cols = st.columns(3)
    cols[0].download_button("Votes (CSV)", data=lambda: make("csv"),
                            file_name=f"study-{study.id}-votes.csv", mime="text/csv")
    cols[1].download_button("Results and votes (JSON)", data=lambda: make("json"),
                            file_name=f"study-{study.id}.json", mime="application/json")
    cols[2].download_button("Study pack (zip)", data=lambda: make("zip"),
                            file_name=f"study-{study.id}.zip", mime="application/zip",
                            help="study.html with the results; after the study is closed, "
                                 "also the labelled pairs")
