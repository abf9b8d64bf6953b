"""Precompressed copies of the hosted site's text files (``page.html.gz`` and ``page.html.br`` beside
``page.html``), for hosts that send them as they are instead of compressing on every request (nginx's
``gzip_static`` and ``brotli_static``, Caddy's ``precompressed``). The same input gives the same bytes: the gzip
header carries no file name and no time."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli

TEXT_SUFFIXES = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt"}
"""What compresses well; images and zips are compressed already."""
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
"""Measured on the seed's site (1.5 MB of text, CPU seconds): brotli quality 5 packs to 25.4% in 0.06 s, 7 to 24.8%
in 0.08 s, the maximum (11) to 22.9% in 2.1 s, longer than the rest of the build; gzip 6 gives 28.1% in 0.03 s, 9
28.0% in 0.05 s. The copies are made on the build's critical path, hence the quick settings."""
MIN_BYTES = 256
"""Below this the compressed copy saves less than a network packet, and hosts skip small files anyway."""


def precompress(site_dir: Path) -> int:
    """Write ``.gz`` and ``.br`` beside every text file of site_dir that shrinks by compressing; return how many
    files got copies. Copies that would not be smaller than the file are left out (a host then sends the file), and
    a compressed file the site already has is kept."""
    compressed = 0
    for path in sorted(site_dir.rglob("*")):
        if path.suffix not in TEXT_SUFFIXES or not path.is_file() or path.is_symlink():
            continue
        data = path.read_bytes()
        if len(data) < MIN_BYTES:
            continue
        copies = {".gz": gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0),
                  ".br": brotli.compress(data, mode=brotli.MODE_TEXT, quality=BROTLI_QUALITY)}
        for suffix, packed in copies.items():
            copy = path.with_name(path.name + suffix)
            if len(packed) < len(data) and not copy.exists():  # sitemap.xml.gz is the site's own, dated
                copy.write_bytes(packed)
        compressed += 1
    return compressed
