"""Checking and normalising the source links readers attach to a proposed correction.

A correction carries one to five links to its sources. Before they are stored they go
through :func:`normalize_links`, so that moderators see every link in one canonical,
ASCII-only form and the same source pasted twice is kept once.

Decisions worth knowing:

* Only ``http`` and ``https`` links are accepted. A bare ``example.com/page`` (what people
  often paste from a browser's address bar) gets ``https://`` put in front of it; anything
  else without a scheme, including protocol-relative ``//host/path``, is refused, because
  guessing what it meant is how ``javascript:`` slips through.
* Hosts are lower-cased and non-ASCII hosts are IDNA-encoded (``bücher.de`` becomes
  ``xn--bcher-kva.de``). The encoding uses the standard library's IDNA 2003 codec, so
  ``straße.de`` maps to ``strasse.de`` as it did for browsers of that era.
* The path, query and fragment are kept as written, except that characters which may not
  appear in a URL (spaces, quotes, ``<``, non-ASCII...) are percent-encoded. The fragment is
  kept because it often points at the relevant paragraph of the source.
* Credentials (``user:pass@host``) are refused: ``https://trusted.org@evil.example`` is a
  classic way to make a link look like it goes somewhere it does not.
* Private and loopback addresses are *not* refused: links are shown to people, never
  fetched by the server.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import quote, urlsplit

from corrections.i18n import _, ngettext, number

MAX_LINK_LENGTH = 2048

_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# Something like "example.com/page" or "www.example.org:8080?q": a dotted name with no
# scheme. Anything odd in the name is caught later by the host check.
_BARE_HOST_RE = re.compile(r"^[^\s/?#:@\\]+\.[^\s/?#:@\\]+(?::[0-9]*)?(?:[/?#].*)?$", re.DOTALL)
_NETLOC_RE = re.compile(r"^(\[[^\[\]]*\]|[^:\[\]]*)(?::([0-9]*))?$")
# Underscores are not valid in host names but do occur in real ones (some CDNs).
_LABEL_RE = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_LONE_PERCENT_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Control characters are how "java\tscript:" style tricks work; lone surrogates cannot be
# encoded at all.
_INVISIBLE_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# RFC 3986 pchar minus the percent sign's escapes, which are protected separately.
_PATH_SAFE = "!$&'()*+,;=:@/%-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


class InvalidLink(ValueError):
    """A link the service will not store, with a message fit to show the person who typed it.

    ``index`` is the position of the offending entry in the list given to
    :func:`normalize_links` (``None`` when the problem is not one entry, such as too few
    links), so a form can attach the message to the right field.
    """

    def __init__(self, message: str, *, index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.index = index


def _shown(url: str) -> str:
    # Messages quote the input so people can see what was refused, but a 10 kB paste
    # should not turn into a 10 kB error message.
    return url if len(url) <= 80 else url[:77] + "..."


def _normalize_host(host: str, url: str) -> str:
    if host.startswith("["):
        try:
            address = ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise InvalidLink(
                _("This link has an invalid address: '%(link)s'", link=_shown(url))
            ) from None
        if address.scope_id:
            raise InvalidLink(_("This link has an invalid address: '%(link)s'", link=_shown(url)))
        return f"[{address.compressed}]"

    if not host:
        raise InvalidLink(_("This link has no website name: '%(link)s'", link=_shown(url)))
    # One trailing dot is the fully-qualified spelling of the same host.
    host = host.lower().removesuffix(".")
    try:
        encoded = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidLink(
            _("This link's website name is not valid: '%(link)s'", link=_shown(url))
        ) from None
    encoded = encoded.lower()
    labels = encoded.split(".")
    if len(encoded) > 253 or not all(_LABEL_RE.match(label) for label in labels):
        raise InvalidLink(_("This link's website name is not valid: '%(link)s'", link=_shown(url)))
    return encoded


def _encode(part: str, safe: str) -> str:
    # A "%" that does not start an escape is literal; encoding it first keeps existing
    # escapes as they are, which is what makes normalisation idempotent.
    return quote(_LONE_PERCENT_RE.sub("%25", part), safe=safe)


def normalize_link(url: str) -> str:
    """Return ``url`` in canonical form, or raise :class:`InvalidLink` saying why not.

    The result starts with ``http://`` or ``https://``, is at most 2,048 characters and
    is its own normal form: ``normalize_link(normalize_link(u)) == normalize_link(u)``.
    """
    url = url.strip()
    if not url:
        raise InvalidLink(_("Enter a link."))
    if len(url) > MAX_LINK_LENGTH:
        raise InvalidLink(
            _("Links can be at most %(count)s characters long.", count=number(MAX_LINK_LENGTH))
        )
    if _INVISIBLE_RE.search(url):
        # Not quoted back: the characters would be invisible in the message too.
        raise InvalidLink(_("This link contains invisible control characters."))
    if url.startswith(("//", "\\\\", "/\\", "\\/")):
        raise InvalidLink(
            _("Links must start with http:// or https://: '%(link)s'", link=_shown(url))
        )
    if _BARE_HOST_RE.match(url):
        url = "https://" + url

    scheme_match = _SCHEME_RE.match(url)
    if scheme_match is None:
        raise InvalidLink(
            _("Links must start with http:// or https://: '%(link)s'", link=_shown(url))
        )
    scheme = scheme_match.group(1).lower()
    if scheme not in _DEFAULT_PORTS:
        if url[scheme_match.end() : scheme_match.end() + 1].isdigit():
            # "localhost:8080": a host and port, not a scheme.
            raise InvalidLink(
                _("Links must start with http:// or https://: '%(link)s'", link=_shown(url))
            )
        raise InvalidLink(_("Only http and https links are accepted: '%(link)s'", link=_shown(url)))
    if url[scheme_match.end() : scheme_match.end() + 2] != "//":
        raise InvalidLink(
            _("Links must start with http:// or https://: '%(link)s'", link=_shown(url))
        )

    try:
        parts = urlsplit(url)
    except ValueError:
        raise InvalidLink(
            _("This link is not a valid address: '%(link)s'", link=_shown(url))
        ) from None

    if "@" in parts.netloc:
        # Not quoted back, so a pasted password does not end up in pages or logs.
        raise InvalidLink(_("Links may not contain a user name or password."))
    netloc_match = _NETLOC_RE.match(parts.netloc)
    if netloc_match is None:
        raise InvalidLink(_("This link's website name is not valid: '%(link)s'", link=_shown(url)))
    host = _normalize_host(netloc_match.group(1), url)
    port_text = netloc_match.group(2)
    netloc = host
    if port_text:
        port = int(port_text)
        if not 0 < port < 65536:
            raise InvalidLink(
                _("This link has an invalid port number: '%(link)s'", link=_shown(url))
            )
        if port != _DEFAULT_PORTS[scheme]:
            netloc = f"{host}:{port}"

    # An empty path and "/" name the same resource; picking one makes duplicates visible.
    normalized = f"{scheme}://{netloc}{_encode(parts.path, _PATH_SAFE) or '/'}"
    if parts.query:
        normalized += "?" + _encode(parts.query, _QUERY_SAFE)
    if parts.fragment:
        normalized += "#" + _encode(parts.fragment, _QUERY_SAFE)

    if len(normalized) > MAX_LINK_LENGTH:
        raise InvalidLink(
            _("Links can be at most %(count)s characters long.", count=number(MAX_LINK_LENGTH))
        )
    return normalized


def normalize_links(urls: Iterable[str], *, minimum: int = 1, maximum: int = 5) -> list[str]:
    """Normalise the links of one submission, dropping blanks and duplicates.

    Blank entries (empty form fields) are skipped. Links that are the same after
    normalisation are kept once, in the order first given. Raises :class:`InvalidLink`
    for the first bad entry, or when fewer than ``minimum`` or more than ``maximum``
    distinct links remain; ``index`` points into ``urls`` as given.
    """
    links: list[str] = []
    for index, url in enumerate(urls):
        if not url.strip():
            continue
        try:
            link = normalize_link(url)
        except InvalidLink as error:
            raise InvalidLink(error.message, index=index) from None
        if link in links:
            continue
        links.append(link)
        if len(links) > maximum:
            raise InvalidLink(
                ngettext("At most %(num)d source link.", "At most %(num)d source links.", maximum),
                index=index,
            )
    if len(links) < minimum:
        if minimum == 1:
            raise InvalidLink(_("Add at least one source link."))
        raise InvalidLink(_("Add at least %(count)s source links.", count=minimum))
    return links


def link_domain(url: str) -> str:
    """Return the host of ``url`` as moderators should see it.

    The host is returned in its ASCII form, punycode included (``xn--bcher-kva.de``),
    rather than decoded to Unicode: a look-alike such as ``аpple.com`` with a Cyrillic
    "а" shows up as ``xn--pple-43d.com`` instead of passing for the real thing. Raises
    :class:`InvalidLink` if ``url`` is not an acceptable link.
    """
    parts = urlsplit(normalize_link(url))
    # hostname drops the port and IPv6 brackets; it is never None for a normalised link.
    return parts.hostname or ""
