"""The command line: build, check, serve, new, schema. Exit 0 when clean, 1 on content errors, 2 on usage errors."""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

from . import duplicates, lock, pipeline
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
        path, message = new_record(args.kind, args.name, Path(args.content))
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
        help="check only these files and the cities and sources they refer to (fast; unused sources and duplicates need the full check)",
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
    return writing(content, out, "build", lambda: build_and_report(content, out, jobs, timings=timings)[0])


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
    content: Path, out: Path, jobs: int | None = None, *, timings: bool = False, last=None, serving: bool = False, drafts: bool = False
):
    """The exit status, and the build's Result. The caller holds the output's lock (``writing``)."""
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

    def refused(path: Path) -> bool:
        problem = package.archive_problem(path, kind) or _inside(path, content)
        if problem:
            print(f"error: refusing to write the {kind}: {problem}; choose another --out", file=sys.stderr)
        return problem is not None

    if out is not None and refused(out):  # (said before the build, when the editor named the file)
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
        if refused(out):
            return 2
        try:
            with lock.holding(out, kind):
                if kind == "zip":
                    digest = package.write_zip(site_dir, out, site.title, date)
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
                        licence=None,  # (site.yaml's licence, once the Site model has one)
                    )
                    print(f"wrote {out} ({out.stat().st_size:,} bytes)")
        except lock.Busy as busy:
            print(f"error: {busy}", file=sys.stderr)
            return 2
    return 0


def _inside(path: Path, content: Path) -> str | None:
    if path.resolve().is_relative_to(content.resolve()):
        return f"{path} is inside the content folder"
    return None
