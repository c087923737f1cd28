"""Hypothesis strategies shared by the fuzzed round trips (test_fuzz_roundtrip*.py): automation
parts (names, templates, replies, sends) and security objects, which the workspaces there are
built of too."""

from __future__ import annotations

from hypothesis import strategies as st

from zinspect.core.automation.automation import (
    ReplySpec,
    SendSpec,
)
from zinspect.core.security.authenticator import AuthSpec
from zinspect.core.security.spec import SecuritySpec

PUBLIC_1, SECRET_1 = (
    "u]/DnSakgLI(]jE-=hs51*y^TxV-J6AmeU)kJ=k=",
    "<gGSMSXH]a]y=3j5A%O!ZgqDh+f[J8Z3C>iQTzab",
)
PUBLIC_2, SECRET_2 = (
    "NxUQy-#iidWqffS^nSN=u#W6-r]JgfbSn1-RL9i3",
    "clC[e2FjPk!I@k}FQGMDB1t(8dw=N9xafp**^TnF",
)


LITERALS = st.text(st.characters(exclude_characters="{}", exclude_categories=["Cs"]), max_size=8)
PLACEHOLDERS = st.sampled_from(
    ["{seq}", "{time}", "{uuid}", "{rand:1:6}", "{rand:-3:3}", "{{", "}}"]
)
TEMPLATES = st.lists(LITERALS | PLACEHOLDERS, max_size=5).map("".join)
SEND_FRAMES = st.lists(
    TEMPLATES | st.binary(max_size=30) | st.just(b'{"k":[1,2]}'), min_size=1, max_size=4
)
NAMES = st.text(min_size=1, max_size=12).map(str.strip).filter(bool)
REPLIES = st.builds(ReplySpec, echo=st.just(True), delay_ms=st.integers(0, 10**6)) | st.builds(
    ReplySpec,
    frames=st.lists(st.binary(max_size=30), min_size=1, max_size=3),
    delay_ms=st.integers(0, 10**6),
)
SENDS = st.builds(
    SendSpec,
    frames=SEND_FRAMES,
    count=st.none() | st.integers(1, 10**9),
    interval_ms=st.integers(0, 10**6),
    timeout_ms=st.integers(1, 10**9),
)


# -- security -----------------------------------------------------------------------------------

ADDRESSES = st.lists(
    st.sampled_from(["127.0.0.1", "10.0.0.0/8", "::1", "192.168.1.66", "fe80::/10"]),
    max_size=3,
    unique=True,
)
PAIRS = st.sampled_from([(PUBLIC_1, SECRET_1), (PUBLIC_2, SECRET_2)])
PASSWORDS = st.text(min_size=1, max_size=20)


@st.composite
def security_specs(draw) -> SecuritySpec:
    """Any security a socket can be given and a workspace can keep in full."""
    kind = draw(
        st.sampled_from(
            [
                "curve server",
                "curve client",
                "curve certificate",
                "plain client",
                "plain server",
                "null",
            ]
        )
    )
    public, secret = draw(PAIRS)
    if kind == "curve server":
        auth = draw(
            st.none()
            | st.builds(
                AuthSpec,
                allow=ADDRESSES,
                deny=ADDRESSES,
                client_keys=st.lists(st.sampled_from([PUBLIC_1, PUBLIC_2]), max_size=2),
                client_key_directory=st.sampled_from(["", "/home/me/.curve/clients"]),
            )
        )
        return SecuritySpec(
            "CURVE",
            True,
            draw(st.sampled_from([public, ""])),
            secret,
            authentication=auth,
            save_secrets=True,
        )
    if kind == "curve client":
        return SecuritySpec(
            "CURVE",
            False,
            draw(st.sampled_from([public, ""])),
            secret,
            server_key=draw(st.sampled_from([PUBLIC_1, PUBLIC_2])),
            save_secrets=True,
        )
    if kind == "curve certificate":  # no secret in the file: the certificate stands for it
        return SecuritySpec(
            "CURVE",
            draw(st.booleans()),
            certificate="~/.curve/me.key_secret",
            server_key=draw(st.sampled_from([PUBLIC_1, PUBLIC_2]))
            if not draw(st.booleans())
            else "",
        )
    if kind == "plain client":
        return SecuritySpec(
            "PLAIN", username=draw(PASSWORDS), password=draw(PASSWORDS), save_secrets=True
        )
    if kind == "plain server":
        users = draw(st.dictionaries(PASSWORDS, st.none() | PASSWORDS, max_size=3))
        return SecuritySpec(
            "PLAIN",
            True,
            authentication=draw(
                st.none() | st.builds(AuthSpec, allow=ADDRESSES, users=st.just(users))
            ),
            save_secrets=True,
        )
    return SecuritySpec(
        "NULL", authentication=draw(st.builds(AuthSpec, allow=ADDRESSES, deny=ADDRESSES))
    )


def fixed(spec: SecuritySpec) -> SecuritySpec:
    """A certificate spec that cannot be valid as drawn (a server with a server key, a
    client without one) is made valid."""
    if spec.certificate and spec.server:
        spec.server_key = ""
    elif spec.certificate and not spec.server_key:
        spec.server_key = PUBLIC_1
    return spec
