"""Stage 6 — package: the built site as a file people can pass hand to hand.

A zip whose bytes depend only on the content (sorted entries, fixed times and
permissions), with a README.txt in three languages and a SHA256SUMS beside it;
and a ZIM file for the Kiwix readers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import struct
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw

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

SHA256SUMS, published beside this file, holds its checksum:
    sha256sum -c SHA256SUMS
"""

ZIP_PERMISSIONS = 0o644 << 16  # regular file, rw-r--r--, whoever built it


def content_date(last_changed: dict) -> dt.date:
    """The date of the content's last change: names the archive and dates it, never the clock."""
    return max(last_changed.values(), default=dt.date(2022, 1, 21))


def readme_text(title: str, date: dt.date) -> str:
    return README_TXT.format(title=title, rule="=" * len(title), date=date.isoformat())


def site_files(site_dir: Path) -> list[tuple[str, Path]]:
    return sorted((p.relative_to(site_dir).as_posix(), p) for p in site_dir.rglob("*") if p.is_file())


def write_zip(site_dir: Path, zip_path: Path, title: str, date: dt.date) -> str:
    """Write the zip and SHA256SUMS beside it; return the zip's SHA-256."""
    stamp = (date.year, date.month, date.day, 0, 0, 0)
    entries: list[tuple[str, bytes | Path]] = [("README.txt", readme_text(title, date).encode("utf-8"))]
    entries += site_files(site_dir)
    entries.sort(key=lambda e: e[0])
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    part = zip_path.with_name(zip_path.name + ".part")  # (the zip appears whole or not at all)
    # Written as it is made, each file read when its turn comes: held in memory, the site and its zip
    # were some 400 MB at 10,000 people in three languages.
    with open(part, "wb") as raw, zipfile.ZipFile(raw, "w") as zf:
        for name, source in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = ZIP_PERMISSIONS
            zf.writestr(info, source if isinstance(source, bytes) else source.read_bytes(), compresslevel=9)
    digest = hashlib.sha256()
    with open(part, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    os.replace(part, zip_path)
    (zip_path.parent / "SHA256SUMS").write_text(f"{digest.hexdigest()}  {zip_path.name}\n", encoding="utf-8")
    return digest.hexdigest()


MAGIC = {"zip": b"PK\x03\x04", "zim": b"ZIM\x04"}
SUMS = re.compile(r"(?:[0-9a-f]{64}  [^\n]+\n)*")


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
            ours = SUMS.fullmatch(sums.read_text(encoding="utf-8")) is not None
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


def write_zim(
    site_dir: Path, zim_path: Path, *, title: str, description: str, language: str, date: dt.date, redirects: dict[str, str]
) -> None:
    """Every page and asset, the main page, Kiwix metadata, a full-text index, and redirects for former ids."""
    from html import unescape

    from libzim.writer import Creator, FileProvider, Hint, Item

    class FileItem(Item):
        def __init__(self, path: str, file: Path):
            super().__init__()
            self.path, self.file = path, file

        def get_path(self):
            return self.path

        def get_title(self):
            if self.path.endswith(".html"):
                found = _TITLE.search(self.file.read_bytes()[:4096])
                if found:
                    return unescape(found.group(1).decode("utf-8")).strip()
            return ""

        def get_mimetype(self):
            return MIMETYPES.get(Path(self.path).suffix, "application/octet-stream")

        def get_contentprovider(self):
            return FileProvider(str(self.file))

        def get_hints(self):
            return {Hint.FRONT_ARTICLE: self.path.endswith(".html"), Hint.COMPRESS: not self.path.endswith((".jpg", ".png"))}

    lang3 = {"en": "eng", "ru": "rus", "kk": "kaz"}.get(language, language)
    zim_path.parent.mkdir(parents=True, exist_ok=True)
    part = zim_path.with_name(zim_path.name + ".part")  # (the ZIM appears whole or not at all; the last one stays till then)
    part.unlink(missing_ok=True)
    with Creator(str(part)).config_indexing(True, lang3).config_nbworkers(1) as creator:
        creator.set_mainpath("index.html")
        creator.add_illustration(48, illustration())
        for name, value in (
            ("Name", "qandy-qantar-memorial_" + language),
            ("Title", title[:30]),
            ("Description", description[:80]),
            ("LongDescription", description[:4000]),
            ("Language", lang3),
            ("Creator", "Qandy Qantar Memorial editors"),
            ("Publisher", "Qandy Qantar Memorial editors"),
            ("Date", date.isoformat()),
            ("Tags", "_category:other;memorial;kazakhstan;human-rights"),
        ):
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
