"""The web chat's safety checks that are not about identity: who the client is behind a trusted proxy,
a per-client rate limit, and the security headers every response carries."""

from __future__ import annotations

import ipaddress
import time
from collections import OrderedDict
from dataclasses import dataclass

# No inline script or style anywhere: the page loads one script and one stylesheet from 'self'.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; manifest-src 'self'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


@dataclass(frozen=True)
class Client:
    ip: str
    scheme: str  # "http" | "https", as the browser sees it
    host: str  # Host as the browser sent it (to the proxy, if a trusted one forwarded it)

    @property
    def secure(self) -> bool:
        return self.scheme == "https"


def _in(ip: str, networks) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in n for n in networks)


def client_of(peer: str | None, scheme: str, host: str, headers, trusted) -> Client:
    """X-Forwarded-For/-Proto/-Host are believed only when the connection comes from a trusted proxy;
    the client address is the right-most X-Forwarded-For hop that is not itself a trusted proxy."""
    peer = peer or ""
    if not trusted or not _in(peer, trusted):
        return Client(peer, scheme, host)
    ip = peer
    hops = [h.strip() for h in headers.get("X-Forwarded-For", "").split(",") if h.strip()]
    for hop in reversed(hops):
        ip = hop
        if not _in(hop, trusted):
            break
    proto = headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    forwarded_host = headers.get("X-Forwarded-Host", "").split(",")[0].strip()
    return Client(ip, proto if proto in ("http", "https") else scheme, forwarded_host or host)


class RateLimiter:
    """A token bucket per key: `burst` requests at once, refilled at `per_minute`. Bounded memory: the
    least recently seen keys are forgotten first (a forgotten key starts with a full bucket)."""

    def __init__(self, per_minute: float, burst: int, max_keys: int = 50_000, clock=time.monotonic):
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def check(self, key: str) -> float:
        """0 if the request may go ahead (and is counted); otherwise the seconds until it may."""
        if not self.enabled:
            return 0.0
        now = self.clock()
        tokens, last = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.rate
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait
