"""The previous message on a topic (core.explore.previous): same socket, direction and
topic, the newest before the message; a bounded search says how far it looked."""

from __future__ import annotations

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.explore.previous import TopicReader, previous_on_topic
from zinspect.core.store import IN, OUT, Message, MessageStore


def stored(store: MessageStore, socket: str, direction: str, *frames: bytes) -> Message:
    store.append(Message(1.0, socket, direction, list(frames)))
    message = store.get(store.end_seq - 1)
    assert message is not None
    return message


def reader() -> TopicReader:
    return TopicReader(MessageDecoder(), lambda _socket: "SUB")


def test_the_previous_update_of_a_zip_code_skips_other_topics_sockets_and_directions():
    store = MessageStore()
    wanted = stored(store, "sub", IN, b"10001 -70 49")
    stored(store, "sub", IN, b"20002 10 10")
    stored(store, "other", IN, b"10001 1 1")
    stored(store, "sub", OUT, b"10001 2 2")
    latest = stored(store, "sub", IN, b"10001 -68 51")
    search = previous_on_topic(store, latest, reader())
    assert search.found is wanted
    assert search.topic == "10001"


def test_multipart_topics_are_the_first_frame():
    store = MessageStore()
    wanted = stored(store, "sub", IN, b"weather", b"{}")
    stored(store, "sub", IN, b"news", b"{}")
    latest = stored(store, "sub", IN, b"weather", b'{"t": 1}')
    assert previous_on_topic(store, latest, reader()).found is wanted


def test_no_previous_message_is_a_complete_search_that_found_nothing():
    store = MessageStore()
    stored(store, "sub", IN, b"news", b"x")
    first = stored(store, "sub", IN, b"weather", b"x")
    search = previous_on_topic(store, first, reader())
    assert (search.found, search.complete, search.searched) == (None, True, 1)


def test_the_search_stops_after_its_rows_and_says_it_did_not_look_further():
    store = MessageStore()
    stored(store, "sub", IN, b"weather", b"old")
    for _ in range(100):
        stored(store, "sub", IN, b"news", b"x")
    latest = stored(store, "sub", IN, b"weather", b"new")
    search = previous_on_topic(store, latest, reader(), max_rows=50)
    assert (search.found, search.complete, search.searched) == (None, False, 50)
