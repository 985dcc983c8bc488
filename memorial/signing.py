"""Signed archives: whoever holds a copy can tell whether anyone altered it on the way.

The signatures are minisign's (Ed25519, https://jedisct1.github.io/minisign/), made with py-minisign, so the
standard `minisign` tool checks them as well as `build.py verify` does. The secret key never enters the
repository: `keygen` writes it to the user's configuration folder, and a release workflow reads it from a CI
secret (the environment variable MEMORIAL_SIGNING_KEY). Its public key is `public_key` in site.yaml, shown on
the download page and in README.txt.

What is signed, all deterministically (Ed25519 signatures depend only on the key and the bytes, and the
comments carry no time), so a signed archive is still byte-reproducible with the same key:
- inside the zip, SHA256SUMS lists every file of the site, and SHA256SUMS.minisig signs that list: an
  unpacked copy can be checked file by file;
- beside each archive, ARCHIVE.minisig signs the archive itself, and SHA256SUMS (with its .minisig) lists
  the archives of the folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import zipfile
import zlib
from pathlib import Path

import minisign

KEY_ENV = "MEMORIAL_SIGNING_KEY"  # the secret key's text, where a CI secret puts it
SUMS = "SHA256SUMS"
DAMAGED = b"\0damaged"  # a zip member that cannot be read back any more
UNTRUSTED = "signature from the Qandy Qantar Memorial release key"


def default_key_path() -> Path:
    """Where `keygen` keeps the secret key: the user's configuration folder, outside any repository."""
    base = os.environ.get("APPDATA") if sys.platform == "win32" else os.environ.get("XDG_CONFIG_HOME")
    return Path(base or Path.home() / ".config") / "qandy-qantar-memorial" / "minisign.key"


def keygen(path: Path, project: Path) -> tuple[str | None, str]:
    """Write a new secret key to ``path``; (its public key's line for site.yaml, message). Never overwrites a
    key, and never writes one inside the project (it would be committed)."""
    path = path.absolute()
    if path.resolve().is_relative_to(project):
        return None, f"refusing to write the secret key inside the project ({path}): it must never be committed; give a path outside it"
    if path.exists():
        return None, f"{path} exists already; a new key would make every earlier signature unverifiable with it. Give another --key path"
    pair = minisign.KeyPair.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(bytes(pair.secret_key))
    public = pair.public_key.to_base64().decode()
    return public, (
        f"wrote the secret key to {path} (keep it secret and backed up; for a release workflow, store its text as the "
        f"CI secret {KEY_ENV}).\nAdd the public key to content/site.yaml:\n\npublic_key: {public}\n"
    )


def secret_key(path: Path | None) -> tuple[minisign.SecretKey | None, str | None, bool]:
    """The secret key to sign with: ``path`` if given, else the CI secret, else keygen's default file; and
    why it cannot be read (or None), and whether it was asked for (``path`` or the CI secret) rather than
    found. (None, None, False) when there is none: the archive is then written unsigned."""
    asked = path is not None or bool(os.environ.get(KEY_ENV))
    try:
        if path is not None:
            return minisign.SecretKey.from_bytes(path.read_bytes()), None, True
        if os.environ.get(KEY_ENV):
            return minisign.SecretKey.from_bytes(os.environ[KEY_ENV].encode()), None, True
        if default_key_path().is_file():
            return minisign.SecretKey.from_bytes(default_key_path().read_bytes()), None, False
    except (OSError, minisign.Error) as e:
        return None, f"cannot read the signing key: {e}", asked
    return None, None, False


def public_key(text: str) -> minisign.PublicKey:
    """A public key from site.yaml's line (or a .pub file's text)."""
    line = [ln for ln in text.strip().splitlines() if ln and not ln.startswith("untrusted comment:")][-1]
    return minisign.PublicKey.from_base64(line.strip())


def matches(secret: minisign.SecretKey, public: str | None) -> bool:
    return public is not None and secret.get_public_key().to_base64().decode() == public_key(public).to_base64().decode()


def signature(secret: minisign.SecretKey, data: bytes, name: str) -> bytes:
    return bytes(secret.sign(data, untrusted_comment=UNTRUSTED, trusted_comment=f"file:{name}"))


def sign_file(secret: minisign.SecretKey, path: Path) -> Path:
    """``path``.minisig, as `minisign -S -m path` would write it (with a comment without a time)."""
    with path.open("rb") as f:
        sig = bytes(secret.sign(f, untrusted_comment=UNTRUSTED, trusted_comment=f"file:{path.name}"))
    out = path.with_name(path.name + ".minisig")
    out.write_bytes(sig)
    return out


def sums_text(digests: dict[str, str]) -> str:
    """`sha256sum`'s format: one "<hex>  <name>" line a file, sorted."""
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(digests.items()))


SUMS_LINE = re.compile(r"([0-9a-f]{64}) [ *]([^\n]+)")


def read_sums(text: str) -> dict[str, str] | None:
    """A SHA256SUMS file's name -> digest; None when the text is not one (see package.archive_problem)."""
    lines = [SUMS_LINE.fullmatch(line) for line in text.splitlines()]
    if not all(lines):
        return None
    return {m[2]: m[1] for m in lines}


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def seal(archive: Path, secret: minisign.SecretKey | None) -> str:
    """Sign a finished archive (ARCHIVE.minisig) and record it in its folder's SHA256SUMS; its SHA-256."""
    if secret is not None:
        sign_file(secret, archive)
    else:
        archive.with_name(archive.name + ".minisig").unlink(missing_ok=True)  # (an earlier archive's would not match)
    digest = file_sha256(archive)
    add_to_sums(archive.parent, archive.name, digest, secret)
    return digest


def add_to_sums(folder: Path, name: str, digest: str, secret: minisign.SecretKey | None) -> None:
    """Record an archive's SHA-256 in its folder's SHA256SUMS (the other archives' lines kept), signed anew."""
    sums = folder / SUMS
    known = (read_sums(sums.read_text(encoding="utf-8")) or {}) if sums.is_file() else {}
    known[name] = digest
    sums.write_text(sums_text(known), encoding="utf-8")
    if secret is not None:
        sign_file(secret, sums)
    else:
        (folder / f"{SUMS}.minisig").unlink(missing_ok=True)  # (a signature of an earlier list would not match)


# ---------------------------------------------------------------- verify


def verify(path: Path, key: minisign.PublicKey) -> tuple[bool, list[str]]:
    """Check a copy (a zip, a ZIM, or an unpacked folder); (whole and signed, what was found, line by line)."""
    if path.is_dir():
        return _verify_listed(path.name, lambda name: _read(path / name), _files_in(path), key)
    lines = []
    sig = path.with_name(path.name + ".minisig")
    whole = False
    if sig.is_file():
        try:
            with path.open("rb") as f:
                key.verify(f, minisign.Signature.from_bytes(sig.read_bytes()))
            whole = True
            lines.append(f"{path.name}: signature good: the file is as it was signed")
        except minisign.Error:
            lines.append(f"{path.name}: ALTERED: its signature ({sig.name}) does not match it")
    else:
        lines.append(f"{path.name}: no signature beside it ({sig.name}); checking what it holds")
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            names = [i.filename for i in zf.infolist() if not i.is_dir()]

            def member(name: str) -> bytes | None:
                try:
                    return zf.read(name) if name in names else None
                except (zipfile.BadZipFile, zlib.error, EOFError):
                    return DAMAGED  # (its bytes were changed where the zip itself notices)

            ok, inner = _verify_listed(path.name, member, set(names), key)
        if not (whole and ok):
            lines += inner
        whole = whole and ok
    elif not whole and path.suffix == ".zim":
        lines.append(f"{path.name}: a ZIM can be checked only as a whole: get a copy whose signature matches")
    return whole, lines


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _verify_listed(label: str, read, present: set[str], key: minisign.PublicKey) -> tuple[bool, list[str]]:
    """A copy's signed list of files, then each file against it: altered, missing and added files named."""
    listed, sig = read(SUMS), read(f"{SUMS}.minisig")
    if listed is DAMAGED or sig is DAMAGED:
        return False, [f"{label}: ALTERED: {SUMS} (the signed list of every file) cannot be read"]
    if listed is None:
        return False, [f"{label}: no {SUMS} in it: it is not a copy this memorial made, or its list was removed"]
    if sig is None:
        lines = [f"{label}: {SUMS} is not signed: the files are checked against it, but whoever altered them could alter it too"]
    else:
        try:
            key.verify(listed, minisign.Signature.from_bytes(sig))
            lines = [f"{label}: {SUMS} signature good"]
        except minisign.Error:
            return False, [f"{label}: ALTERED: {SUMS} (the signed list of every file) does not match its signature"]
    digests = read_sums(listed.decode("utf-8", "replace"))
    if digests is None:
        return False, [f"{label}: ALTERED: {SUMS} is not a list of checksums any more"]
    bad = []
    for name, digest in sorted(digests.items()):
        data = read(name)
        if data is None:
            bad.append(f"{label}: MISSING: {name}")
        elif data is DAMAGED or hashlib.sha256(data).hexdigest() != digest:
            bad.append(f"{label}: ALTERED: {name}")
    for name in sorted(present - set(digests) - {SUMS, f"{SUMS}.minisig"}):
        bad.append(f"{label}: ADDED: {name} (not in the signed list)")
    if not bad:
        lines.append(f"{label}: all {len(digests):,} files are as they were signed")
    return sig is not None and not bad, lines + bad
