"""Bearer-token authentication: dev issuer, conversation tokens, identity provider, CLI."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import stat
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from supportgraph import cli
from supportgraph.api.auth import (
    ACCESS_TTL,
    DEV_ISSUER,
    REFRESH_TTL,
    Authenticator,
    AuthError,
    Principal,
    Role,
    bearer,
    signing_key,
)
from supportgraph.settings import Settings

ISSUER = "https://idp.example.com/"
AUDIENCE = "supportgraph-api"


def _settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path,
        "auth_secret": "",
        "dev_auth": True,
        "jwt_public_key": "",
        "jwks_url": "",
        "jwt_issuer": "",
        "jwt_audience": "",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def public_pem(rsa_key: rsa.RSAPrivateKey) -> str:
    return (
        rsa_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def _idp_token(key: Any, algorithm: str = "RS256", **claims: Any) -> str:
    now = datetime.now(UTC)
    payload: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "idp|123",
        "iat": now,
        "exp": now + timedelta(hours=1),
    }
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(payload, key, algorithm=algorithm)


def _error(excinfo: pytest.ExceptionInfo[AuthError], code: str) -> None:
    assert excinfo.value.code == code
    assert excinfo.value.status == 401


# -- development issuer -----------------------------------------------------------------


def test_dev_pair_round_trip_and_claims(tmp_path: Path) -> None:
    auth = Authenticator(_settings(tmp_path))
    pair = auth.issue_pair(Role.USER, "ava_moore_6020")
    assert pair["token_type"] == "bearer"
    assert pair["expires_in"] == 86400 == int(ACCESS_TTL.total_seconds())

    principal = auth.verify(pair["access_token"])
    assert principal == Principal(role=Role.USER, subject="ava_moore_6020")
    assert principal.user_id == "ava_moore_6020"
    assert not principal.anonymous
    assert principal.conversation_id is None

    key = signing_key(auth.settings)
    access = jwt.decode(pair["access_token"], key, algorithms=["HS256"])
    refresh = jwt.decode(pair["refresh_token"], key, algorithms=["HS256"])
    assert jwt.get_unverified_header(pair["access_token"])["alg"] == "HS256"
    assert access["iss"] == refresh["iss"] == DEV_ISSUER
    assert access["sub"] == refresh["sub"] == "ava_moore_6020"
    assert access["role"] == refresh["role"] == "USER"
    assert (access["typ"], refresh["typ"]) == ("access", "refresh")
    assert access["exp"] - access["iat"] == 24 * 3600
    assert refresh["exp"] - refresh["iat"] == int(REFRESH_TTL.total_seconds()) == 30 * 86400
    assert abs(access["iat"] - time.time()) < 300


def test_agent_and_admin_have_no_user_id(tmp_path: Path) -> None:
    auth = Authenticator(_settings(tmp_path))
    for role in (Role.AGENT, Role.ADMIN):
        principal = auth.verify(auth.issue(role, "agent-7"))
        assert principal.role is role
        assert principal.subject == "agent-7"
        assert principal.user_id is None


def test_refresh_issues_a_new_working_pair(tmp_path: Path) -> None:
    auth = Authenticator(_settings(tmp_path))
    pair = auth.issue_pair(Role.AGENT, "agent-1")
    renewed = auth.refresh(pair["refresh_token"])
    assert set(renewed) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert renewed["access_token"] != pair["access_token"]
    assert renewed["refresh_token"] != pair["refresh_token"]
    assert auth.verify(renewed["access_token"]) == Principal(Role.AGENT, "agent-1")
    assert auth.refresh(renewed["refresh_token"])["token_type"] == "bearer"


def test_refresh_refuses_an_access_token(tmp_path: Path) -> None:
    auth = Authenticator(_settings(tmp_path))
    with pytest.raises(AuthError) as excinfo:
        auth.refresh(auth.issue(Role.USER, "ava_moore_6020"))
    _error(excinfo, "wrong_token_type")


def test_refresh_token_is_not_a_bearer_token(tmp_path: Path) -> None:
    auth = Authenticator(_settings(tmp_path))
    with pytest.raises(AuthError) as excinfo:
        auth.verify(auth.issue(Role.USER, "ava_moore_6020", kind="refresh"))
    _error(excinfo, "wrong_token_type")


def test_expired_dev_token(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    auth = Authenticator(settings)
    past = datetime.now(UTC) - timedelta(hours=2)
    claims = {
        "iss": DEV_ISSUER,
        "sub": "ava_moore_6020",
        "role": "USER",
        "typ": "access",
        "iat": past - ACCESS_TTL,
        "exp": past,
    }
    token = jwt.encode(claims, signing_key(settings), algorithm="HS256")
    with pytest.raises(AuthError) as excinfo:
        auth.verify(token)
    _error(excinfo, "expired_token")

    refresh = jwt.encode({**claims, "typ": "refresh"}, signing_key(settings), algorithm="HS256")
    with pytest.raises(AuthError) as excinfo:
        auth.refresh(refresh)
    _error(excinfo, "expired_token")


def test_tampered_token_is_refused(tmp_path: Path) -> None:
    auth = Authenticator(_settings(tmp_path))
    token = auth.issue(Role.USER, "ava_moore_6020")
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = "ADMIN"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(AuthError) as excinfo:
        auth.verify(f"{header}.{forged}.{signature}")
    _error(excinfo, "invalid_token")

    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    with pytest.raises(AuthError) as excinfo:
        auth.verify(f"{header}.{payload}.{flipped}")
    _error(excinfo, "invalid_token")


def test_token_signed_with_another_key_is_refused(tmp_path: Path) -> None:
    auth = Authenticator(_settings(tmp_path))
    other = Authenticator(_settings(tmp_path / "other", auth_secret="another-secret-" * 4))
    with pytest.raises(AuthError) as excinfo:
        auth.verify(other.issue(Role.ADMIN, "admin-1"))
    _error(excinfo, "invalid_token")


@pytest.mark.parametrize("token", ["", "not-a-jwt", "a.b.c", "a.b"])
def test_garbage_is_refused(tmp_path: Path, token: str) -> None:
    with pytest.raises(AuthError) as excinfo:
        Authenticator(_settings(tmp_path)).verify(token)
    _error(excinfo, "invalid_token")


def test_alg_none_is_refused(tmp_path: Path, public_pem: str) -> None:
    auth = Authenticator(_settings(tmp_path, jwt_public_key=public_pem))
    claims = {
        "iss": DEV_ISSUER,
        "sub": "ava_moore_6020",
        "role": "ADMIN",
        "typ": "access",
        "iat": int(time.time()),
        "exp": int(time.time()) + 3600,
    }
    token = jwt.encode(claims, None, algorithm="none")
    assert jwt.get_unverified_header(token)["alg"] == "none"
    with pytest.raises(AuthError) as excinfo:
        auth.verify(token)
    _error(excinfo, "invalid_token")

    # Same with the header rewritten by hand, in any capitalisation.
    for alg in ("none", "None", "NONE"):
        header = base64.urlsafe_b64encode(json.dumps({"alg": alg, "typ": "JWT"}).encode())
        payload = base64.urlsafe_b64encode(json.dumps(claims).encode())
        token = f"{header.rstrip(b'=').decode()}.{payload.rstrip(b'=').decode()}."
        with pytest.raises(AuthError):
            auth.verify(token)


def test_hs256_forged_with_public_key_is_refused(tmp_path: Path, public_pem: str) -> None:
    """Algorithm confusion: the public PEM used as an HMAC secret gets nothing."""
    auth = Authenticator(
        _settings(tmp_path, jwt_public_key=public_pem, jwt_issuer=ISSUER, jwt_audience=AUDIENCE)
    )
    now = int(time.time())
    for claims in (
        {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "role": "ADMIN", "exp": now + 3600},
        {
            "iss": DEV_ISSUER,
            "sub": "x",
            "role": "ADMIN",
            "typ": "access",
            "iat": now,
            "exp": now + 3600,
        },
    ):
        header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")
        payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
        signing_input = header + b"." + payload
        mac = hmac.new(public_pem.encode(), signing_input, hashlib.sha256).digest()
        token = (signing_input + b"." + base64.urlsafe_b64encode(mac).rstrip(b"=")).decode()
        with pytest.raises(AuthError) as excinfo:
            auth.verify(token)
        _error(excinfo, "invalid_token")


def test_dev_tokens_refused_when_dev_auth_off(tmp_path: Path) -> None:
    on = Authenticator(_settings(tmp_path, dev_auth=True))
    token = on.issue(Role.ADMIN, "admin-1")
    refresh = on.issue(Role.ADMIN, "admin-1", kind="refresh")

    off = Authenticator(_settings(tmp_path, dev_auth=False))
    with pytest.raises(AuthError) as excinfo:
        off.verify(token)
    _error(excinfo, "dev_auth_disabled")
    with pytest.raises(AuthError) as excinfo:
        off.issue(Role.USER, "ava_moore_6020")
    _error(excinfo, "dev_auth_disabled")
    with pytest.raises(AuthError) as excinfo:
        off.issue_pair(Role.USER, "ava_moore_6020")
    _error(excinfo, "dev_auth_disabled")
    with pytest.raises(AuthError) as excinfo:
        off.refresh(refresh)
    _error(excinfo, "dev_auth_disabled")

    # Conversation tokens keep working without the dev issuer.
    assert off.verify(off.conversation_token("t-1")).conversation_id == "t-1"


def test_issue_rejects_bad_arguments(tmp_path: Path) -> None:
    auth = Authenticator(_settings(tmp_path))
    with pytest.raises(AuthError):
        auth.issue(Role.USER, "  ")
    with pytest.raises(AuthError) as excinfo:
        auth.issue("ROOT", "x")  # type: ignore[arg-type]
    assert excinfo.value.code == "invalid_role"


# -- anonymous conversation tokens ------------------------------------------------------


def test_conversation_token_round_trip(tmp_path: Path) -> None:
    auth = Authenticator(_settings(tmp_path))
    token = auth.conversation_token("web-1234")
    principal = auth.verify(token)
    assert principal == Principal(
        role=None, subject="conversation:web-1234", conversation_id="web-1234"
    )
    assert principal.anonymous
    assert principal.user_id is None
    claims = jwt.decode(token, signing_key(auth.settings), algorithms=["HS256"])
    assert claims["typ"] == "conversation"
    assert claims["cid"] == "web-1234"

    with pytest.raises(AuthError) as excinfo:
        auth.refresh(token)
    _error(excinfo, "wrong_token_type")


def test_conversation_token_with_mismatched_subject_is_refused(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    now = int(time.time())
    claims = {
        "iss": "supportgraph",
        "sub": "conversation:other",
        "typ": "conversation",
        "cid": "web-1",
        "iat": now,
        "exp": now + 60,
    }
    token = jwt.encode(claims, signing_key(settings), algorithm="HS256")
    with pytest.raises(AuthError):
        Authenticator(settings).verify(token)


# -- identity provider ------------------------------------------------------------------


def test_idp_token_with_public_key_pem_text(
    tmp_path: Path, rsa_key: rsa.RSAPrivateKey, public_pem: str
) -> None:
    auth = Authenticator(
        _settings(
            tmp_path,
            dev_auth=False,
            jwt_public_key=public_pem,
            jwt_issuer=ISSUER,
            jwt_audience=AUDIENCE,
        )
    )
    token = _idp_token(rsa_key, role="user", user_id="ava_moore_6020")
    principal = auth.verify(token)
    assert principal == Principal(role=Role.USER, subject="ava_moore_6020")
    assert principal.user_id == "ava_moore_6020"

    # Without a `user_id` claim the subject is `sub`.
    assert auth.verify(_idp_token(rsa_key, role="USER")).user_id == "idp|123"
    # Agents keep their `sub`.
    agent = auth.verify(_idp_token(rsa_key, sub="agent-9", role="AGENT", user_id="u"))
    assert agent == Principal(role=Role.AGENT, subject="agent-9")


def test_idp_token_with_public_key_file(
    tmp_path: Path, rsa_key: rsa.RSAPrivateKey, public_pem: str
) -> None:
    pem_file = tmp_path / "idp.pem"
    pem_file.write_text(public_pem)
    auth = Authenticator(_settings(tmp_path, jwt_public_key=str(pem_file)))
    principal = auth.verify(_idp_token(rsa_key, role="ADMIN"))
    assert principal == Principal(role=Role.ADMIN, subject="idp|123")
    # An `aud` claim is fine when no audience is configured.
    assert auth.verify(_idp_token(rsa_key, role="ADMIN", aud="anything")).role is Role.ADMIN


def test_idp_public_key_file_missing(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> None:
    auth = Authenticator(_settings(tmp_path, jwt_public_key=str(tmp_path / "missing.pem")))
    with pytest.raises(AuthError) as excinfo:
        auth.verify(_idp_token(rsa_key, role="USER"))
    _error(excinfo, "idp_not_configured")


def test_idp_role_from_roles_list(
    tmp_path: Path, rsa_key: rsa.RSAPrivateKey, public_pem: str
) -> None:
    auth = Authenticator(_settings(tmp_path, jwt_public_key=public_pem))
    assert auth.verify(_idp_token(rsa_key, roles=["USER", "ADMIN", "AGENT"])).role is Role.ADMIN
    assert auth.verify(_idp_token(rsa_key, roles=["user", "agent"])).role is Role.AGENT
    assert auth.verify(_idp_token(rsa_key, roles=["billing", "USER"])).role is Role.USER


@pytest.mark.parametrize(
    "claims",
    [{}, {"role": "ROOT"}, {"roles": ["billing"]}, {"roles": []}, {"role": 3}],
    ids=["missing", "unknown", "unknown-list", "empty-list", "not-a-string"],
)
def test_idp_missing_or_unknown_role(
    tmp_path: Path, rsa_key: rsa.RSAPrivateKey, public_pem: str, claims: dict[str, Any]
) -> None:
    auth = Authenticator(_settings(tmp_path, jwt_public_key=public_pem))
    with pytest.raises(AuthError) as excinfo:
        auth.verify(_idp_token(rsa_key, **claims))
    _error(excinfo, "invalid_role")


def test_idp_wrong_audience_or_issuer(
    tmp_path: Path, rsa_key: rsa.RSAPrivateKey, public_pem: str
) -> None:
    auth = Authenticator(
        _settings(tmp_path, jwt_public_key=public_pem, jwt_issuer=ISSUER, jwt_audience=AUDIENCE)
    )
    assert auth.verify(_idp_token(rsa_key, role="USER")).role is Role.USER
    for claims in (
        {"aud": "someone-else"},
        {"iss": "https://evil.example.com/"},
        {"aud": None},
        {"iss": None},
    ):
        with pytest.raises(AuthError) as excinfo:
            auth.verify(_idp_token(rsa_key, role="USER", **claims))
        _error(excinfo, "invalid_token")


def test_idp_expired_and_missing_exp(
    tmp_path: Path, rsa_key: rsa.RSAPrivateKey, public_pem: str
) -> None:
    auth = Authenticator(_settings(tmp_path, jwt_public_key=public_pem))
    past = datetime.now(UTC) - timedelta(hours=1)
    with pytest.raises(AuthError) as excinfo:
        auth.verify(_idp_token(rsa_key, role="USER", exp=past))
    _error(excinfo, "expired_token")
    with pytest.raises(AuthError) as excinfo:
        auth.verify(_idp_token(rsa_key, role="USER", exp=None))
    _error(excinfo, "invalid_token")


def test_idp_token_signed_by_another_key(tmp_path: Path, public_pem: str) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    auth = Authenticator(_settings(tmp_path, jwt_public_key=public_pem))
    with pytest.raises(AuthError) as excinfo:
        auth.verify(_idp_token(other, role="ADMIN"))
    _error(excinfo, "invalid_token")


def test_idp_tokens_refused_without_key_or_jwks(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> None:
    auth = Authenticator(_settings(tmp_path))
    with pytest.raises(AuthError) as excinfo:
        auth.verify(_idp_token(rsa_key, role="ADMIN"))
    _error(excinfo, "idp_not_configured")
    assert "SUPPORTGRAPH_JWT_PUBLIC_KEY" in str(excinfo.value)


class _FakeJWKClient:
    def __init__(self, key: Any) -> None:
        self.key = key
        self.seen: list[str] = []

    def get_signing_key_from_jwt(self, token: str) -> Any:
        self.seen.append(token)
        return type("SigningKey", (), {"key": self.key})()


def test_idp_token_via_jwks_client(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> None:
    client = _FakeJWKClient(rsa_key.public_key())
    settings = _settings(
        tmp_path,
        jwks_url="https://idp.example.com/.well-known/jwks.json",
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
    )
    auth = Authenticator(settings, jwk_client=client)
    token = _idp_token(rsa_key, roles=["AGENT"], sub="agent-3")
    assert auth.verify(token) == Principal(role=Role.AGENT, subject="agent-3")
    assert client.seen == [token]

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(AuthError) as excinfo:
        auth.verify(_idp_token(other, role="AGENT"))
    _error(excinfo, "invalid_token")


def test_idp_es256_token_via_jwks_client(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    auth = Authenticator(_settings(tmp_path), jwk_client=_FakeJWKClient(key.public_key()))
    token = _idp_token(key, algorithm="ES256", role="USER", user_id="ava_moore_6020")
    assert auth.verify(token).user_id == "ava_moore_6020"


def test_idp_jwks_lookup_failure(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> None:
    class Failing:
        def get_signing_key_from_jwt(self, token: str) -> Any:
            raise jwt.PyJWKClientError("no key with that kid")

    auth = Authenticator(_settings(tmp_path), jwk_client=Failing())
    with pytest.raises(AuthError) as excinfo:
        auth.verify(_idp_token(rsa_key, role="USER"))
    _error(excinfo, "invalid_token")


# -- signing key ------------------------------------------------------------------------


def test_signing_key_file_created_0600_and_reused(tmp_path: Path) -> None:
    settings = _settings(tmp_path / "nested" / "data")
    path = settings.auth_secret_path
    assert not path.exists()
    key = signing_key(settings)
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) >= 64
    assert path.read_text().strip() == key
    assert signing_key(settings) == key
    assert list(path.parent.iterdir()) == [path]

    # A token from one Authenticator verifies in another on the same data dir.
    token = Authenticator(settings).issue(Role.USER, "ava_moore_6020")
    assert Authenticator(settings).verify(token).user_id == "ava_moore_6020"


def test_signing_key_from_settings(tmp_path: Path) -> None:
    settings = _settings(tmp_path, auth_secret="s3cret-from-env-" * 4)
    assert signing_key(settings) == "s3cret-from-env-" * 4
    assert not settings.auth_secret_path.exists()


def test_signing_key_created_lazily(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    Authenticator(settings)
    assert not settings.auth_secret_path.exists()


# -- Authorization header ---------------------------------------------------------------


def test_bearer_parsing() -> None:
    assert bearer(None) is None
    assert bearer("") is None
    assert bearer("   ") is None
    assert bearer("Bearer abc.def.ghi") == "abc.def.ghi"
    assert bearer("bearer  abc") == "abc"
    for value in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", "abc"):
        with pytest.raises(AuthError) as excinfo:
            bearer(value)
        _error(excinfo, "invalid_authorization")


# -- CLI --------------------------------------------------------------------------------


def _cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, dev_auth: str = "1") -> None:
    monkeypatch.setenv("SUPPORTGRAPH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SUPPORTGRAPH_DEV_AUTH", dev_auth)
    for name in (
        "SUPPORTGRAPH_AUTH_SECRET",
        "SUPPORTGRAPH_JWT_PUBLIC_KEY",
        "SUPPORTGRAPH_JWKS_URL",
        "SUPPORTGRAPH_JWT_ISSUER",
        "SUPPORTGRAPH_JWT_AUDIENCE",
    ):
        monkeypatch.delenv(name, raising=False)


def test_cli_token(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _cli_env(monkeypatch, tmp_path)
    assert cli.main(["token", "--role", "USER", "--user-id", "ava_moore_6020", "--refresh"]) == 0
    pair = json.loads(capsys.readouterr().out)
    assert pair["token_type"] == "bearer"
    assert pair["expires_in"] == 86400

    auth = Authenticator(Settings())
    assert auth.settings.data_dir == tmp_path
    assert auth.verify(pair["access_token"]) == Principal(Role.USER, "ava_moore_6020")
    assert auth.refresh(pair["refresh_token"])["token_type"] == "bearer"

    assert cli.main(["token", "--role", "agent", "--user-id", "agent-2"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "refresh_token" not in out
    assert auth.verify(out["access_token"]) == Principal(Role.AGENT, "agent-2")


def test_cli_token_with_dev_auth_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _cli_env(monkeypatch, tmp_path, dev_auth="0")
    assert cli.main(["token", "--role", "ADMIN", "--user-id", "admin-1"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "disabled" in captured.err
    assert "SUPPORTGRAPH_DEV_AUTH" in captured.err


def test_cli_token_rejects_unknown_role(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _cli_env(monkeypatch, tmp_path)
    with pytest.raises(SystemExit) as excinfo:
        cli.main(["token", "--role", "ROOT", "--user-id", "x"])
    assert excinfo.value.code == 2
    assert capsys.readouterr().out == ""
