"""The workspace of a live session: what recreates its sockets as they are now."""

from __future__ import annotations

from collections.abc import Iterable

from zinspect.core.automation.automation import AutomationSpec
from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.security.apply import security_of, waiting_endpoints
from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.tap.tap import running_taps
from zinspect.core.workspace.model import SavedMessage, SocketSpec, Workspace


def snapshot(session: Session, messages: Iterable[SavedMessage] = ()) -> Workspace:
    """The workspace that recreates ``session``'s sockets as they are now (in list order),
    and its taps (whose sockets a tap makes itself, so they are not saved as sockets)."""
    taps = running_taps(session)
    of_taps = {handle for tap in taps for handle in tap.sockets}
    sockets = [
        socket_spec(handle, session.decoder)
        for handle in session.sockets
        if not handle.closed and handle not in of_taps
    ]
    return Workspace(sockets=sockets, messages=list(messages), taps=[tap.spec for tap in taps])


def socket_spec(handle: SocketHandle, decoder: MessageDecoder | None = None) -> SocketSpec:
    """One live socket as a workspace records it: endpoints as requested, not resolved;
    with ``decoder``, the decode rules and Jupyter key it holds for the socket."""
    waiting = waiting_endpoints(handle)  # held back until its security can be applied
    decoder = decoder or MessageDecoder()
    return SocketSpec(
        name=handle.name,
        type=handle.type_name,
        bind=[e.requested for e in handle.endpoints if e.bound]
        + [endpoint for bound, endpoint in waiting if bound],
        connect=[e.requested for e in handle.endpoints if not e.bound]
        + [endpoint for bound, endpoint in waiting if not bound],
        subscribe=list(handle.subscriptions),
        options=dict(sorted(handle.options.items())),
        automation=automation_of(handle),
        security=security_of(handle),
        decode=list(decoder.rules(handle.name)),
        jupyter_key=decoder.jupyter_key(handle.name),
        jupyter_scheme=decoder.jupyter_scheme(handle.name),
        jupyter_connection_file=decoder.jupyter_connection_file(handle.name),
        replace_socket_files=handle.replace_socket_files,
    )


def automation_of(handle: SocketHandle) -> AutomationSpec | None:
    """The automation attached to ``handle`` (core.automation_runner sets it), if any."""
    spec = handle.automation
    return None if spec is None or spec.empty else spec
