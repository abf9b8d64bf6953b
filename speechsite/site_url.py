"""The hosted site's address (--site-url or $SITE_URL), checked before anything is built: it goes into every page's
canonical link, the sitemap and the citations as it is, so it must be a plain http or https address."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from .errors import InputError

SITE_URL_VARIABLE = "SITE_URL"
"""mkdocs.yml reads the hosted site's address from this variable; --site-url wins over it."""
UNSAFE_IN_SITE_URL = re.compile(r"[\"'<>\\\s\x00-\x1f\x7f-\x9f]")
"""What would let a site address break out of the attributes and the sitemap it is written into."""


def checked_site_url(site_url: str | None, name: str = "--site-url") -> str | None:
    """The hosted site's address (``site_url``, else $SITE_URL), or None; InputError naming where it came from unless
    it is a plain http or https address with a host."""
    name = name if site_url else SITE_URL_VARIABLE
    url = site_url or os.environ.get(SITE_URL_VARIABLE)
    if not url:
        return None
    example = "; give an address such as https://example.org/talks/"
    unsafe = UNSAFE_IN_SITE_URL.search(url)
    if unsafe:
        raise InputError(f"{name} may not contain quotes, angle brackets, white space or backslashes "
                         f"(it has {unsafe[0]!r}){example}")
    try:
        parts = urlsplit(url)
    except ValueError as error:  # such as an unclosed [ of an IPv6 address
        raise InputError(f"{name} is not a web address ({error}){example}") from None
    if parts.scheme not in ("http", "https"):
        raise InputError(f"{name} must be an http or https address{example}")
    if not parts.hostname:
        raise InputError(f"{name} has no host{example}")
    return url
