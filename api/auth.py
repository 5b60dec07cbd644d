"""Bearer-token authentication: the development issuer, conversation tokens and the IdP.

Three kinds of bearer token are accepted:

* Development tokens (HS256, `iss` = `DEV_ISSUER`), issued by `supportgraph token` and the
  dev-login route while `Settings.dev_auth` is on. An access token lives `ACCESS_TTL`; a
  refresh token lives `REFRESH_TTL` and is only ever exchanged for a new pair, never accepted
  as a bearer.
* Anonymous conversation tokens (HS256, `typ` = `conversation`), always available. They bind a
  visitor to one conversation and expire after `CONVERSATION_TTL`; rotating the server key
  revokes them all at once.
* Identity-provider tokens (RS256, ES256, ...), verified with `Settings.jwt_public_key` or the
  keys published at `Settings.jwks_url`.

HS256 tokens are only ever checked against the server key and asymmetric tokens only against
the identity provider's key, each with an explicit algorithm list, so `alg: none` and
algorithm-confusion forgeries are refused.
"""

from __future__ import annotations

import contextlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from supportgraph.encryption.keyring import write_private_file
from supportgraph.settings import Settings

ACCESS_TTL = timedelta(hours=24)
"""Lifetime of a development access token."""

REFRESH_TTL = timedelta(days=30)
"""Lifetime of a development refresh token."""

CONVERSATION_TTL = timedelta(days=30)
"""Lifetime of an anonymous conversation token."""

DEV_ISSUER = "supportgraph-dev"
"""`iss` of development access and refresh tokens."""

SERVER_ISSUER = "supportgraph"
"""`iss` of anonymous conversation tokens."""

LEEWAY = timedelta(seconds=30)
"""Clock skew tolerated when checking `exp`, `nbf` and `iat`."""

SERVER_ALGORITHM = "HS256"
"""The one algorithm of tokens signed with the server key."""

RSA_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256")
EC_ALGORITHMS = ("ES256", "ES384")
IDP_ALGORITHMS = RSA_ALGORITHMS + EC_ALGORITHMS
"""Asymmetric algorithms accepted from the identity provider."""

_ROLE_RANK = {"USER": 1, "AGENT": 2, "ADMIN": 3}


class Role(StrEnum):
    """What a caller may do: a customer, a support agent or an administrator."""

    USER = "USER"
    AGENT = "AGENT"
    ADMIN = "ADMIN"


@dataclass(frozen=True)
class Principal:
    """The authenticated caller behind a bearer token."""

    role: Role | None
    """The caller's role; `None` for an anonymous conversation token."""

    subject: str
    """The store's user id for `USER`, the agent or admin id otherwise, or
    `conversation:<id>` for an anonymous conversation token."""

    conversation_id: str | None = None
    """The conversation an anonymous token is bound to; `None` for every other token."""

    @property
    def user_id(self) -> str | None:
        """The store's user id when the caller is a customer, else `None`."""
        return self.subject if self.role is Role.USER else None

    @property
    def anonymous(self) -> bool:
        """Whether the caller holds only an anonymous conversation token."""
        return self.role is None


class AuthError(Exception):
    """A request's credentials were missing, malformed or refused.

    Attributes:
        message: Human-readable reason.
        code: Stable machine-readable reason, e.g. `invalid_token`, `expired_token`,
            `wrong_token_type`, `dev_auth_disabled`, `invalid_authorization`, `invalid_role`,
            `idp_not_configured`.
        status: HTTP status to answer with (401).
    """

    def __init__(self, message: str, *, code: str = "invalid_token", status: int = 401) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


def bearer(authorization: str | None) -> str | None:
    """Extract the token from an `Authorization` header value.

    Args:
        authorization: The header value, e.g. `Bearer eyJ...`, or `None` when absent.

    Returns:
        The token, or `None` when the header is missing or blank.

    Raises:
        AuthError: The header is present but not of the form `Bearer <token>`.
    """
    if authorization is None or not authorization.strip():
        return None
    parts = authorization.split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        raise AuthError(
            "Authorization header must be 'Bearer <token>'", code="invalid_authorization"
        )
    return parts[1]


def signing_key(settings: Settings) -> str:
    """The server's HS256 key for development and conversation tokens.

    `settings.auth_secret` when set; otherwise the key kept at `settings.auth_secret_path`,
    generated on first use and written atomically with mode 0600, then reused.

    Args:
        settings: Deployment settings.

    Returns:
        The signing key.
    """
    if settings.auth_secret:
        return settings.auth_secret
    path = settings.auth_secret_path
    existing = _read_key(path)
    if existing:
        return existing
    key = secrets.token_urlsafe(48)
    write_private_file(path, key + "\n", replace=False)
    return _read_key(path) or key


def _read_key(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


class Authenticator:
    """Issues development and conversation tokens and verifies every accepted bearer token.

    Args:
        settings: Deployment settings (keys, issuer, audience, dev-auth switch).
        jwk_client: Object with `get_signing_key_from_jwt(token)` returning a key with `.key`;
            defaults to a `jwt.PyJWKClient` on `settings.jwks_url` when that is set.
    """

    def __init__(self, settings: Settings, *, jwk_client: Any = None) -> None:
        self.settings = settings
        self._jwk_client = jwk_client
        self._server_key: str | None = None
        self._public_key: Any = None

    # -- development issuer -------------------------------------------------------------

    def issue(
        self, role: Role, subject: str, *, kind: Literal["access", "refresh"] = "access"
    ) -> str:
        """Issue a development token.

        Args:
            role: The caller's role.
            subject: The store's user id for `USER`, the agent or admin id otherwise.
            kind: `access` (valid `ACCESS_TTL`) or `refresh` (valid `REFRESH_TTL`).

        Returns:
            The signed token.

        Raises:
            AuthError: Dev auth is disabled (`dev_auth_disabled`) or the arguments are invalid.
        """
        self._require_dev_auth()
        try:
            role = Role(role)
        except ValueError:
            raise AuthError(f"unknown role: {role!r}", code="invalid_role") from None
        if not isinstance(subject, str) or not subject.strip():
            raise AuthError("a token needs a non-empty subject", code="invalid_subject")
        if kind not in ("access", "refresh"):
            raise AuthError(f"unknown token kind: {kind!r}", code="wrong_token_type")
        now = datetime.now(UTC)
        claims = {
            "iss": DEV_ISSUER,
            "sub": subject.strip(),
            "role": role.value,
            "typ": kind,
            "iat": now,
            "exp": now + (ACCESS_TTL if kind == "access" else REFRESH_TTL),
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self._key(), algorithm=SERVER_ALGORITHM)

    def issue_pair(self, role: Role, subject: str) -> dict[str, Any]:
        """Issue a development access and refresh token.

        Args:
            role: The caller's role.
            subject: The store's user id for `USER`, the agent or admin id otherwise.

        Returns:
            `access_token`, `refresh_token`, `token_type` (`bearer`) and `expires_in` (seconds).

        Raises:
            AuthError: Dev auth is disabled or the arguments are invalid.
        """
        return {
            "access_token": self.issue(role, subject, kind="access"),
            "refresh_token": self.issue(role, subject, kind="refresh"),
            "token_type": "bearer",
            "expires_in": int(ACCESS_TTL.total_seconds()),
        }

    def refresh(self, refresh_token: str) -> dict[str, Any]:
        """Exchange a development refresh token for a new pair.

        Args:
            refresh_token: A token from `issue(..., kind="refresh")` or `issue_pair`.

        Returns:
            A new pair, as from `issue_pair`.

        Raises:
            AuthError: Dev auth is disabled, or the token is invalid, expired or not a
                development refresh token.
        """
        self._require_dev_auth()
        claims = self._decode_server_token(refresh_token)
        if claims.get("iss") != DEV_ISSUER or claims.get("typ") != "refresh":
            raise AuthError("not a refresh token", code="wrong_token_type")
        return self.issue_pair(_role(claims.get("role")), _subject(claims.get("sub")))

    # -- anonymous conversations --------------------------------------------------------

    def conversation_token(self, conversation_id: str) -> str:
        """Issue an anonymous token bound to one conversation, valid `CONVERSATION_TTL`.

        Args:
            conversation_id: The conversation (thread) id.

        Returns:
            The signed token.

        Raises:
            AuthError: The conversation id is empty.
        """
        if not isinstance(conversation_id, str) or not conversation_id.strip():
            raise AuthError("a conversation token needs a conversation id", code="invalid_subject")
        now = datetime.now(UTC)
        claims = {
            "iss": SERVER_ISSUER,
            "sub": f"conversation:{conversation_id}",
            "typ": "conversation",
            "cid": conversation_id,
            "iat": now,
            "exp": now + CONVERSATION_TTL,
        }
        return jwt.encode(claims, self._key(), algorithm=SERVER_ALGORITHM)

    # -- verification -------------------------------------------------------------------

    def verify(self, token: str) -> Principal:
        """Verify a bearer token of any kind the server accepts.

        Args:
            token: The bearer token.

        Returns:
            The authenticated caller.

        Raises:
            AuthError: The token is malformed, forged, expired, of the wrong kind, a
                development token while dev auth is off, or from an unconfigured or
                mismatching identity provider.
        """
        if not isinstance(token, str) or not token:
            raise AuthError("missing bearer token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise AuthError("malformed token") from None
        alg = header.get("alg")
        if alg == SERVER_ALGORITHM:
            return self._verify_server_token(token)
        if alg in IDP_ALGORITHMS:
            return self._verify_idp_token(token)
        raise AuthError(f"unsupported token algorithm: {alg!r}")

    def _verify_server_token(self, token: str) -> Principal:
        claims = self._decode_server_token(token)
        typ = claims.get("typ")
        if typ == "conversation":
            cid = claims.get("cid")
            if (
                claims.get("iss") != SERVER_ISSUER
                or not isinstance(cid, str)
                or not cid
                or claims.get("sub") != f"conversation:{cid}"
            ):
                raise AuthError("malformed conversation token")
            return Principal(role=None, subject=f"conversation:{cid}", conversation_id=cid)
        if claims.get("iss") != DEV_ISSUER:
            raise AuthError("unknown token issuer")
        if typ == "refresh":
            raise AuthError("a refresh token is not a bearer token", code="wrong_token_type")
        if typ != "access":
            raise AuthError(f"unknown token type: {typ!r}", code="wrong_token_type")
        self._require_dev_auth()
        return Principal(role=_role(claims.get("role")), subject=_subject(claims.get("sub")))

    def _decode_server_token(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise AuthError("malformed token") from None
        if header.get("alg") != SERVER_ALGORITHM:
            raise AuthError("not a server-signed token")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key(),
                algorithms=[SERVER_ALGORITHM],
                options={"require": ["exp", "iat", "sub", "typ"], "verify_aud": False},
                leeway=LEEWAY,
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("token expired", code="expired_token") from None
        except jwt.PyJWTError as exc:
            raise AuthError(f"invalid token: {exc}") from None
        return claims

    def _verify_idp_token(self, token: str) -> Principal:
        key = self._idp_key(token)
        if isinstance(key, rsa.RSAPublicKey):
            algorithms = list(RSA_ALGORITHMS)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            algorithms = list(EC_ALGORITHMS)
        else:
            raise AuthError("identity provider key is not an RSA or EC public key")
        issuer = self.settings.jwt_issuer or None
        audience = self.settings.jwt_audience or None
        require = ["exp"] + (["iss"] if issuer else []) + (["aud"] if audience else [])
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                issuer=issuer,
                audience=audience,
                options={"require": require, "verify_aud": audience is not None},
                leeway=LEEWAY,
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("token expired", code="expired_token") from None
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise AuthError(f"invalid token: {exc}") from None
        role = _idp_role(claims)
        if role is Role.USER:
            subject = claims.get("user_id") or claims.get("sub")
        else:
            subject = claims.get("sub") or claims.get("user_id")
        return Principal(role=role, subject=_subject(subject))

    def _idp_key(self, token: str) -> Any:
        client = self._jwk_client
        if client is None and self.settings.jwks_url:
            client = self._jwk_client = jwt.PyJWKClient(self.settings.jwks_url)
        if client is not None:
            try:
                found = client.get_signing_key_from_jwt(token)
            except jwt.PyJWTError as exc:
                raise AuthError(f"no matching identity provider key: {exc}") from None
            return _public_key(getattr(found, "key", found))
        if self.settings.jwt_public_key:
            if self._public_key is None:
                self._public_key = _public_key(_pem_text(self.settings.jwt_public_key))
            return self._public_key
        raise AuthError(
            "identity-provider tokens are not accepted: set SUPPORTGRAPH_JWT_PUBLIC_KEY or "
            "SUPPORTGRAPH_JWKS_URL",
            code="idp_not_configured",
        )

    def _key(self) -> str:
        if self._server_key is None:
            self._server_key = signing_key(self.settings)
        return self._server_key

    def _require_dev_auth(self) -> None:
        if not self.settings.dev_auth:
            raise AuthError(
                "development tokens are disabled (SUPPORTGRAPH_DEV_AUTH=0)",
                code="dev_auth_disabled",
            )


def _pem_text(value: str) -> str:
    """The PEM itself, or the contents of the file `value` names."""
    if "-----BEGIN" in value:
        return value
    try:
        return Path(value).expanduser().read_text(encoding="utf-8")
    except OSError as exc:
        raise AuthError(
            f"cannot read the identity provider's public key file: {exc}",
            code="idp_not_configured",
        ) from None


def _public_key(key: Any) -> Any:
    """A cryptography public key object from a key object, PEM text or PEM bytes."""
    if isinstance(key, str | bytes):
        data = key.encode() if isinstance(key, str) else key
        try:
            return load_pem_public_key(data)
        except ValueError as exc:
            raise AuthError(
                f"invalid identity provider public key: {exc}", code="idp_not_configured"
            ) from None
    return key


def _role(value: Any) -> Role:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return Role(value.strip().upper())
    raise AuthError(f"missing or unknown role: {value!r}", code="invalid_role")


def _idp_role(claims: dict[str, Any]) -> Role:
    if claims.get("role") is not None:
        return _role(claims["role"])
    roles = claims.get("roles")
    if isinstance(roles, list):
        known = [r.strip().upper() for r in roles if isinstance(r, str)]
        ranked = sorted((r for r in known if r in _ROLE_RANK), key=_ROLE_RANK.__getitem__)
        if ranked:
            return Role(ranked[-1])
    raise AuthError("token carries no known role", code="invalid_role")


def _subject(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AuthError("token carries no subject")
    return value.strip()
