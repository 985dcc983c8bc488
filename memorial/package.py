"""Stage 6 — package: the built site as a file people can pass hand to hand.

A zip whose bytes depend only on the content (sorted entries, fixed times and
permissions), with a README.txt in three languages and a SHA256SUMS beside it;
and a ZIM file for the Kiwix readers.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import os
import re
import struct
import zipfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from PIL import Image, ImageDraw

from . import i18n, signing

README_TXT = """{title}
{rule}

EN  An offline copy of the memorial. To read it, unzip this file and open
    index.html in any web browser. No internet connection is needed, and
    nothing is loaded from anywhere else. Content as of {date}.

RU  Офлайн-копия мемориала. Чтобы читать её, распакуйте этот архив и
    откройте файл index.html в любом браузере. Интернет не нужен: ничего не
    загружается из сети. Содержание по состоянию на {date}.

KK  Мемориалдың желісіз нұсқасы. Оқу үшін осы архивті ашып, index.html
    файлын кез келген браузерде ашыңыз. Интернет қажет емес: желіден ештеңе
    жүктелмейді. Мазмұны {date} күнгі жағдай бойынша.

Is this copy whole? / Цела ли эта копия? / Бұл көшірме толық па?
--------------------------------------------------------------------
Anyone can alter a copy on its way to you. Check it against the checksum
(SHA-256) published on the memorial's download page, or, better, against its
signature. {key_text}

- Windows (PowerShell):   Get-FileHash memorial-{date}.zip -Algorithm SHA256
  and compare the hash with the line for this file in SHA256SUMS on the
  download page. Signature: minisign.exe (https://jedisct1.github.io/minisign/)
  minisign -Vm memorial-{date}.zip -P <public key>
- Linux, macOS:           sha256sum -c SHA256SUMS   (beside the zip)
                          minisign -Vm memorial-{date}.zip -P <public key>
  Inside the unzipped folder, sha256sum -c SHA256SUMS checks every file, and
  minisign -Vm SHA256SUMS -P <public key> checks that list.
- Android: a checksum app (SHA-256) gives the hash to compare with SHA256SUMS.
- With the memorial's code: python build.py verify memorial-{date}.zip
  (or the unzipped folder) names every file that was altered, added or removed.
"""
KEY_TEXT = """The memorial's public key is

    {key}

    Compare it with the one on the memorial's site or repository: a copy
    altered on the way could carry a key of its own."""
NO_KEY_TEXT = "(This copy was not signed.)"

ZIP_PERMISSIONS = 0o644 << 16  # regular file, rw-r--r--, whoever built it


def content_date(last_changed: dict) -> dt.date:
    """The date of the content's last change: names the archive and dates it, never the clock."""
    return max(last_changed.values(), default=dt.date(2022, 1, 21))


def readme_text(title: str, date: dt.date, public_key: str | None = None) -> str:
    key_text = KEY_TEXT.format(key=public_key) if public_key else NO_KEY_TEXT
    return README_TXT.format(title=title, rule="=" * len(title), date=date.isoformat(), key_text=key_text)


def site_files(site_dir: Path) -> list[tuple[str, Path]]:
    return sorted((p.relative_to(site_dir).as_posix(), p) for p in site_dir.rglob("*") if p.is_file())


def write_zip(site_dir: Path, zip_path: Path, title: str, date: dt.date, secret=None, public_key: str | None = None) -> str:
    """Write the zip (with SHA256SUMS of its files inside, signed when ``secret`` is given) and record it in
    SHA256SUMS beside it (with the zip's own signature); return the zip's SHA-256."""
    stamp = (date.year, date.month, date.day, 0, 0, 0)
    entries: list[tuple[str, bytes | Path]] = [("README.txt", readme_text(title, date, public_key).encode("utf-8"))]
    entries += site_files(site_dir)
    entries.sort(key=lambda e: e[0])
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    part = zip_path.with_name(zip_path.name + ".part")  # (the zip appears whole or not at all)
    digests: dict[str, str] = {}

    def put(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = 3
        info.external_attr = ZIP_PERMISSIONS
        zf.writestr(info, data, compresslevel=9)

    # Written as it is made, each file read when its turn comes: held in memory, the site and its zip
    # were some 400 MB at 10,000 people in three languages.
    with open(part, "wb") as raw, zipfile.ZipFile(raw, "w") as zf:
        for name, source in entries:
            data = source if isinstance(source, bytes) else source.read_bytes()
            digests[name] = hashlib.sha256(data).hexdigest()
            put(zf, name, data)
        # the list of every file (last: it is known only now), and its signature
        listed = signing.sums_text(digests).encode("utf-8")
        put(zf, signing.SUMS, listed)
        if secret is not None:
            put(zf, f"{signing.SUMS}.minisig", signing.signature(secret, listed, signing.SUMS))
    os.replace(part, zip_path)
    return signing.seal(zip_path, secret)


MAGIC = {"zip": b"PK\x03\x04", "zim": b"ZIM\x04"}


def archive_problem(path: Path, kind: str) -> str | None:
    """Why the archive cannot be written to ``path`` (None if it can): it replaces only an earlier archive
    of its kind, and SHA256SUMS beside it only an earlier SHA256SUMS."""
    if ".git" in path.absolute().parts:
        return f"{path} is inside a git repository's own folder"
    if path.is_dir():
        return f"{path} is a folder; give the file to write, such as {path / f'memorial.{kind}'}"
    try:
        with path.open("rb") as f:
            head = f.read(4)
    except FileNotFoundError:
        head = MAGIC[kind]
    except OSError as e:
        return f"{path} cannot be read ({e.strerror})"
    if head != MAGIC[kind]:
        return f"{path} exists and is not a {kind} file; writing the archive would destroy it"
    sums = path.parent / "SHA256SUMS"
    if kind == "zip" and sums.exists():
        try:
            ours = signing.read_sums(sums.read_text(encoding="utf-8")) is not None
        except (OSError, UnicodeDecodeError):
            ours = False
        if not ours:
            return f"{sums} exists and is not a list of checksums; writing the archive's would destroy it"
    return None


# ---------------------------------------------------------------- ZIM

MIMETYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "application/javascript",
    ".svg": "image/svg+xml",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".json": "application/json",
    ".csv": "text/csv",
    ".geojson": "application/geo+json",
    ".txt": "text/plain",
}
_TITLE = re.compile(rb"<title>(.*?)</title>", re.S)


def illustration() -> bytes:
    """The 48×48 icon Kiwix shows in its library: a candle on a dark ground, like the favicon."""
    im = Image.new("RGB", (48, 48), (29, 29, 27))
    d = ImageDraw.Draw(im)
    d.ellipse((19, 8, 29, 24), fill=(242, 231, 201))
    d.rectangle((22, 26, 26, 40), fill=(242, 231, 201))
    buf = io.BytesIO()
    im.save(buf, "PNG", optimize=True)
    return buf.getvalue()


# openZIM's limits for the metadata readers see in Kiwix's library (wiki.openzim.org/wiki/Metadata)
TITLE_MAX, DESCRIPTION_MAX, LONG_DESCRIPTION_MAX = 30, 80, 4000


def shorten(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters, else its words that fit, and an ellipsis: never cut mid-word."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:—-") + "…"


def zim_metadata(
    *, title: str, description: str, languages: list[str], date: dt.date, source: str | None, licence: str | None
) -> dict[str, str]:
    """The archive's metadata by openZIM's conventions: Name is <project>_<language, or mul>_<selection>, and
    Language every language it holds, in ISO 639-3."""
    from libzim.version import get_libzim_version
    from slugify import slugify

    codes = [i18n.ISO_639_3.get(code, code) for code in languages]
    metadata = {
        "Name": f"{slugify(title)}_{languages[0] if len(languages) == 1 else 'mul'}_all",
        "Title": shorten(title, TITLE_MAX),
        "Description": shorten(description, DESCRIPTION_MAX),
        "Language": ",".join(codes),
        "Creator": f"{title} editors",
        "Publisher": f"{title} editors",
        "Date": date.isoformat(),
        "Tags": "_category:other;memorial;kazakhstan;human-rights",
        "Scraper": f"{slugify(title)} build.py (libzim {get_libzim_version()})",
    }
    if len(description) > DESCRIPTION_MAX:  # (openZIM: only when it says more than Description)
        metadata["LongDescription"] = shorten(description, LONG_DESCRIPTION_MAX)
    if source:
        metadata["Source"] = source
    if licence:
        metadata["License"] = licence
    return metadata


# Kiwix-serve puts its toolbar into every page it serves, and the page's own policy then blocks three of
# its parts (Chromium's console): the search box's suggestions, an XMLHttpRequest to /suggest (connect-src);
# jQuery 1.10's test for event support, which sets the handlers onsubmit, onchange and onfocusin to the text
# "t" (script-src); and jQuery UI's list of suggestions, styled with a 1-pixel GIF in a data: URL (img-src).
# The ZIM's pages allow exactly those: connections to the server they come from, an inline handler whose
# whole text is "t" (never run: the hash admits no other), and data: images (which run nothing and fetch
# nothing). The zip's pages keep the site's policy.
_POLICY = re.compile(rb'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(">)')
_JQUERY_TEST = base64.b64encode(hashlib.sha256(b"t").digest()).decode()
KIWIX_ALLOWS = {"script-src": f"'unsafe-hashes' 'sha256-{_JQUERY_TEST}'", "img-src": "data:", "connect-src": "'self'"}


def for_kiwix(html: bytes) -> bytes:
    """A page as the ZIM holds it: its policy lets Kiwix's toolbar work (KIWIX_ALLOWS)."""

    def widen(found: re.Match) -> bytes:
        directives = dict(d.strip().split(" ", 1) for d in found.group(2).decode().split(";") if d.strip())
        for name, sources in KIWIX_ALLOWS.items():
            directives[name] = f"{directives.get(name, '')} {sources}".strip()
        policy = "; ".join(f"{name} {sources}" for name, sources in directives.items())
        return found.group(1) + policy.encode() + found.group(3)

    return _POLICY.sub(widen, html, count=1)


class _Text(HTMLParser):
    """What Kiwix's full-text search indexes of a page: the text of its <main>, in the page's language.
    Passages marked as another language (a story not yet translated, shown in English) are left out, so an
    English word finds the English page rather than all three; the site's header, menus and footer, the
    same on every page of a tree, are left out too."""

    def __init__(self, language: str | None):
        super().__init__(convert_charrefs=True)
        self.language, self.words = language, []
        self.main = self.skipped = 0  # depth inside <main>, inside a passage in another language

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        if tag == "main":
            self.main += 1
        elif self.main:
            lang = dict(attrs).get("lang")
            if self.skipped or tag in ("script", "style", "template") or (self.language and lang and lang != self.language):
                self.skipped += 1

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag == "main":
            self.main -= 1
        elif self.main and self.skipped:
            self.skipped -= 1

    def handle_data(self, data):
        if self.main and not self.skipped:
            self.words += data.split()


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def zim_title(html: bytes, path: str, site_title: str, languages: list[str]) -> str:
    """The title Kiwix lists a page under: its own, without the site's name, and the name of its language
    (the three trees hold the same people, under the same names): "Yerlan Zhagiparov (Русский)"."""
    found = _TITLE.search(html[:4096])
    if not found:
        return ""
    text = unescape(found.group(1).decode("utf-8")).strip().removesuffix(f" — {site_title}")
    language = path.split("/", 1)[0]
    return f"{text} ({i18n.NAMES.get(language, language)})" if language in languages else text


def write_zim(
    site_dir: Path,
    zim_path: Path,
    *,
    title: str,
    description: str,
    languages: list[str],
    date: dt.date,
    redirects: dict[str, str],
    source: str | None = None,
    licence: str | None = None,
    titles: dict[str, str] | None = None,
) -> None:
    """Every page and asset, the main page, Kiwix metadata, a full-text index, and redirects for former ids.
    ``titles``: the site's title in each language tree, where it differs from ``title`` (its pages' titles end
    with it).

    ``languages``: the site's, the one its content is written in first. libzim indexes an archive under one
    language (one stemmer, one list of stop words, for every page): that one, in which the stories and
    events are written in every tree until they are translated. Russian and Kazakh words are found as
    typed, not by their other forms (README, Offline archives)."""
    from libzim.writer import Creator, Hint, IndexData, Item, StringProvider

    def tree_title(path: str) -> str:
        return (titles or {}).get(path.split("/", 1)[0], title)

    class Index(IndexData):
        def __init__(self, title: str, words: list[str]):
            super().__init__()
            self.title, self.words = title, words

        def has_indexdata(self):
            return True

        def get_title(self):
            return self.title

        def get_content(self):
            return " ".join(self.words)

        def get_keywords(self):
            return ""

        def get_wordcount(self):
            return len(self.words)

        def get_geoposition(self):
            return None

    class FileItem(Item):
        def __init__(self, path: str, file: Path):
            super().__init__()
            self.path, self.file, self.page = path, file, path.endswith(".html")

        def get_path(self):
            return self.path

        def get_title(self):
            return zim_title(self.file.read_bytes(), self.path, tree_title(self.path), languages) if self.page else ""

        def get_mimetype(self):
            return MIMETYPES.get(Path(self.path).suffix, "application/octet-stream")

        def get_contentprovider(self):
            data = self.file.read_bytes()
            return StringProvider(for_kiwix(data) if self.page else data)

        def get_indexdata(self):
            if not self.page:
                return None
            html = self.file.read_bytes()
            language = self.path.split("/", 1)[0]
            text = _Text(language if language in languages else None)
            text.feed(html[html.find(b"<main") : html.rfind(b"</main>") + 7].decode("utf-8"))  # (the rest is never indexed)
            return Index(zim_title(html, self.path, tree_title(self.path), languages), text.words)

        def get_hints(self):
            return {Hint.FRONT_ARTICLE: self.page, Hint.COMPRESS: not self.path.endswith((".jpg", ".png"))}

    metadata = zim_metadata(title=title, description=description, languages=languages, date=date, source=source, licence=licence)
    zim_path.parent.mkdir(parents=True, exist_ok=True)
    part = zim_path.with_name(zim_path.name + ".part")  # (the ZIM appears whole or not at all; the last one stays till then)
    part.unlink(missing_ok=True)
    with Creator(str(part)).config_indexing(True, metadata["Language"].split(",")[0]).config_nbworkers(1) as creator:
        creator.set_mainpath("index.html")
        creator.add_illustration(48, illustration())
        for name, value in metadata.items():
            creator.add_metadata(name, value)
        for name, path in site_files(site_dir):
            if name not in redirects:  # the redirect page's address becomes a real ZIM redirect below
                creator.add_item(FileItem(name, path))
        for old, new in sorted(redirects.items()):
            creator.add_redirection(old, "", new, {Hint.FRONT_ARTICLE: False})
    _same_bytes_each_time(part)
    os.replace(part, zim_path)


XAPIAN = re.compile(rb"\x0f\rXapian Glass[\x00-\xff]{2}")  # a full-text index's version file; its UUID follows


def _same_bytes_each_time(zim: Path) -> None:
    """Make the ZIM's bytes depend on the content alone. With one writer thread, libzim's output differs
    between runs only in random UUIDs: the file's (bytes 8-24 of the header) and each Xapian index's. They
    are replaced by UUIDs made from the rest of the file, and the MD5 checksum at the end computed again."""
    import mmap

    with open(zim, "r+b") as f, mmap.mmap(f.fileno(), 0) as data:
        (checksum_at,) = struct.unpack_from("<Q", data, 72)
        spans = [(8, 24)] + [(m.end(), m.end() + 16) for m in XAPIAN.finditer(data, 0, checksum_at)]
        for start, end in spans:
            data[start:end] = bytes(16)
        digest = hashlib.sha256(memoryview(data)[:checksum_at])
        for i, (start, end) in enumerate(spans):
            data[start:end] = hashlib.sha256(digest.digest() + bytes([i])).digest()[:16]
        data[checksum_at : checksum_at + 16] = hashlib.md5(memoryview(data)[:checksum_at]).digest()
