"""A message diff (core.explore.diff) as rich text for the Compare view: per frame a header
saying same, changed or only in A or B; changed values as a table of path, A and B; text
lines with the changed words highlighted; hex rows with the changed bytes marked.

Rich text in one read-only browser keeps the whole comparison selectable and copyable, and
its size is bounded by the diff's own caps plus ``MAX_HEX_ROWS``. Colours come from the
theme table at render time; the view renders again when the theme changes. Every mark also
has a sign (+, −, ~) or a strike-through, so the diff reads without colour too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape

from zinspect.core.decode.decoder import value_text
from zinspect.core.decode.model import DecodedMessage
from zinspect.core.explore.diff_model import (
    ADDED,
    BYTES,
    CHANGED,
    MODIFIED,
    ONLY_A,
    ONLY_B,
    REMOVED,
    SAME,
    TEXT,
    VALUE,
    FrameDiff,
    MessageDiff,
    TextLine,
)
from zinspect.ui.message.frame_render import size_text
from zinspect.ui.widgets.theme import colour

MAX_HEX_ROWS = 64  # rows of 16 bytes shown per message side, over all frames
MAX_TABLE_ROWS = 60  # changed values shown as table rows; the rest as lines
ROWS_PER_RANGE = 4  # rows of one changed range shown before "… more"
LINE_CHARS = 1_000  # characters of one text line shown (at least 80 of each run)
VALUE_CHARS = 120  # characters of an old or new value shown in the table
SIGN = {ADDED: "+", REMOVED: "−", MODIFIED: "~"}
STATUS_ROLE = {SAME: "text", CHANGED: "diff_changed", ONLY_A: "diff_removed", ONLY_B: "diff_added"}


def _c(role: str) -> str:
    return colour(role).name()


def _mark(kind: str, text: str) -> str:
    """``text`` (escaped) on the background of ``kind``; removed text struck through."""
    style = f"background-color:{_c(f'diff_{kind}_background')}; color:{_c('text')};"
    if kind == REMOVED:
        style += " text-decoration: line-through;"
    return f'<span style="{style}">{escape(text)}</span>'


def summary_text(diff: MessageDiff) -> str:
    """One line: whether the messages differ, and where."""
    if diff.same:
        return "The messages are the same, frame by frame."
    counts: dict[str, int] = {}
    for frame in diff.frames:
        counts[frame.status] = counts.get(frame.status, 0) + 1
    total = len(diff.frames) + diff.not_compared
    parts = [f"{total:,} frame" + ("" if total == 1 else "s")]
    changed = counts.get(CHANGED, 0) + diff.not_compared_changed
    if changed:
        parts.append(f"{changed:,} changed")
    for status in (ONLY_A, ONLY_B):
        if counts.get(status):
            parts.append(f"{counts[status]:,} {status}")
    return ", ".join(parts) + "."


def diff_html(
    diff: MessageDiff,
    frames_a: Sequence[bytes],
    frames_b: Sequence[bytes],
    decoded_a: DecodedMessage | None = None,
    decoded_b: DecodedMessage | None = None,
    header: str = "",
) -> str:
    """The whole comparison of messages A and B as HTML; ``header`` (HTML) goes first."""
    hex_rows = [MAX_HEX_ROWS]
    table_rows = [MAX_TABLE_ROWS]
    parts = [f'<div style="color:{_c("text")};">', header]
    parts.append(f"<p><b>{escape(summary_text(diff))}</b></p>")
    for frame in diff.frames:
        parts.append(
            _frame_html(frame, (frames_a, frames_b), (decoded_a, decoded_b), (hex_rows, table_rows))
        )
    if diff.not_compared:
        parts.append(
            f"<p><i>Frames {len(diff.frames) + 1:,} to {len(diff.frames) + diff.not_compared:,}"
            f" were not compared in detail; {diff.not_compared_changed:,} of them differ.</i></p>"
        )
    parts.append("</div>")
    return "".join(parts)


def _frame_html(
    frame: FrameDiff,
    frames: tuple[Sequence[bytes], Sequence[bytes]],
    decoded: tuple[DecodedMessage | None, DecodedMessage | None],
    left: tuple[list[int], list[int]],
) -> str:
    """One frame: its title and what changed; ``left`` counts the hex rows and table rows
    the rest of the comparison may still show."""
    hex_rows, table_rows = left
    status = f'<span style="color:{_c(STATUS_ROLE[frame.status])};">{frame.status}</span>'
    if frame.status == ONLY_B:
        what = f"{frame.decoder_b}, {size_text(frame.size_b)}"
    elif frame.status == ONLY_A or (frame.decoder_a, frame.size_a) == (
        frame.decoder_b,
        frame.size_b,
    ):
        what = f"{frame.decoder_a}, {size_text(frame.size_a)}"
    else:
        what = (
            f"A: {frame.decoder_a}, {size_text(frame.size_a)}; "
            f"B: {frame.decoder_b}, {size_text(frame.size_b)}"
        )
    parts = [f"<h4>Frame {frame.number}: {status} <small>({escape(what)})</small></h4>"]
    if frame.status in (SAME, ONLY_A, ONLY_B):
        side = 1 if frame.status == ONLY_B else 0
        source = decoded[side]
        index = frame.number - 1
        if source is not None and index < len(source.frames):
            line = value_text(source.frames[index].value, 120)
        else:
            line = value_text(frames[side][index], 120)
        parts.append(f"<p><tt>{escape(line)}</tt></p>")
    if frame.note:
        parts.append(f"<p><i>{escape(frame.note[0].upper() + frame.note[1:])}.</i></p>")
    if frame.compared_as == VALUE and frame.changes:
        parts.append(_values_table(frame, table_rows))
    elif frame.compared_as == TEXT and frame.lines:
        parts.append(_text_table(frame.lines))
    elif frame.compared_as == BYTES and frame.ranges:
        index = frame.number - 1
        parts.append(_hex_table(frame, frames[0][index], frames[1][index], hex_rows))
    if frame.omitted:
        parts.append(f"<p><i>… and {frame.omitted:,} more changes, not listed.</i></p>")
    return "".join(parts)


def _values_table(frame: FrameDiff, table_rows: list[int]) -> str:
    """The changes as a table of path, A and B; past ``table_rows`` (a rich-text table
    costs the document ~1 ms a row to lay out) as lines of the same facts."""
    border = _c("mid")
    rows: list[str] = []
    lines: list[str] = []
    for change in frame.changes:
        old = "—" if change.kind == ADDED else _value(change.old)
        new = "—" if change.kind == REMOVED else _value(change.new)
        sign = f'<span style="color:{_c("diff_" + change.kind)};">{SIGN[change.kind]}</span>'
        old_style = f'style="color:{_c("text" if change.kind == ADDED else "diff_removed")};"'
        new_style = f'style="color:{_c("text" if change.kind == REMOVED else "diff_added")};"'
        if table_rows[0] > 0:
            table_rows[0] -= 1
            rows.append(
                f"<tr><td><tt>{sign} {escape(change.path)}</tt></td>"
                f"<td {old_style}><tt>{escape(old)}</tt></td>"
                f"<td {new_style}><tt>{escape(new)}</tt></td></tr>"
            )
        else:
            lines.append(
                f"{sign} {escape(change.path)}: <span {old_style}>{escape(old)}</span> → "
                f"<span {new_style}>{escape(new)}</span>"
            )
    html = ""
    if rows:
        html = (
            f'<table cellspacing="0" cellpadding="4" border="1" '
            f'style="border-collapse: collapse; border-color: {border};">'
            "<tr><th align=left>Path</th><th align=left>A</th><th align=left>B</th></tr>"
            + "".join(rows)
            + "</table>"
        )
    if lines:
        html += "<pre>" + "\n".join(lines) + "</pre>"
    return html


def _value(value: object) -> str:
    """A value in the table: text quoted, so "22" and 22 read differently."""
    if isinstance(value, str):
        return value_text(json.dumps(value[:VALUE_CHARS], ensure_ascii=False), VALUE_CHARS)
    return value_text(value, VALUE_CHARS)


def _text_table(lines: tuple[TextLine, ...]) -> str:
    """Lines as preformatted text (a table per line costs the document far more)."""
    grey = _c("placeholder")
    rows = []
    for line in lines:
        if line.skipped:
            text = f"… {line.skipped:,} unchanged line{'' if line.skipped == 1 else 's'}"
            rows.append(f'<span style="color:{grey};">{text}</span>')
            continue
        numbers = " ".join(f"{n if n is not None else '':>5}" for n in (line.a_line, line.b_line))
        sign = SIGN.get(line.kind, " ")
        share = max(LINE_CHARS // max(1, len(line.pieces)), 80)  # each piece gets a part
        body = []
        previous = SAME
        for kind, text in line.pieces:
            if previous == REMOVED and kind == ADDED:
                body.append(" ")  # old then new: apart, or "40" and "-79" read "40-79"
            body.append(escape(text[:share]) if kind == SAME else _mark(kind, text[:share]))
            previous = kind
        left_out = sum(max(0, len(text) - share) for _kind, text in line.pieces)
        cut = f' <i style="color:{grey};">… ({left_out:,} more characters)</i>' if left_out else ""
        rows.append(f'<span style="color:{grey};">{numbers}</span> {sign} {"".join(body)}{cut}')
    return "<pre>" + "\n".join(rows) + "</pre>"


def _hex_table(frame: FrameDiff, data_a: bytes, data_b: bytes, hex_rows: list[int]) -> str:
    """Rows of 16 bytes of A and B around each changed range, the changed bytes marked."""
    marked: dict[int, str] = {}  # offset -> kind, for the bytes of the rows shown
    rows: set[int] = set()
    more = 0
    for byte_range in frame.ranges:
        wanted = range(byte_range.start // 16, (byte_range.end - 1) // 16 + 1)
        shown = [row for row in wanted[:ROWS_PER_RANGE] if row in rows or hex_rows[0] > 0]
        for row in shown:
            if row not in rows:
                rows.add(row)
                hex_rows[0] -= 1
        more += len(wanted) - len(shown)
        if shown:
            end = min(byte_range.end, (shown[-1] + 1) * 16)
            marked.update(dict.fromkeys(range(byte_range.start, end), byte_range.kind))
    grey = _c("placeholder")
    out = []
    for row in sorted(rows):
        for side, data in (("A", data_a), ("B", data_b)):
            if row * 16 >= len(data):
                continue  # this side ends before the row
            runs: list[tuple[str | None, list[str]]] = []  # marked bytes in one span a run
            for offset in range(row * 16, min(row * 16 + 16, len(data))):
                kind = marked.get(offset)
                if not runs or runs[-1][0] != kind:
                    runs.append((kind, []))
                runs[-1][1].append(f"{data[offset]:02x}")
            cells = " ".join(
                _mark(kind, " ".join(run)) if kind else " ".join(run) for kind, run in runs
            )
            out.append(f'<span style="color:{grey};">{side} {row * 16:08x}</span>  {cells}')
    out = ["<pre>" + "\n".join(out) + "</pre>"]
    if more:
        out.append(f"<p><i>… {more:,} more rows of changed bytes, not shown.</i></p>")
    return "".join(out)
