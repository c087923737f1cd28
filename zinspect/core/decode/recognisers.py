"""Application protocols recognised from a message's frames.

A recogniser is a small object with a ``name``, a ``match`` that looks at the frames (and the
socket type) cheaply, and a ``decode`` that names the fields. ``RECOGNISERS`` is tried in
order; the first that matches and decodes without error wins, so the most specific come
first (a Jupyter message on a ROUTER is also an envelope; the envelope is the last resort).
The protocols themselves live in ``zinspect/core/decode/protocols/``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from zinspect.core.decode.model import DecodedFrame, Recognition
from zinspect.core.decode.protocols.bitcoin import BitcoinRecogniser
from zinspect.core.decode.protocols.envelope import EnvelopeRecogniser
from zinspect.core.decode.protocols.jupyter import DEFAULT_JUPYTER_SCHEME as DEFAULT_JUPYTER_SCHEME
from zinspect.core.decode.protocols.jupyter import JupyterRecogniser
from zinspect.core.decode.protocols.mdp import MajordomoRecogniser
from zinspect.core.decode.protocols.pyzmq_log import PyzmqLogRecogniser


class DecodeContext(Protocol):
    """What a recogniser may need beyond the frames: per-socket keys (Jupyter's HMAC key and
    the connection file's signature scheme, "hmac-sha256" unless it says otherwise)."""

    def jupyter_key(self, socket: str) -> bytes | None: ...

    def jupyter_scheme(self, socket: str) -> str: ...


class Recogniser(Protocol):
    """``markers`` (optional): byte strings one of which is in every message ``match``
    takes, so the traffic filter can find candidates in bulk, in C, before asking ``match``
    message by message (a recogniser without them is asked about every message)."""

    name: str

    def match(self, frames: Sequence[bytes], socket_type: str) -> bool: ...

    def decode(
        self, frames: Sequence[bytes], socket: str, socket_type: str, context: DecodeContext
    ) -> tuple[Recognition, tuple[DecodedFrame, ...]]:
        """The recognition and one DecodedFrame per frame (with its role); raises
        DecodeError when the frames only looked like the protocol."""
        ...


RECOGNISERS: list[Recogniser] = [
    JupyterRecogniser(),
    BitcoinRecogniser(),
    MajordomoRecogniser(),
    PyzmqLogRecogniser(),
    EnvelopeRecogniser(),
]
