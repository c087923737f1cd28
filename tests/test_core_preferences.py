"""The rules behind the Preferences dialog, without Qt: what a typed cap or size may be (and
the words when it may not), the three time formats over a store that drops and clears, and
numbering from 0 or 1."""

from __future__ import annotations

import pytest

from zinspect.core import preferences
from zinspect.core.message_time import CLOCK, DELTA, RELATIVE, clock_text, seconds_text, time_text
from zinspect.core.preferences import (
    MIB,
    check_max_messages,
    check_max_mib,
    check_maxmsgsize,
    defaults,
    max_messages_bound,
    max_mib_bound,
    memory_bound,
    parse_size,
    size_text,
)
from zinspect.core.store import (
    OUT,
    Message,
    MessageStore,
    message_number,
    numbering_from,
    set_numbering_from,
)


def stored(store: MessageStore, *times: float) -> None:
    store.extend([Message(t, "s", OUT, [b"x"]) for t in times])


def test_caps_take_numbers_as_people_type_them():
    assert check_max_messages("1,000,000") == (1_000_000, "")
    assert check_max_messages(" 2 000 ") == (2000, "")
    assert check_max_messages("999") == (None, "Keep at least 1,000 messages")
    assert check_max_messages("-5")[0] is None and check_max_messages("1e6")[0] is None
    assert check_max_mib("512") == (512, "")
    assert check_max_mib("15") == (None, "At least 16 MiB")


def test_caps_are_bounded_by_half_of_this_machines_memory(monkeypatch):
    monkeypatch.setattr(preferences, "machine_memory", lambda: 4096 * MIB)
    assert memory_bound() == 2048 * MIB and max_mib_bound() == 2048
    assert check_max_mib("2048") == (2048, "")
    assert check_max_mib("2049") == (None, "At most 2,048 MiB: half of this machine's memory")
    value, words = check_max_messages(f"{max_messages_bound() + 1}")
    assert value is None and "what this machine's memory allows" in words
    assert check_maxmsgsize("3 GiB") == (None, "At most 2 GiB: half of this machine's memory")
    # a small machine gets defaults it can hold
    monkeypatch.setattr(preferences, "machine_memory", lambda: 512 * MIB)
    assert defaults().max_mib == 256 and defaults().default_maxmsgsize == 256 * MIB


def test_unknown_memory_assumes_a_bound_rather_than_none(monkeypatch):
    monkeypatch.setattr(preferences, "machine_memory", lambda: None)
    assert memory_bound() == preferences.UNKNOWN_MEMORY // 2


def test_sizes_with_units_read_back_as_shown():
    assert parse_size("65536") == 65536
    assert parse_size("64 KiB") == parse_size("64kib") == 65536
    assert parse_size("256 MiB") == 256 * MIB
    assert parse_size("1 GiB") == 1024 * MIB
    assert parse_size("12 parsecs") is None and parse_size("") is None and parse_size("MiB") is None
    for size in (1024, 1500, 256 * MIB, 3 * 1024 * MIB):
        assert parse_size(size_text(size)) == size
    assert check_maxmsgsize("1023") == (None, "At least 1 KiB")


def test_seconds_read_with_a_sign_and_milliseconds():
    assert seconds_text(12.3454) == "+12.345 s"
    assert seconds_text(0.0) == "+0.000 s"
    assert seconds_text(-0.0002) == "+0.000 s"  # never "-0.000 s"
    assert seconds_text(-1.5) == "-1.500 s"
    assert seconds_text(3723.0005) in ("+3723.000 s", "+3723.001 s")


def test_relative_time_counts_from_the_first_message_even_once_it_is_dropped():
    store = MessageStore(max_messages=2)
    stored(store, 100.0, 100.5, 101.25)
    assert store.first_seq == 1  # the first was dropped
    assert time_text(store, 2, 101.25, RELATIVE) == "+1.250 s"
    store.clear()
    stored(store, 200.0, 200.010)
    assert time_text(store, 3, 200.0, RELATIVE) == "+0.000 s"
    assert time_text(store, 4, 200.010, RELATIVE) == "+0.010 s"


def test_delta_is_to_the_message_before_even_when_that_one_was_dropped():
    store = MessageStore(max_messages=2)
    stored(store, 10.0, 10.5, 10.75)
    assert time_text(store, 1, 10.5, DELTA) == "+0.500 s"  # its predecessor was dropped
    assert time_text(store, 2, 10.75, DELTA) == "+0.250 s"
    store.clear()
    stored(store, 20.0)
    assert time_text(store, 3, 20.0, DELTA) == "+0.000 s"  # nothing before it since Clear


def test_clock_is_the_local_time_of_day():
    assert time_text(MessageStore(), 0, 1_700_000_000.25, CLOCK) == clock_text(1_700_000_000.25)


def test_numbering_from_zero_or_one():
    try:
        assert numbering_from() == 1 and message_number(0) == 1
        set_numbering_from(0)
        assert message_number(0) == 0 and message_number(41) == 41
        with pytest.raises(ValueError):
            set_numbering_from(2)
        assert numbering_from() == 0
    finally:
        set_numbering_from(1)
