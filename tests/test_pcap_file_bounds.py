"""The capture file under the import: a file cut inside its last record says so (whatever
its byte order), a whole one does not, and a record length that claims more than any
packet is refused in words without the memory it claims."""

from __future__ import annotations

import resource
import struct

import pytest
from zmtp_streams import frame, greeting, tcp_packet

from zinspect.core.pcap.importer import import_rows
from zinspect.core.pcap.pcap_file import PcapError

CUT = "the file ends in the middle of a packet record"
ETHERNET = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00"
BODIES = [b"m%02d" % n for n in range(12)]


def packets() -> list[bytes]:
    """A PUSH client's greeting and one message a segment (no handshake: from mid-stream
    the import still reads a stream that begins with a greeting)."""
    data = [greeting(b"PUSH")] + [frame(body) for body in BODIES]
    seq, out = 1000, []
    for piece in data:
        out.append(ETHERNET + tcp_packet(True, seq, 0x18, piece))
        seq += len(piece)
    return out


def pcap_bytes(order: str, nano: bool = False) -> bytes:
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = [struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, 65535, 1)]
    for number, packet in enumerate(packets()):
        out.append(struct.pack(order + "IIII", 1_700_000_000, number, len(packet), len(packet)))
        out.append(packet)
    return b"".join(out)


def bodies(rows) -> list[bytes]:
    return [row[4] for row in rows]


@pytest.mark.parametrize("order", ["<", ">"])
@pytest.mark.parametrize("nano", [False, True])
def test_a_whole_file_is_not_said_to_be_cut(tmp_path, order, nano):
    path = tmp_path / "whole.pcap"
    path.write_bytes(pcap_bytes(order, nano))
    rows, result = import_rows(path)
    assert bodies(rows) == BODIES
    assert CUT not in result.damage_report()


@pytest.mark.parametrize("order", ["<", ">"])
@pytest.mark.parametrize("missing", [1, 4, 6])
def test_a_file_cut_inside_its_last_packet_says_so(tmp_path, order, missing):
    data = pcap_bytes(order)
    path = tmp_path / "cut.pcap"
    path.write_bytes(data[:-missing])  # the last message's body loses its last bytes
    rows, result = import_rows(path)
    assert bodies(rows) == BODIES[:-1]
    assert CUT in result.damage_report()


def test_a_file_of_a_header_only_is_whole(tmp_path):
    path = tmp_path / "empty.pcap"
    path.write_bytes(pcap_bytes("<")[:24])
    rows, result = import_rows(path)
    assert rows == [] and CUT not in result.damage_report()


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("claimed", [0xFFFFFFF0, (16 << 20) + (1 << 20)])
def test_a_record_claiming_more_than_a_packet_is_refused_in_words(tmp_path, claimed):
    data = bytearray(pcap_bytes("<"))
    first = 24 + 16 + len(packets()[0])  # the second record's header
    struct.pack_into("<I", data, first + 8, claimed)
    data += b"\x00" * (40 << 20)  # room for the read the length asks for
    path = tmp_path / "hostile.pcap"
    path.write_bytes(bytes(data))
    before = _rss_mib()
    with pytest.raises(PcapError) as refused:
        import_rows(path)
    words = str(refused.value)
    assert f"{path} is damaged at byte" in words
    # refused before reading, or (where the system will not even reserve it) said so
    assert "a record claims more than 16 MiB" in words or "more memory than there is" in words
    assert _rss_mib() - before < 20  # the claimed bytes were never read


@pytest.mark.parametrize("length", [7, 0x7FFFFFF0])
def test_a_pcapng_block_of_impossible_length_is_refused(tmp_path, length):
    section = struct.pack("<IIIHHq", 0x0A0D0D0A, 28, 0x1A2B3C4D, 1, 0, -1) + struct.pack("<I", 28)
    interface = struct.pack("<IIHHI", 1, 20, 1, 0, 65535) + struct.pack("<I", 20)
    hostile = struct.pack("<II", 6, length) + b"\x00" * 64
    path = tmp_path / "hostile.pcapng"
    path.write_bytes(section + interface + hostile + b"\x00" * (40 << 20))
    before = _rss_mib()
    with pytest.raises(PcapError) as refused:
        import_rows(path)
    assert f"{path} is damaged at byte" in str(refused.value)
    assert "a record claims more than 16 MiB" in str(refused.value)
    assert _rss_mib() - before < 20


def test_a_length_the_system_cannot_reserve_is_said_in_words(tmp_path):
    from zinspect.core.pcap.pcap_file import PacketFile

    path = tmp_path / "whole.pcap"
    path.write_bytes(pcap_bytes("<"))
    file = PacketFile(path)
    try:
        failure = file.failure(MemoryError())
    finally:
        file.close()
    assert failure is not None
    assert (
        str(failure) == f"{path} is damaged at byte 24: a record claims more memory than there is"
    )
