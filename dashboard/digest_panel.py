"""The overview's digest: what changed since this viewer's last visit, or since an issue they
pick, for their watchlist (or everything); the watchlist and where digests are mailed are
kept here too. The lines come from loaders.services.changes (the changes endpoint's rule),
worded by dashboard.digest_view.

A visit is the session: its window is fixed when it starts (the last visit recorded for the
login identity; on a first visit, the latest issue), and the visit is recorded once the
page has shown what was committed (record_visit, after the page is drawn: it is a write), so
the next session starts from there.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth, change_data, data, digest_view
from dashboard.components import show_error
from dashboard.markup import plain_markdown
from loaders.services import StoreError, changes, watch
from loaders.services.permissions import NotAllowed
from loaders.services.series import SeriesRequestError

# Session keys: the window of this visit (after, label), the changeset recorded as seen.
VISIT_KEY = "digest_visit"
MARKED_KEY = "digest_marked"
WATCH_KEY = "digest_watchlist"
SINCE_CHOICE_KEY = "digest_since_choice"
ISSUE_KEY = "digest_since_issue"
ONLY_WATCHED_KEY = "digest_only_watched"
EMAIL_KEY = "digest_email"
# Lines shown per section; the rest is counted (the changes endpoint has them all).
MAX_LINES = 30
SECTIONS = (
    (("revised", "corrected"), "修订与更正"),
    (("new",), "新增"),
    (("disagreement",), "新的分歧"),
    (("removed",), "删除"),
)
_LAST_VISIT = "上次访问以来"
_SINCE_ISSUE = "某一期之后"


def _visit(identity: str | None) -> changes.Since:
    stored = st.session_state.get(VISIT_KEY)
    if stored is not None:
        return changes.Since(*stored)
    known = change_data.watcher(identity)
    if known is not None and known.seen_changeset > 0:
        visit = changes.Since(known.seen_changeset, _LAST_VISIT)
    else:
        visit = change_data.first_visit_since()
    st.session_state[VISIT_KEY] = (visit.after, visit.label)
    return visit


def _save_watchlist(identity: str | None) -> None:
    try:
        watch.set_watchlist(data.get_store(), identity, st.session_state.get(WATCH_KEY, []))
    except (StoreError, NotAllowed, SeriesRequestError) as exc:
        st.session_state["digest_problem"] = str(exc)


def _save_email(identity: str | None) -> None:
    try:
        watch.set_email(data.get_store(), identity, st.session_state.get(EMAIL_KEY))
    except (StoreError, NotAllowed) as exc:
        st.session_state["digest_problem"] = str(exc)


def _watch_controls(identity: str | None, names: dict[str, str]) -> list[str]:
    watched = change_data.watchlist(identity)
    if identity is None:
        st.caption("登录后可关注指标，并在每期提交后收到摘要。")
        return watched
    if WATCH_KEY not in st.session_state:
        st.session_state[WATCH_KEY] = watched
    st.multiselect(
        "关注的指标",
        options=list(names),
        format_func=lambda indicator: names.get(indicator, indicator),
        key=WATCH_KEY,
        on_change=_save_watchlist,
        args=(identity,),
        placeholder="选择要关注的指标",
        help="摘要先列出关注的指标；配置了邮件（SMTP）时，每期提交后把相关变化发到下面的地址。",
    )
    known = change_data.watcher(identity)
    if watch.recipient(identity, None) is None:  # an OIDC login is its own address
        if EMAIL_KEY not in st.session_state:
            st.session_state[EMAIL_KEY] = (known.email if known else None) or ""
        st.text_input(
            "摘要邮件地址（可选）",
            key=EMAIL_KEY,
            on_change=_save_email,
            args=(identity,),
            placeholder="name@example.com",
        )
    problem = st.session_state.pop("digest_problem", None)
    if problem:
        show_error(problem)
    return list(st.session_state.get(WATCH_KEY, watched))


def _since(visit: changes.Since) -> changes.Since | None:
    choice = st.radio("范围", (_LAST_VISIT, _SINCE_ISSUE), key=SINCE_CHOICE_KEY, horizontal=True)
    if choice == _LAST_VISIT:
        return visit
    choices = data.issue_choices()
    if not choices:
        return visit
    issue_key = st.selectbox(
        "自哪一期之后",
        options=list(choices),
        format_func=lambda key: choices.get(key, key),
        key=ISSUE_KEY,
    )
    try:
        return change_data.since_issue(issue_key)
    except SeriesRequestError as exc:
        show_error(str(exc))
        return None


def _show_line(change: changes.PointChange, names: dict[str, str]) -> None:
    line = digest_view.line(change, names)
    st.markdown(plain_markdown(line.text))
    if line.quotes:
        st.caption("  \n".join(plain_markdown(quote) for quote in line.quotes))
    links = st.columns([1, 2, 5])
    links[0].page_link(
        "app_pages/trends.py",
        label="趋势",
        icon=":material/show_chart:",
        query_params={"indicators": change.indicator},
    )
    if line.issue_key:
        links[1].page_link(
            "app_pages/issues.py",
            label=f"期刊 {line.issue_key}",
            icon=":material/article:",
            query_params={"issue": line.issue_key},
        )


def render() -> int | None:
    """The digest section of the overview; the changeset it showed everything through, for
    record_visit once the page is drawn (None: nothing to record)."""
    identity = auth.watcher_identity()
    catalog = data.indicators()
    names = dict(zip(catalog["id"], catalog["name_zh"], strict=True))
    visit = _visit(identity)
    with st.container(border=True):
        st.markdown("#### 有什么变化")
        watched = _watch_controls(identity, names)
        since = _since(visit)
        if since is None:
            return None
        only_watched = bool(watched) and st.toggle(
            "只看关注的指标", value=True, key=ONLY_WATCHED_KEY
        )
        wanted = tuple(watched) if only_watched else None
        result = change_data.digest(since, wanted, tuple(watched))
        _show(result, since, wanted, names)
    return result.through


def _show(
    result: changes.Digest,
    since: changes.Since,
    wanted: tuple[str, ...] | None,
    names: dict[str, str],
) -> None:
    if not result.commits.empty:
        commits = "；".join(
            f"{row['issue_label'] or row['issue_key']}"
            f"{'（撤回）' if row['action'] == 'retract' else ''}："
            f"{digest_view.counts_text(row)}"
            for row in result.commits.to_dict("records")
        )
        st.caption(plain_markdown(f"{since.label}提交：{commits}"))
    if result.empty:
        st.info(f"{since.label}，{'关注的指标' if wanted else '各指标'}没有数值变化。")
        return
    for kinds, title in SECTIONS:
        lines = result.of_kind(*kinds)
        if not lines:
            continue
        st.markdown(f"**{title}（{len(lines)}）**")
        for change in lines[:MAX_LINES]:
            _show_line(change, names)
        if len(lines) > MAX_LINES:
            st.caption(f"另有 {len(lines) - MAX_LINES} 条；全部见 /api/v1/changes（JSON、CSV）。")
    if not result.unassigned.empty:
        st.markdown(f"**关注主题中待归类的数字（{len(result.unassigned)}）**")
        for row in result.unassigned.head(MAX_LINES).to_dict("records"):
            suggestion = names.get(row["suggested_indicator"], row["suggested_indicator"])
            st.markdown(
                plain_markdown(
                    f"{row['figure_text']}（{row['issue_label']}，可能属于{suggestion}）"
                )
            )
            st.caption(plain_markdown(f"「{row['quote']}」"))
            st.page_link(
                "app_pages/issues.py",
                label=f"期刊 {row['issue_key']}",
                icon=":material/article:",
                query_params={"issue": row["issue_key"]},
            )


def record_visit(through: int | None) -> None:
    """The visit is recorded once the page showed what was committed through `through`: a
    write (a copy of the store published), so after the page is drawn, not before it."""
    identity = auth.watcher_identity()
    if through is None or identity is None or st.session_state.get(MARKED_KEY, -1) >= through:
        return
    st.session_state[MARKED_KEY] = through
    try:
        watch.mark_seen(data.get_store(), identity, through)
    except StoreError:
        pass  # a busy store: the next visit records it
