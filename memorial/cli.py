"""The command line: build, check, serve, new, schema. Exit 0 when clean, 1 on content errors, 2 on usage errors."""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

from . import duplicates, pipeline
from .diagnostics import has_errors
from .load import changed_since
from .new import TEMPLATES, new_record


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    command = args.command or "build"
    if command == "build":
        return cmd_build(
            Path(getattr(args, "content", "content")),
            Path(getattr(args, "out", "output")),
            getattr(args, "jobs", None),
            timings=getattr(args, "timings", False),
        )
    if command == "check":
        if args.since and args.paths:
            print("error: give either files to check or --since, not both", file=sys.stderr)
            return 2
        return cmd_check(Path(args.content), [Path(p) for p in args.paths], since=args.since)
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
    if command in ("zip", "zim"):
        return cmd_package(command, Path(args.content), Path(args.out) if args.out else None)
    return 2


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description="Build the Qandy Qantar memorial site from content/.")
    sub = p.add_subparsers(dest="command")
    b = sub.add_parser("build", help="validate content/ and build the site into output/ (the default command)")
    b.add_argument("--content", default="content", help="content folder (default: content)")
    b.add_argument("--out", default="output", help="output folder, replaced when the build succeeds (default: output)")
    b.add_argument("--jobs", type=int, help="processes for rendering (default: one per core)")
    b.add_argument("--timings", action="store_true", help="print the seconds each stage took")
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
    sc = sub.add_parser("schema", help="export the content model as JSON Schema files")
    sc.add_argument("--out", default="schema")
    for kind, what in (("zip", "a reproducible zip of the site, with SHA256SUMS beside it"), ("zim", "a ZIM file for the Kiwix readers")):
        k = sub.add_parser(kind, help=f"build the site and write {what}")
        k.add_argument("--content", default="content")
        k.add_argument("--out", help=f"the file to write (default: dist/memorial-<date of the last content change>.{kind})")
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


def cmd_check(content: Path, paths: list[Path] | None = None, since: str | None = None) -> int:
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
    validated, diagnostics = pipeline.check(content, paths, cache_of=Path("output"), focus=focus)
    notes = duplicates.summary(list(validated.suspects), len(duplicates.shown(list(validated.suspects), focus)), focus)
    if changed is not None:  # warnings only about the files changed; errors wherever they are
        shown = [d for d in diagnostics if d.severity == "error" or Path(d.position.path).resolve() in changed]
        if len(shown) < len(diagnostics):
            notes.append(f"{len(diagnostics) - len(shown):,} warning(s) about files not changed since {since} are not shown")
        notes.insert(0, f"{len(changed):,} file(s) added or changed since {since}")
        diagnostics = shown
    report(diagnostics, notes)
    if has_errors(list(diagnostics)):
        return 1
    counts = ", ".join(f"{len(v)} {k}" for k, v in validated.records.items())
    print(f"content OK: {counts}")
    return 0


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


def cmd_build(content: Path, out: Path, jobs: int | None = None, *, timings: bool = False) -> int:
    return build_and_report(content, out, jobs, timings=timings)[0]


def build_and_report(
    content: Path, out: Path, jobs: int | None = None, *, timings: bool = False, last=None, serving: bool = False, drafts: bool = False
):
    """The exit status, and the build's Result (None when it could not start)."""
    if not content.is_dir():
        print(f"error: content folder '{content}' does not exist", file=sys.stderr)
        return 2, None
    refusal = pipeline.check_output_dir(out, content)
    if refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return 2, None
    started = time.perf_counter()
    result = pipeline.build(content, out, workers=jobs, last=last, serving=serving, drafts=drafts)
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


def cmd_package(kind: str, content: Path, out: Path | None) -> int:
    """Build from content into a temporary folder (output/ is left alone), then package it."""
    from . import package

    if not content.is_dir():
        print(f"error: content folder '{content}' does not exist", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="memorial-") as tmp:
        site_dir = Path(tmp) / "site"
        result = pipeline.build(content, site_dir)
        report(result.diagnostics)
        if not result.ok:
            return 1
        site = result.model.site
        date = package.content_date(result.model.last_changed)
        redirects = result.redirects
        # Packing needs only the files: the build's records, pages and caches go before it (they were half
        # the peak memory of a zip of 10,000 people in three languages).
        del result
        gc.unfreeze()
        gc.collect()
        out = out or Path("dist") / f"memorial-{date.isoformat()}.{kind}"
        if kind == "zip":
            digest = package.write_zip(site_dir, out, site.title, date)
            print(f"wrote {out} ({out.stat().st_size:,} bytes, sha256 {digest}) and {out.parent / 'SHA256SUMS'}")
        else:
            package.write_zim(
                site_dir,
                out,
                title=site.title,
                description=site.description,
                language=site.default_language,
                date=date,
                redirects=redirects,
            )
            print(f"wrote {out} ({out.stat().st_size:,} bytes)")
    return 0
