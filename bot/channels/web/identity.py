"""Anonymous identity for the web chat: a signed session cookie, its CSRF token, access and admin tags.

The cookie holds only a random user id and two tags; the HMAC-SHA256 signature makes any edit void. The
access and admin tags are derived from the current access code and admin secret, so changing either
revokes every cookie that presented the old one. Nothing here touches the network or the disk, except
`load_or_create_key`, which reads (or on first start writes) the signing key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path

COOKIE = "awardbot_session"
MAX_AGE = 180 * 86400  # renewed on every page load
_UID = re.compile(r"[0-9a-f]{32}")
_REMEMBER = 20_000  # verified cookies and CSRF tokens kept in memory


@dataclass(frozen=True)
class Session:
    uid: str  # 32 hex digits, random
    access: str = ""  # tag of the access code this browser entered ("" if none was needed or given)
    admin: str = ""  # tag of the admin secret this browser presented
    issued: int = 0

    @property
    def user_id(self) -> str:
        return f"web:{self.uid}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    def __init__(self, key: bytes, access_code: str | None = None, admin_secret: str | None = None,
                 clock=time.time):
        self._key = key
        self.clock = clock
        self.access_required = bool(access_code)
        self._access_code = access_code or ""
        self._admin_secret = admin_secret or ""
        self._access_tag = self._mac("access", self._access_code)[:22] if access_code else ""
        self._admin_tag = self._mac("admin", self._admin_secret)[:22] if admin_secret else ""
        # Cookie values whose signature checked out (value → session), and CSRF tokens per uid: a browser
        # sends the same cookie with every request, so each is verified with HMAC once, not per request.
        self._verified: OrderedDict[str, Session] = OrderedDict()
        self._csrf: OrderedDict[str, str] = OrderedDict()

    def _mac(self, purpose: str, text: str) -> str:
        return _b64(hmac.new(self._key, f"{purpose}|{text}".encode(), hashlib.sha256).digest())

    def new_session(self) -> Session:
        return Session(uid=secrets.token_hex(16), issued=int(self.clock()))

    def dumps(self, session: Session) -> str:
        payload = f"1|{session.uid}|{session.access}|{session.admin}|{session.issued}"
        return f"{_b64(payload.encode())}.{self._mac('cookie', payload)}"

    def loads(self, raw: str | None) -> Session | None:
        """The session in a cookie value, or None if it is missing, malformed, forged or too old."""
        if not raw or len(raw) > 400:
            return None
        session = self._verified.get(raw)
        if session is None:
            session = self._verify(raw)
            if session is None:
                return None
            self._verified[raw] = session
            if len(self._verified) > _REMEMBER:
                self._verified.popitem(last=False)
        if self.clock() - session.issued > MAX_AGE * 2:
            return None
        return session

    def _verify(self, raw: str) -> Session | None:
        if raw.count(".") != 1:
            return None
        body, mac = raw.split(".")
        try:
            payload = _unb64(body).decode("ascii")
        except (ValueError, UnicodeDecodeError):
            return None
        if not hmac.compare_digest(mac, self._mac("cookie", payload)):
            return None
        parts = payload.split("|")
        if len(parts) != 5 or parts[0] != "1" or not _UID.fullmatch(parts[1]) or not parts[4].isdigit():
            return None
        return Session(parts[1], parts[2], parts[3], int(parts[4]))

    def renewed(self, session: Session) -> Session:
        return replace(session, issued=int(self.clock()))

    # -- CSRF: a token bound to the session, sent back in the X-CSRF-Token header ------------------------

    def csrf(self, session: Session) -> str:
        token = self._csrf.get(session.uid)
        if token is None:
            token = self._csrf[session.uid] = self._mac("csrf", session.uid)[:32]
            if len(self._csrf) > _REMEMBER:
                self._csrf.popitem(last=False)
        return token

    def csrf_ok(self, session: Session, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(token, self.csrf(session))

    # -- the site's access code and the administrators' secret ---------------------------------------

    def has_access(self, session: Session) -> bool:
        return not self.access_required or hmac.compare_digest(session.access, self._access_tag)

    def with_access(self, session: Session, code: str) -> Session | None:
        if not self.access_required or not hmac.compare_digest(code.encode(), self._access_code.encode()):
            return None
        return replace(session, access=self._access_tag)

    @property
    def admin_enabled(self) -> bool:
        return bool(self._admin_secret)

    def is_admin(self, session: Session) -> bool:
        return bool(self._admin_tag) and hmac.compare_digest(session.admin, self._admin_tag)

    def with_admin(self, session: Session, secret: str) -> Session | None:
        if not self._admin_secret or not hmac.compare_digest(secret.encode(), self._admin_secret.encode()):
            return None
        return replace(session, admin=self._admin_tag)

    def without_admin(self, session: Session) -> Session:
        return replace(session, admin="")


def load_or_create_key(path: Path) -> bytes:
    """The signing key from `path`; on first start a new random key is written there (mode 600).

    Raises OSError (unreadable, not writable) or ValueError (too short) for the CLI to word."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = secrets.token_hex(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process wrote it first: use theirs
            return load_or_create_key(path)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(text + "\n")
    if len(text) < 32:
        raise ValueError(f"the web secret file {path} holds fewer than 32 characters: delete it to generate one")
    return text.encode("ascii")
