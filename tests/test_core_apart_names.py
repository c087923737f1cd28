"""core.capture.apart_names: an opened capture's socket names that are in use already get
the file's name added, always the same for one file's socket; MergedReader keeps two files'
sockets of one name apart."""

from __future__ import annotations

from zinspect.core.capture.apart_names import ApartNames
from zinspect.core.capture.capture import write_capture
from zinspect.core.capture.capture_merge import MergedReader, file_labels
from zinspect.core.store import IN, Message


def row(socket: str, when: float = 1.0) -> tuple:
    return (when, socket, IN, 1, b"x")


def test_names_in_use_get_the_files_name_and_others_stay():
    apart = ApartNames({"sub-1"})
    rows = [row("sub-1"), row("pub-1"), row("sub-1")]
    shown = apart.rows(rows, "rec.jsonl")
    assert [r[1] for r in shown] == ["sub-1 (rec.jsonl)", "pub-1", "sub-1 (rec.jsonl)"]
    assert shown[0][2:] == rows[0][2:]  # only the name changes
    assert apart.renamed == [("rec.jsonl", "sub-1", "sub-1 (rec.jsonl)")]
    assert (
        apart.report() == "; kept apart from sockets of the same name: sub-1 as 'sub-1 (rec.jsonl)'"
    )


def test_nothing_in_use_gives_back_the_same_rows():
    apart = ApartNames()
    rows = [row("a"), row("b")]
    assert apart.rows(rows, "one.jsonl") is rows
    assert apart.report() == ""


def test_a_name_taken_with_the_suffix_too_gets_a_number():
    apart = ApartNames({"sub-1", "sub-1 (rec.jsonl)"})
    assert apart.name("sub-1", "rec.jsonl") == "sub-1 (rec.jsonl 2)"
    # a file that brings the renamed name itself does not join the renamed socket
    assert apart.name("sub-1 (rec.jsonl 2)", "rec.jsonl") == "sub-1 (rec.jsonl 2) (rec.jsonl)"


def test_a_second_file_with_the_same_name_is_kept_apart():
    apart = ApartNames()
    assert apart.name("sub-1", "a.jsonl") == "sub-1"
    assert apart.name("sub-1", "b.jsonl") == "sub-1 (b.jsonl)"
    assert apart.name("sub-1", "a.jsonl") == "sub-1"  # decided once per file


def test_the_report_counts_past_three():
    apart = ApartNames({f"s{n}" for n in range(5)})
    apart.rows([row(f"s{n}") for n in range(5)], "f")
    assert apart.report().endswith("s2 as 's2 (f)' and 2 more")


def test_merged_files_with_one_socket_name_each_keep_theirs(tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_capture(first, [Message(t, "sub-1", IN, [b"a%d" % t]) for t in (0.0, 2.0)])
    write_capture(second, [Message(t, "sub-1", IN, [b"b%d" % t]) for t in (1.0, 3.0)])
    reader = MergedReader([first, second], ApartNames({"live"}))
    rows = []
    while not reader.done:
        rows.extend(reader.read_rows())
    assert [(r[1], r[4]) for r in rows] == [
        ("sub-1", b"a0"),
        ("sub-1 (b.jsonl)", b"b1"),
        ("sub-1", b"a2"),
        ("sub-1 (b.jsonl)", b"b3"),
    ]
    assert reader.apart.renamed == [("b.jsonl", "sub-1", "sub-1 (b.jsonl)")]


def test_two_machines_files_of_one_name_are_told_apart_by_their_folders(tmp_path):
    paths = []
    for machine, start in (("alpha", 0.0), ("beta", 1.0)):
        (tmp_path / machine).mkdir()
        path = tmp_path / machine / "capture.jsonl"
        write_capture(path, [Message(start + t, "sub-1", IN, [machine.encode()]) for t in (0, 2)])
        paths.append(path)
    reader = MergedReader(paths)
    rows = []
    while not reader.done:
        rows.extend(reader.read_rows())
    assert [(r[1], r[4]) for r in rows] == [
        ("sub-1", b"alpha"),
        ("sub-1 (beta/capture.jsonl)", b"beta"),
        ("sub-1", b"alpha"),
        ("sub-1 (beta/capture.jsonl)", b"beta"),
    ]
    assert file_labels([tmp_path / "a.jsonl", tmp_path / "a.jsonl"]) == [
        f"{tmp_path.name}/a.jsonl",
        f"{tmp_path.name}/a.jsonl #2",
    ]
