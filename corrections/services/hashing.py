"""Keyed hashes and secrets: how we remember emails, networks and tokens without keeping them."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets


def keyed_hash(secret: str, value: str) -> str:
    """HMAC-SHA256 hex of ``value`` under the app's secret: stable, not reversible offline."""
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    """SHA-256 hex of a random token (tokens carry their own entropy; no key needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(prefix: str = "", nbytes: int = 32) -> str:
    return prefix + secrets.token_urlsafe(nbytes)


def network_of(address: str | None) -> str | None:
    """The client's network as bans see it: IPv4 /24, IPv6 /48."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def network_hash(secret: str, address: str | None) -> str | None:
    network = network_of(address)
    return keyed_hash(secret, "net:" + network) if network else None


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
