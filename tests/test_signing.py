"""Signed archives, checked as a distributor or a reader would: with the standard `minisign` tool (Debian's
package) and with `build.py verify`, on a copy as it was made and on one with a single byte changed."""

from __future__ import annotations

import shutil
import stat
import subprocess
import zipfile

import pytest
from conftest import ROOT

MINISIGN = shutil.which("minisign") or "/usr/bin/minisign"


@pytest.fixture
def signed(site, run, tmp_path):
    """The fixture site with a key of its own, packed as a signed zip and ZIM in dist/."""
    key = tmp_path / "keys/minisign.key"
    code, out, _ = run("keygen", "--key", str(key))
    assert code == 0
    public = out.split("public_key: ")[1].split()[0]
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    with (site.content / "site.yaml").open("a", encoding="utf-8") as f:
        f.write(f"public_key: {public}\n")
    for kind in ("zip", "zim"):
        code, out, err = run(kind, "--out", f"dist/m.{kind}", "--key", str(key))
        assert code == 0, err
        assert "signed: dist/m." in out
    return site.tmp / "dist", public, key


def minisign_ok(file, public) -> bool:
    return subprocess.run([MINISIGN, "-Vm", str(file), "-P", public], capture_output=True).returncode == 0


def flip_a_byte(path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_signed_copy_passes_minisign_and_verify(signed, run):
    dist, public, _ = signed
    for name in ("m.zip", "m.zim", "SHA256SUMS"):
        assert minisign_ok(dist / name, public), name
    for name in ("m.zip", "m.zim"):
        code, out, _ = run("verify", str(dist / name))
        assert code == 0 and f"{name}: signature good" in out and "the copy is whole and signed" in out
    lines = (dist / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert [line.split("  ")[1] for line in lines] == ["m.zim", "m.zip"]
    assert subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=dist, capture_output=True).returncode == 0
    readme = zipfile.ZipFile(dist / "m.zip").read("README.txt").decode("utf-8")
    assert public in readme and "Get-FileHash" in readme


def test_one_changed_byte_fails_both_and_the_file_is_named(signed, run, tmp_path):
    dist, public, _ = signed
    # in the ZIM: the whole file is signed
    flip_a_byte(dist / "m.zim", (dist / "m.zim").stat().st_size // 2)
    assert not minisign_ok(dist / "m.zim", public)
    code, _, err = run("verify", str(dist / "m.zim"))
    assert code == 1 and "m.zim: ALTERED: its signature (m.zim.minisig) does not match it" in err + _
    # in the zip: a page changed and the zip made again around it, as someone editing a copy would
    bad = dist / "bad.zip"
    with zipfile.ZipFile(dist / "m.zip") as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "en/index.html":
                data = data.replace(b"<main", b"<main ", 1)
            dst.writestr(info, data)
    shutil.copy(dist / "m.zip.minisig", dist / "bad.zip.minisig")
    assert not minisign_ok(bad, public)
    code, out, err = run("verify", str(bad))
    assert code == 1 and "bad.zip: ALTERED: en/index.html" in out and "DO NOT TRUST" in err
    # in the zip's own bytes: the member whose bytes changed is named
    raw = dist / "raw.zip"
    shutil.copy(dist / "m.zip", raw)
    shutil.copy(dist / "m.zip.minisig", dist / "raw.zip.minisig")
    with zipfile.ZipFile(raw) as zf:
        target = zf.getinfo("en/index.html")
    flip_a_byte(raw, target.header_offset + 30 + len(target.filename) + target.compress_size // 2)
    assert not minisign_ok(raw, public)
    code, out, _ = run("verify", str(raw))
    assert code == 1 and "raw.zip: ALTERED: en/index.html" in out
    # an unpacked copy: the signed list still checks, and the changed, removed and added files are named
    folder = tmp_path / "unpacked"
    zipfile.ZipFile(dist / "m.zip").extractall(folder)
    assert minisign_ok(folder / "SHA256SUMS", public)
    assert subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=folder, capture_output=True).returncode == 0
    flip_a_byte(folder / "en/index.html", 100)
    (folder / "en/search.html").unlink()
    (folder / "en/extra.html").write_text("<p>added</p>", encoding="utf-8")
    proc = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert proc.returncode != 0 and "en/index.html: FAILED" in proc.stdout
    code, out, _ = run("verify", str(folder))
    assert code == 1
    assert "unpacked: ALTERED: en/index.html" in out and "unpacked: MISSING: en/search.html" in out
    assert "unpacked: ADDED: en/extra.html (not in the signed list)" in out


def test_signed_archives_are_reproducible_and_the_key_must_be_the_sites(signed, run, tmp_path):
    dist, _, key = signed
    first = {p.name: p.read_bytes() for p in dist.iterdir()}
    for kind in ("zip", "zim"):
        assert run(kind, "--out", f"dist/m.{kind}", "--key", str(key))[0] == 0
    assert {p.name: p.read_bytes() for p in dist.iterdir()} == first
    other = tmp_path / "other.key"
    assert run("keygen", "--key", str(other))[0] == 0
    code, _, err = run("zip", "--out", "dist/m.zip", "--key", str(other))
    assert code == 2 and "not the one whose public key site.yaml gives" in err
    assert {p.name: p.read_bytes() for p in dist.iterdir()} == first


def test_keygen_never_writes_into_the_project_or_over_a_key(run, tmp_path):
    code, _, err = run("keygen", "--key", str(ROOT / "minisign.key"))
    assert code == 2 and "must never be committed" in err and not (ROOT / "minisign.key").exists()
    key = tmp_path / "k.key"
    assert run("keygen", "--key", str(key))[0] == 0
    before = key.read_bytes()
    code, _, err = run("keygen", "--key", str(key))
    assert code == 2 and "exists already" in err and key.read_bytes() == before


def test_an_unsigned_zip_is_said_to_be_unsigned(site, run, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    code, out, _ = run("zip", "--out", "dist/m.zip")
    assert code == 0 and "not signed" in out
    assert not (site.tmp / "dist/m.zip.minisig").exists()
    code, out, err = run("verify", "dist/m.zip", "--key", "RWQ0xpqx4nmIdHATDJezdI0y7XPMnC6fBXACjA7T0hHwOi5HprS3guGi")
    assert code == 1 and "no signature beside it" in out and "SHA256SUMS is not signed" in out
