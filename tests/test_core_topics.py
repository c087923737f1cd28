"""The topic tree from a store of mixed traffic: grouping, separators, counts, rates, caps,
the latest value, and the traffic filter's topic part."""

from __future__ import annotations

import json
from array import array

import pytest

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.explore.fields import message_topic
from zinspect.core.explore.topic_follow import GONE_TEXT, TopicFollower, topic_of
from zinspect.core.explore.topics import (
    NO_TOPIC_LABEL,
    OTHER,
    OTHER_LABEL,
    TopicNode,
    TopicScope,
    TopicStats,
    TopicTree,
    scope_of,
)
from zinspect.core.store import IN, MessageStore
from zinspect.core.traffic_filter import TrafficFilter

T0 = 1_800_000_000.0


def jupyter(msg_type: str, code: str = "1 + 1") -> list[bytes]:
    header = {"msg_id": f"id-{msg_type}", "msg_type": msg_type, "session": "s", "username": "u"}
    return [
        b"client-1",
        b"<IDS|MSG>",
        b"",
        json.dumps(header).encode(),
        b"{}",
        b"{}",
        json.dumps({"code": code}).encode(),
    ]


def put(store: MessageStore, socket: str, frames: list[bytes], when: float = T0) -> None:
    store.extend_rows([(when, socket, IN, sum(map(len, frames)), *frames)], 1)


def follow(store: MessageStore, separator: str = "/") -> TopicFollower:
    follower = TopicFollower(store, TopicTree(separator))
    follower.step()
    return follower


def child(node: TopicNode, *names: str) -> TopicNode:
    for name in names:
        node = next(c for c in node.children if c.label == name)
    return node


def mixed_store() -> MessageStore:
    store = MessageStore()
    for zip_code, temperature in (("10001", -70), ("10002", 12), ("10001", -68)):
        put(store, "weather", [f"{zip_code} {temperature} 49".encode()])
    put(store, "kernel", jupyter("execute_request"))
    put(store, "kernel", jupyter("kernel_info_request"))
    put(store, "kernel", jupyter("execute_request", "print(2)"))
    put(store, "sensors", [b"sensors/a/temp", b'{"t": 21.5}'])
    put(store, "sensors", [b"sensors/a/hum", b'{"h": 40}'])
    put(store, "sensors", [b"sensors/b/temp", b'{"t": 19}'])
    put(store, "sensors", [b"\x00\x01\x02"])  # binary, one frame: no topic
    return store


def test_weather_updates_group_by_zip_code_and_jupyter_by_msg_type():
    follower = follow(mixed_store())
    root = follower.tree.root
    assert [node.label for node in root.children] == ["weather", "kernel", "sensors"]
    weather = child(root, "weather")
    assert weather.stats.count == 3
    assert [(n.label, n.stats.count) for n in weather.children] == [("10001", 2), ("10002", 1)]
    assert follower.latest_value(child(weather, "10001")) == "10001 -68 49"
    kernel = child(root, "kernel")
    assert [(n.label, n.stats.count) for n in kernel.children] == [
        ("execute_request", 2),
        ("kernel_info_request", 1),
    ]
    assert "print(2)" in follower.latest_value(child(kernel, "execute_request"))


def test_topics_split_on_the_separator_and_a_parent_counts_its_subtree():
    follower = follow(mixed_store())
    sensors = child(follower.tree.root, "sensors")
    assert sensors.stats.count == 4
    assert child(sensors, "sensors").stats.count == 3
    assert child(sensors, "sensors", "a").stats.count == 2
    temp = child(sensors, "sensors", "a", "temp")
    assert temp.key == "sensors/a/temp" and temp.stats.count == 1
    # the value after the topic frame, decoded
    assert follower.latest_value(temp) == '{"t": 21.5}'
    assert child(sensors, NO_TOPIC_LABEL).stats.count == 1


@pytest.mark.parametrize(
    ("separator", "levels"),
    [
        ("/", ["a", "b.c:d e"]),
        (".", ["a/b", "c:d e"]),
        (":", ["a/b.c", "d e"]),
        (" ", ["a/b.c:d", "e"]),
        ("", ["a/b.c:d e"]),
    ],
)
def test_every_separator_splits_where_it_says(separator, levels):
    store = MessageStore()
    put(store, "s", [b"a/b.c:d e", b"x"])
    tree = follow(store, "/").tree
    tree.set_separator(separator)  # rebuilt from the counted figures, not the messages
    assert tree.rebuilding or separator == "/"
    tree.rebuild()
    node = child(tree.root, "s")
    for level in levels:
        node = child(node, level)
        assert node.stats.count == 1
    assert not node.children


def test_a_separator_change_keeps_counts_and_new_messages_go_to_the_new_tree():
    store = mixed_store()
    follower = follow(store)
    tree = follower.tree
    generation = tree.generation
    tree.set_separator("")
    assert tree.generation != generation
    put(store, "sensors", [b"sensors/a/temp", b'{"t": 22}'])
    follower.step()
    sensors = child(tree.root, "sensors")
    assert child(sensors, "sensors/a/temp").stats.count == 2
    assert sensors.stats.count == 5


def test_the_rate_counts_the_last_seconds_by_the_clock_given():
    stats = TopicStats()
    for second in range(10):
        stats.add(2, int(T0) + second)  # 2 a second for 10 s
    now = T0 + 9.5
    assert stats.rate(now) == pytest.approx(10 / 4.5)  # 5 buckets over 4.5 s
    assert stats.rate(T0 + 20) == 0
    assert stats.count == 20
    # a parent gathers its children's rates
    parent = TopicStats()
    parent.merge(stats)
    parent.merge(stats)
    assert parent.rate(now) == pytest.approx(2 * stats.rate(now))
    assert parent.count == 40


def test_rates_and_last_times_come_from_message_times():
    store = MessageStore()
    for index in range(30):
        put(store, "s", [b"fast 1"], T0 + index / 10)  # 10 a second for 3 s
    put(store, "s", [b"slow 1"], T0)
    follower = follow(store)
    fast = child(follower.tree.root, "s", "fast")
    assert fast.stats.last_time == pytest.approx(T0 + 2.9)
    assert fast.stats.rate(T0 + 2.95) == pytest.approx(30 / 4.95, rel=0.01)
    assert child(follower.tree.root, "s", "slow").stats.rate(T0 + 30) == 0


def test_topics_past_the_cap_are_counted_under_other_topics():
    store = MessageStore()
    rows = [(T0, "s", IN, 8, b"t%d" % (i % 300), b"v") for i in range(900)]
    store.extend_rows(rows, len(rows))
    follower = TopicFollower(store, TopicTree("/", max_topics=100, max_nodes=1000))
    follower.step()
    tree = follower.tree
    socket = child(tree.root, "s")
    assert len(tree.topics) == 101  # 100 topics, and the socket's rest
    other = child(socket, OTHER_LABEL)
    assert other.kind == OTHER and other.stats.count == 600
    assert socket.stats.count == 900
    assert scope_of(other, "/") is None  # the table shows the whole socket then


def test_nodes_past_their_cap_go_to_other_topics_too():
    store = MessageStore()
    rows = [(T0, "s", IN, 8, b"a/b/c/%d" % i, b"v") for i in range(50)]
    store.extend_rows(rows, len(rows))
    follower = TopicFollower(store, TopicTree("/", max_nodes=20))
    follower.step()
    tree = follower.tree
    assert tree.node_count <= 20
    socket = child(tree.root, "s")
    assert socket.stats.count == 50
    assert child(socket, OTHER_LABEL).stats.count == 50 - (20 - 4)


def test_ten_thousand_topics_are_counted_in_budgeted_steps():
    store = MessageStore()
    rows = [(T0, "s", IN, 8, b"sensors/%d/temp" % (i % 10_000), b"1") for i in range(30_000)]
    store.extend_rows(rows, len(rows))
    follower = TopicFollower(store, TopicTree("/"))
    steps = 0
    while follower.behind:
        follower.step(deadline=0)  # one chunk a step
        steps += 1
    assert steps > 1
    assert len(follower.tree.topics) == 10_000
    assert child(follower.tree.root, "s", "sensors").stats.count == 30_000


def test_dropped_messages_are_missed_and_a_clear_starts_over():
    store = MessageStore(max_messages=10)
    follower = TopicFollower(store, TopicTree("/"))
    for index in range(25):
        put(store, "s", [b"t%d" % index])
    follower.step()
    assert follower.missed == 15 and child(follower.tree.root, "s").stats.count == 10
    store.clear()
    put(store, "s", [b"after"])
    follower.step()
    assert [n.label for n in child(follower.tree.root, "s").children] == ["after"]
    assert follower.missed == 0
    follower.close()


def test_the_latest_value_is_decoded_once_and_kept_when_the_store_drops_it():
    store = MessageStore(max_messages=2)
    put(store, "s", [b"topic", b'{"n": 1}'])
    follower = follow(store)
    node = child(follower.tree.root, "s", "topic")
    assert follower.latest_value(node) == '{"n": 1}'
    put(store, "s", [b"x"])
    put(store, "s", [b"y"])
    assert follower.latest_value(node) == '{"n": 1}'  # gone from the store, still shown
    put(store, "s", [b"unseen", b"1"])
    follower.step()
    put(store, "s", [b"x"])
    put(store, "s", [b"y"])
    assert follower.latest_value(child(follower.tree.root, "s", "unseen")) == GONE_TEXT


def test_topic_of_agrees_with_decoding_the_whole_message():
    decoder = MessageDecoder()
    samples = [
        [b"10001 -70 49"],
        jupyter("comm_open"),
        [b"MDPC01", b"echo", b"hello"],
        [b"hashtx", b"\x11" * 32, b"\x01\x00\x00\x00"],
        [b"root.INFO", b"a log line\n"],
        [b"<IDS|MSG>", b"", b"not json", b"{}", b"{}", b"{}"],
        [b"\x00\x01", b"payload"],
        [],
    ]
    for frames in samples:
        assert topic_of(frames) == message_topic(frames, decoder.decode(frames)), frames


def test_a_scope_matches_its_topic_and_those_below_it_only():
    scope = TopicScope("sensors/a", "/")
    assert scope.matches("sensors/a") and scope.matches("sensors/a/temp")
    assert not scope.matches("sensors/ab") and not scope.matches("")
    assert not TopicScope("a", "").matches("a/b")
    no_topic = TopicScope("", "", exact=True)
    assert no_topic.matches("") and not no_topic.matches("a")
    assert not TopicScope("", "/").matches("")  # "(empty)" part of "/a" is not "(no topic)"


def test_the_traffic_filter_keeps_a_topic_and_what_is_below_it():
    store = mixed_store()
    first, rows = store.rows(store.first_seq, store.end_seq)
    out: array[int] = array("q")
    matcher = TrafficFilter(socket="sensors", topic=TopicScope("sensors/a", "/")).compile()
    assert matcher.scan_rows(first, rows, out, float("inf")) == len(rows)
    assert [rows[seq - first][4] for seq in out] == [b"sensors/a/temp", b"sensors/a/hum"]
    out = array("q")
    TrafficFilter(topic=TopicScope("execute_request")).compile().scan_rows(
        first, rows, out, float("inf")
    )
    assert len(out) == 2
    assert TrafficFilter(topic=TopicScope("x")).active
