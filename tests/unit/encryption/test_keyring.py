"""The key ring seals and opens values, and refuses anything tampered, moved or unknown."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest

from supportgraph.encryption.keyring import (
    PREFIX,
    KeyFile,
    KeyRing,
    KeyRingError,
    format_key,
    key_id,
    load_keyring,
    parse_keys,
)
from supportgraph.graph.checkpoint import KeyRingCipher, sealed_serde
from supportgraph.settings import Settings

SECRET = "my card is 4111 1111 1111 1111, ship to 12 Elm St"


def test_a_sealed_value_opens_only_in_its_context_and_names_its_key() -> None:
    ring = KeyRing.generate("k1")
    sealed = ring.seal(SECRET.encode(), "messages.content")
    assert sealed.startswith(f"{PREFIX}k1:") and SECRET not in sealed
    assert key_id(sealed) == "k1"
    assert ring.open(sealed, "messages.content").decode() == SECRET
    assert ring.seal(SECRET.encode(), "messages.content") != sealed  # a fresh nonce each time
    with pytest.raises(KeyRingError, match="failed authentication"):
        ring.open(sealed, "feedback.comment")


def test_a_tampered_value_or_an_unknown_key_is_refused() -> None:
    ring = KeyRing.generate("k1")
    sealed = ring.seal(b"hello", "c")
    body = bytearray(base64.b64decode(sealed.rsplit(":", 1)[1]))
    body[-1] ^= 1
    tampered = f"{PREFIX}k1:{base64.b64encode(bytes(body)).decode()}"
    with pytest.raises(KeyRingError, match="failed authentication"):
        ring.open(tampered, "c")
    with pytest.raises(KeyRingError, match="'k1', needed to read this value"):
        KeyRing.generate("k2").open(sealed, "c")
    with pytest.raises(KeyRingError, match="corrupt"):
        ring.open(f"{PREFIX}k1:not base64!", "c")


def test_old_keys_still_open_what_they_sealed_after_a_new_key_is_active() -> None:
    old = KeyRing.generate("k1")
    sealed = old.seal(b"kept", "c")
    grown = old.with_key("k2", KeyRing.generate("x").keys["x"])
    assert grown.active == "k2" and key_id(grown.seal(b"new", "c")) == "k2"
    assert grown.open(sealed, "c") == b"kept"
    with pytest.raises(KeyRingError, match="is active"):
        grown.without("k2")
    assert set(grown.without("k1").keys) == {"k2"}


def test_keys_from_the_environment_first_one_active_and_bad_ones_refused() -> None:
    first, second = KeyRing.generate("a"), KeyRing.generate("b")
    spec = f"{format_key('a', first.keys['a'])}, {format_key('b', second.keys['b'])}"
    ring = parse_keys(spec)
    assert ring.active == "a" and set(ring.keys) == {"a", "b"}
    assert load_keyring(Settings(encryption_keys=spec)).keys == ring.keys
    short = base64.b64encode(b"0" * 16).decode()
    for bad, message in (
        ("", "holds no key"),
        ("a", "kid:base64key"),
        ("a:***", "not valid base64"),
        (f"a:{short}", "AES-256 needs 32"),
        (f"bad id:{format_key('x', first.keys['a']).split(':')[1]}", "key id"),
    ):
        with pytest.raises(KeyRingError, match=message):
            parse_keys(bad)


def test_the_embedded_key_file_is_made_once_with_mode_0600(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    ring = load_keyring(settings)
    path = settings.encryption_keys_path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_keyring(settings) == ring
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(KeyRingError, match="not a readable key file"):
        KeyFile(path).load()


def provide(settings: Settings) -> KeyRing:
    """A key provider (the KMS port) for the test below."""
    return KeyRing({"kms-1": b"\x01" * 32}, "kms-1")


def provide_text(settings: Settings) -> str:
    """A broken key provider."""
    return "k1:..."


def test_a_key_provider_overrides_the_other_sources() -> None:
    module = __name__
    ring = load_keyring(Settings(key_provider=f"{module}:provide", encryption_keys="ignored"))
    assert ring.active == "kms-1"
    with pytest.raises(KeyRingError, match="importable"):
        load_keyring(Settings(key_provider="no.such.module:provide"))
    with pytest.raises(KeyRingError, match="not a KeyRing"):
        load_keyring(Settings(key_provider=f"{module}:provide_text"))


def test_checkpoints_are_sealed_by_langgraphs_encrypted_serializer() -> None:
    ring = KeyRing.generate("k1")
    serde = sealed_serde(ring)
    type_, data = serde.dumps_typed({"messages": [SECRET], "customer_id": "yusuf_rossi_9620"})
    assert type_.endswith("+aesgcm.k1")
    assert SECRET.encode() not in data and b"yusuf_rossi_9620" not in data
    assert serde.loads_typed((type_, data))["messages"] == [SECRET]
    with pytest.raises(KeyRingError, match="unknown checkpoint cipher"):
        KeyRingCipher(ring).decrypt("aes", data)
