"""The command line: build, check, serve, new, schema. Exit 0 when clean, 1 on content errors, 2 on usage errors."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from . import duplicates, lock, pipeline
from .diagnostics import has_errors
from .load import changed_since
from .new import TEMPLATES, new_record


def main(argv: list[str] | None = None, *, exit_at_once: bool = False) -> int:
    """Run the command ``argv`` (the command line's when None). ``exit_at_once``: `check` ends the process
    itself once it has printed, without first freeing what it read object by object (build.py asks it)."""
    args = parser().parse_args(argv)
    command = args.command or "build"
    if command == "build":
        return cmd_build(
            Path(getattr(args, "content", "content")),
            Path(getattr(args, "out", "output")),
            getattr(args, "jobs", None),
            timings=getattr(args, "timings", False),
            downloads=Path(args.downloads) if getattr(args, "downloads", None) else None,
        )
    if command == "check":
        if args.since and args.paths:
            print("error: give either files to check or --since, not both", file=sys.stderr)
            return 2
        return cmd_check(Path(args.content), [Path(p) for p in args.paths], since=args.since, exit_at_once=exit_at_once)
    if command == "duplicates":
        return cmd_duplicates(Path(args.content), Path(args.out))
    if command == "serve":
        from .serve import serve

        return serve(Path(args.content), Path(args.out), args.port, args.bind, args.drafts)
    if command == "new":
        if args.initials and args.kind != "person":
            print("error: --initials is for a person", file=sys.stderr)
            return 2
        path, message = new_record(args.kind, args.name, Path(args.content), initials=args.initials)
        print(message, file=sys.stdout if path else sys.stderr)
        return 0 if path else 1
    if command == "schema":
        return cmd_schema(Path(args.out))
    if command == "import":
        from .intake import import_sheet

        if not Path(args.content).is_dir():
            print(f"error: content folder '{args.content}' does not exist", file=sys.stderr)
            return 2
        if not Path(args.sheet).is_file() or Path(args.sheet).suffix.lower() not in (".csv", ".xlsx"):
            print(f"error: '{args.sheet}' is not a .csv or .xlsx file", file=sys.stderr)
            return 2
        return import_sheet(
            Path(args.sheet),
            Path(args.content),
            Path(args.mapping) if args.mapping else None,
            dry_run=args.dry_run,
            with_duplicates=args.with_duplicates,
            out=lambda line: print(line, file=sys.stderr),
        )
    if command in ("zip", "zim"):
        return cmd_package(command, Path(args.content), Path(args.out) if args.out else None, Path(args.key) if args.key else None)
    if command == "keygen":
        from .signing import default_key_path, keygen

        public, message = keygen(Path(args.key) if args.key else default_key_path(), pipeline.PROJECT)
        print(message, file=sys.stdout if public else sys.stderr)
        return 0 if public else 2
    if command == "changes":
        return cmd_changes(Path(args.content), Path(args.out) if args.out else None)
    if command == "verify":
        return cmd_verify(Path(args.copy), Path(args.content), args.key)
    return 2


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description="Build the Qandy Qantar memorial site from content/.")
    sub = p.add_subparsers(dest="command")
    b = sub.add_parser("build", help="validate content/ and build the site into output/ (the default command)")
    b.add_argument("--content", default="content", help="content folder (default: content)")
    b.add_argument("--out", default="output", help="output folder, replaced when the build succeeds (default: output)")
    b.add_argument("--jobs", type=int, help="processes for rendering (default: one per core)")
    b.add_argument("--timings", action="store_true", help="print the seconds each stage took")
    b.add_argument("--downloads", help="a folder of released archives (as zip and zim write them): listed on the download page")
    c = sub.add_parser("check", help="report every problem in content/ without building")
    c.add_argument("--content", default="content")
    c.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="check only these files and the cities and sources they refer to (fast; unused sources, duplicates and the names of people shown by initials in other files need the full check)",
    )
    c.add_argument(
        "--since",
        metavar="REF",
        help="check everything, but warn only about the files added or changed since the git revision REF "
        "(e.g. origin/main), with every possible duplicate of the people in them",
    )
    d = sub.add_parser("duplicates", help="write every possible duplicate, group by group, for an editor to review")
    d.add_argument("--content", default="content")
    d.add_argument("--out", default=duplicates.REVIEW, help=f"the review file to write (default: {duplicates.REVIEW})")
    s = sub.add_parser("serve", help="live preview: rebuild on save and reload the browser")
    s.add_argument("--content", default="content")
    s.add_argument("--out", default="output")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--drafts", action="store_true", help="show drafts too, marked as drafts (into output-with-drafts/, never output/)")
    s.add_argument(
        "--bind",
        default="127.0.0.1",
        help="the address to listen on (default: 127.0.0.1, this computer only; 0.0.0.0 lets a phone on the same network open it)",
    )
    n = sub.add_parser("new", help="write a ready-to-fill content file")
    n.add_argument("kind", choices=sorted(TEMPLATES))
    n.add_argument("name", help='the name or title, e.g. "Ernazar Kyrykbayev"')
    n.add_argument("--content", default="content")
    n.add_argument(
        "--initials",
        action="store_true",
        help="a living person shown by initials only: writes 'display: initials' and a random address for their page",
    )
    im = sub.add_parser("import", help="write an entry for each row of a spreadsheet (.csv or .xlsx), checked like any other")
    im.add_argument("sheet", help="the .csv or .xlsx file")
    im.add_argument("--content", default="content")
    im.add_argument("--mapping", help="a YAML file saying which column holds which field (when the header does not use the field names)")
    im.add_argument("--dry-run", action="store_true", help="report what would be written, and every problem; write nothing")
    im.add_argument("--with-duplicates", action="store_true", help="write rows that may be people already in the record too")
    sc = sub.add_parser("schema", help="export the content model as JSON Schema files")
    sc.add_argument("--out", default="schema")
    for kind, what in (("zip", "a reproducible zip of the site, with SHA256SUMS beside it"), ("zim", "a ZIM file for the Kiwix readers")):
        k = sub.add_parser(kind, help=f"build the site and write {what}")
        k.add_argument("--content", default="content")
        k.add_argument("--out", help=f"the file to write (default: dist/memorial-<date of the last content change>.{kind})")
        k.add_argument(
            "--key", help="the secret key to sign with (default: the MEMORIAL_SIGNING_KEY variable, else the file keygen wrote, if any)"
        )
    kg = sub.add_parser("keygen", help="make the secret key that signs the archives (kept outside the repository)")
    kg.add_argument("--key", help="where to write the secret key (default: the user's configuration folder)")
    ch = sub.add_parser("changes", help="what the newest release (or what is not released yet) changed, as release notes in Markdown")
    ch.add_argument("--content", default="content")
    ch.add_argument("--out", help="the file to write (default: print it)")
    v = sub.add_parser("verify", help="check that a copy (zip, ZIM or unzipped folder) is as it was signed, naming what was altered")
    v.add_argument("copy", help="the .zip, the .zim, or the folder the zip was unpacked into")
    v.add_argument("--content", default="content", help="whose site.yaml gives the public key (default: content)")
    v.add_argument("--key", help="the public key to check with, instead of site.yaml's (the key itself, or a .pub file)")
    return p


def report(diagnostics, notes=()) -> None:
    """Every problem, then what was counted rather than listed (see duplicates.summary)."""
    for d in diagnostics:
        print(d.format(), file=sys.stderr)
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    if diagnostics:
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    for note in notes:
        print(note, file=sys.stderr)


def cmd_check(content: Path, paths: list[Path] | None = None, since: str | None = None, *, exit_at_once: bool = False) -> int:
    if not content.is_dir():
        print(f"error: content folder '{content}' does not exist", file=sys.stderr)
        return 2
    focus = changed = None
    if since:
        files, why = changed_since(content, since)
        if why:
            print(f"error: {why}", file=sys.stderr)
            return 2
        changed = set(files)
        focus = {p.stem for p in files if p.parent.name == "people" and len(p.suffixes) == 1}
    # (a CI machine checks once and is gone: CI=true, set by GitHub Actions and most others, writes no cache)
    keep = not os.environ.get("CI")
    validated, diagnostics = pipeline.check(content, paths, cache_of=Path("output"), focus=focus, keep=keep)
    notes = duplicates.summary(list(validated.suspects), len(duplicates.shown(list(validated.suspects), focus)), focus)
    if changed is not None:  # warnings only about the files changed; errors wherever they are
        shown = [d for d in diagnostics if d.severity == "error" or Path(d.position.path).resolve() in changed]
        if len(shown) < len(diagnostics):
            notes.append(f"{len(diagnostics) - len(shown):,} warning(s) about files not changed since {since} are not shown")
        notes.insert(0, f"{len(changed):,} file(s) added or changed since {since}")
        diagnostics = shown
    report(diagnostics, notes)
    code = 1 if has_errors(list(diagnostics)) else 0
    if not code:
        print(f"content OK: {', '.join(f'{len(v)} {k}' for k, v in validated.records.items())}")
    if exit_at_once:  # (the record's million objects freed one by one took a tenth of a second; mypy exits so too)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def cmd_duplicates(content: Path, out: Path) -> int:
    from .review import write_review

    if not content.is_dir():
        print(f"error: content folder '{content}' does not exist", file=sys.stderr)
        return 2
    validated, diagnostics = pipeline.check(content, cache_of=Path("output"))
    errors = [d for d in diagnostics if d.severity == "error"]
    report(errors)  # (an entry with errors is left out of the search until it is mended)
    pairs, groups = write_review(validated, out)
    print(f"wrote {out}: {pairs:,} possible duplicates in {groups:,} groups")
    return 1 if errors else 0


def cmd_build(content: Path, out: Path, jobs: int | None = None, *, timings: bool = False, downloads: Path | None = None) -> int:
    if downloads is not None and not (downloads / "SHA256SUMS").is_file():
        print(f"error: {downloads} holds no SHA256SUMS: give the folder zip and zim wrote the archives into", file=sys.stderr)
        return 2
    return writing(content, out, "build", lambda: build_and_report(content, out, jobs, timings=timings, downloads=downloads)[0])


def writing(content: Path, out: Path, doing: str, work) -> int:
    """Run ``work`` (which writes ``out``) if ``content`` and ``out`` may be used and no other process is
    writing ``out``; its exit status, or 2 with a message when it cannot start."""
    if not content.is_dir():
        print(f"error: content folder '{content}' does not exist", file=sys.stderr)
        return 2
    refusal = pipeline.check_output_dir(out, content)
    if refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return 2
    try:
        with lock.holding(out, doing):
            pipeline.remove_leftovers(out)
            return work()
    except lock.Busy as busy:
        print(f"error: {busy}", file=sys.stderr)
        return 2


def build_and_report(
    content: Path,
    out: Path,
    jobs: int | None = None,
    *,
    timings: bool = False,
    last=None,
    serving: bool = False,
    drafts: bool = False,
    downloads: Path | None = None,
    saved=None,
):
    """The exit status, and the build's Result. The caller holds the output's lock (``writing``)."""
    started = time.perf_counter()
    result = pipeline.build(content, out, workers=jobs, last=last, serving=serving, drafts=drafts, downloads=downloads, saved=saved)
    return _reported(result, out, time.perf_counter() - started, timings), result


def _reported(result: pipeline.Result, out: Path, took: float, timings: bool) -> int:
    report(result.diagnostics, result.notes)
    if timings:
        for stage, seconds in result.timings.items():
            print(f"{seconds:8.3f} s  {stage}", file=sys.stderr)
    if not result.ok:
        print(f"build stopped; {out}/ was left as it was", file=sys.stderr)
        return 1
    if result.unchanged:
        print(f"nothing changed since the last build; {out}/ is up to date")
        return 0
    c = result.counts
    print(
        f"built {result.pages} pages into {out}/ in {took:.2f} s "
        f"({c['written']} written, {c['removed']} removed, {c['unchanged']} unchanged files)"
    )
    return 0


def cmd_schema(out: Path) -> int:
    from .schema import json_schemas  # (here: pydantic's models are a third of a no-change build's time)

    out.mkdir(parents=True, exist_ok=True)
    for kind, schema in json_schemas().items():
        (out / f"{kind}.schema.json").write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(json_schemas())} schema files into {out}/")
    return 0


def cmd_changes(content: Path, out: Path | None) -> int:
    """Release notes: the newest entry of the changes page, in Markdown, naming only people published now."""
    from . import history
    from .model import shown_name

    validated, diagnostics = pipeline.check(content)
    if has_errors(list(diagnostics)):
        report([d for d in diagnostics if d.severity == "error"])
        return 1
    people = {pid: rec for pid, rec in validated.records["people"].items() if rec.status == "published"}
    releases = history.releases(content, set(people))
    if not releases:
        text = "No release has been made yet (releases are git tags named release-…).\n"
    else:
        newest = releases[0]
        text = f"## What changed{' since ' + releases[1].tag if len(releases) > 1 else ''}\n\n"
        for label, ids in (("Added", newest.added), ("Corrected", newest.corrected)):
            if ids:
                text += f"### {label}: {len(ids):,}\n\n" + "".join(f"- {shown_name(people[pid])}\n" for pid in ids) + "\n"
        if newest.withdrawn:
            text += f"{newest.withdrawn:,} {'entry was' if newest.withdrawn == 1 else 'entries were'} withdrawn.\n"
        if newest.not_shown:
            text += f"{newest.not_shown:,} {'entry' if newest.not_shown == 1 else 'entries'} changed then not published now.\n"
    if out is None:
        print(text, end="")
    else:
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}")
    return 0


def cmd_verify(copy: Path, content: Path, key: str | None) -> int:
    from . import signing

    if not copy.exists():
        print(f"error: '{copy}' does not exist", file=sys.stderr)
        return 2
    if key is None:
        from .load import SITE_FILE
        from .yamlread import parse_yaml

        data = (
            parse_yaml((content / SITE_FILE).read_text(encoding="utf-8"), SITE_FILE, 0, False)[0]
            if (content / SITE_FILE).is_file()
            else None
        )
        key = (data or {}).get("public_key")
        if not key:
            print(f"error: no public key to check with: give --key, or set public_key in {content / SITE_FILE}", file=sys.stderr)
            return 2
    elif Path(key).is_file():
        key = Path(key).read_text(encoding="utf-8")
    try:
        public = signing.public_key(key)
    except (signing.minisign.Error, IndexError):
        print("error: that is not a minisign public key (a line of letters and digits beginning with RW)", file=sys.stderr)
        return 2
    whole, lines = signing.verify(copy, public)
    for line in lines:
        print(line)
    print(
        "the copy is whole and signed" if whole else "DO NOT TRUST this copy as it is: get another one and check it",
        file=sys.stdout if whole else sys.stderr,
    )
    return 0 if whole else 1


def cmd_package(kind: str, content: Path, out: Path | None, key: Path | None = None) -> int:
    """Build from content into a temporary folder (output/ is left alone), then package it."""
    from . import package

    if not content.is_dir():
        print(f"error: content folder '{content}' does not exist", file=sys.stderr)
        return 2

    def refused(path: Path) -> bool:
        problem = package.archive_problem(path, kind) or _inside(path, content)
        if problem:
            print(f"error: refusing to write the {kind}: {problem}; choose another --out", file=sys.stderr)
        return problem is not None

    if out is not None and refused(out):  # (said before the build, when the editor named the file)
        return 2
    from . import signing

    secret, unreadable, asked = signing.secret_key(key)
    if unreadable:
        print(f"error: {unreadable}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="memorial-") as tmp:
        site_dir = Path(tmp) / "site"
        result = pipeline.build(content, site_dir)
        report(result.diagnostics)
        if not result.ok:
            return 1
        site = result.model.site
        if secret is not None and not signing.matches(secret, site.public_key) and not asked:
            print(
                f"note: the key in {signing.default_key_path()} is not the one site.yaml's public_key gives; not signing", file=sys.stderr
            )
            secret = None
        if secret is not None and not signing.matches(secret, site.public_key):
            print(
                "error: the signing key is not the one whose public key site.yaml gives (public_key): readers could not check "
                "the signature. Sign with the project's key, or put this key's public key in site.yaml",
                file=sys.stderr,
            )
            return 2
        date = package.content_date(result.model.last_changed)
        redirects = result.redirects
        # Packing needs only the files: the build's records, pages and caches go before it (they were half
        # the peak memory of a zip of 10,000 people in three languages).
        del result
        gc.unfreeze()
        gc.collect()
        out = out or Path("dist") / f"memorial-{date.isoformat()}.{kind}"
        if refused(out):
            return 2
        try:
            with lock.holding(out, kind):
                if kind == "zip":
                    digest = package.write_zip(site_dir, out, site.title, date, secret, site.public_key)
                    print(f"wrote {out} ({out.stat().st_size:,} bytes, sha256 {digest}) and {out.parent / 'SHA256SUMS'}")
                else:
                    package.write_zim(
                        site_dir,
                        out,
                        title=site.title,
                        description=site.description,
                        languages=[site.default_language] + [code for code in site.languages if code != site.default_language],
                        date=date,
                        redirects=redirects,
                        source=site.base_url,
                        licence=site.licence,
                        titles={code: site.text(code)[0]["title"] for code in site.languages},
                    )
                    digest = signing.seal(out, secret)
                    print(f"wrote {out} ({out.stat().st_size:,} bytes, sha256 {digest}) and {out.parent / 'SHA256SUMS'}")
                print(
                    f"signed: {out}.minisig and {out.parent / 'SHA256SUMS.minisig'}"
                    if secret
                    else "not signed (no key: see README, 'Signed releases')"
                )
        except lock.Busy as busy:
            print(f"error: {busy}", file=sys.stderr)
            return 2
    return 0


def _inside(path: Path, content: Path) -> str | None:
    if path.resolve().is_relative_to(content.resolve()):
        return f"{path} is inside the content folder"
    return None
