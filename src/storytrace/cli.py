"""Command line: `storytrace analyze PATH... [--json FILE]`, `storytrace compare A B` and
`storytrace doctor`.

Exit status: 0 when something was analysed (input errors are reported on stderr, one line each),
1 when no input could be read at all or a dependency is missing or broken (one line naming the
package and the command that installs it, never a traceback), 2 for usage errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from contextlib import nullcontext

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .output.paths import write_json
from .output.terminal import terminal_safe


def _progress_callback(progress: Progress):
    tasks: dict[str, int] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total or 1)
        progress.update(tasks[stage], completed=done, total=total or 1)

    return update


def cmd_analyze(args: argparse.Namespace) -> int:
    err = Console(stderr=True, highlight=False, soft_wrap=True)  # one line per message, never wrapped
    problem = _output_problem(args)
    if problem:  # before any work: a long run must not end unable to write its result
        print(f"storytrace: {problem}", file=sys.stderr)
        return 2
    _choose_encoder(args)
    with _engine(args) as client:  # None for the local engine
        return _analyze(args, client, err)


def _analyze(args: argparse.Namespace, client, err: Console) -> int:
    from .ingest import read_inputs
    from .engine.pipeline import analyze_articles

    started = time.perf_counter()
    if client is None:
        ingested = read_inputs(args.paths)
        read_seconds = time.perf_counter() - started

        def run(articles, errors, progress=None):
            return analyze_articles(articles, errors, progress, processes=args.processes, read_seconds=read_seconds)
    else:
        from .engine import distributed

        ingested = distributed.read_partitioned(client, args.paths)
        read_seconds = time.perf_counter() - started

        def run(articles, errors, progress=None):
            return distributed.analyze_articles(client, articles, errors, progress, read_seconds=read_seconds,
                                                encoder=args.encoder)
    for line in ingested.errors:
        err.print(f"storytrace: {terminal_safe(line)}", markup=False)
    if not ingested.articles:
        err.print("storytrace: no article could be read; nothing to analyse", markup=False)
        return 1
    started = time.perf_counter()
    if args.quiet:
        result = run(ingested.articles, ingested.errors)
    else:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True) as progress:
            result = run(ingested.articles, ingested.errors, _progress_callback(progress))
    data = result.to_json(lazy_pairs=True)  # pairs made one at a time as they are written
    try:
        if args.jsonl_parts:
            from .output.parts import write_parts

            write_parts(data, args.jsonl_parts)
        if args.json:
            write_json(data, args.json)
    except BrokenPipeError:
        raise  # the reader of stdout stopped reading: main ends quietly
    except OSError as exc:  # checked before the run, but a disk can fill up or a folder vanish since
        print(f"storytrace: cannot write the result ({exc.strerror or exc}: {exc.filename or ''})", file=sys.stderr)
        return 1
    if args.html:  # the report shows the texts, which the JSON leaves out: it takes the Article records
        from .report_html import write_report

        write_report(args.html, data, result.articles)
    if not args.quiet and args.json != "-":
        from .output.report import print_summary

        print_summary(data, _stdout_console(), args.top)
        skipped = ingested.skipped_records  # crawl records that are not pages (WARC input)
        err.print(f"analysed {len(ingested.articles)} articles in {time.perf_counter() - started:.1f} s"
                  + (f"; {skipped} non-HTML WARC records skipped" if skipped else ""), markup=False)
    return 0


def _output_problem(args: argparse.Namespace) -> str | None:
    """The first output option that cannot be written, said in one line; None when all can."""
    from .output.paths import file_problem, folder_problem

    for option in ("json", "html"):
        problem = file_problem(f"--{option}", getattr(args, option, None))
        if problem:
            return problem
    return folder_problem("--jsonl-parts", getattr(args, "jsonl_parts", None))


def _engine(args: argparse.Namespace):
    """A dask client for ``--engine dask`` (closed, with its LocalCluster, on exit); None otherwise."""
    if args.engine != "dask":
        return nullcontext()
    from .engine.distributed import dask_client

    return dask_client(args.scheduler, args.workers)


def _stdout_console() -> Console:
    """The summary console: the terminal's width, or, piped into a file, wide enough that ids and
    relation names are not cut (rich would assume 80 columns)."""
    wide = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    return Console(highlight=False, width=160 if wide else None)


def _choose_encoder(args: argparse.Namespace) -> None:
    if getattr(args, "encoder", None):  # export has no --encoder: it encodes nothing
        from .encode.embed import use_encoder

        use_encoder(args.encoder)


def _read_text_argument(value: str, err: Console) -> tuple[str, str] | None:
    """A compare argument is a file path (read like any input); with --text it is the text itself."""
    from .ingest import read_inputs

    ingested = read_inputs([value])
    for line in ingested.errors:
        err.print(f"storytrace: {terminal_safe(line)}", markup=False)
    if not ingested.articles:
        return None
    if len(ingested.articles) > 1:  # never pick one silently
        raise _UsageError(f"{value} holds {len(ingested.articles)} articles; compare takes one article each "
                          f"(use analyze for more)")
    return ingested.articles[0].id, ingested.articles[0].text


class _UsageError(Exception):
    """A usage problem found once the inputs are read: one line, exit status 2."""


def cmd_compare(args: argparse.Namespace) -> int:
    from .claims import claims_of_pair
    from .model import Article, without_surrogates
    from .engine.pipeline import compare
    from .output.report import print_pair

    err = Console(stderr=True, highlight=False, soft_wrap=True)  # one line per message, never wrapped
    problem = _output_problem(args)
    if problem:
        print(f"storytrace: {problem}", file=sys.stderr)
        return 2
    _choose_encoder(args)
    if args.text:
        # as Article repairs them: an argument not valid UTF-8 holds unpaired surrogates
        a, b = ("A", without_surrogates(args.a)), ("B", without_surrogates(args.b))
        for name, text in (a, b):
            if not text.strip():
                raise _UsageError(f"--text: text {name} is empty")
    else:
        a, b = _read_text_argument(args.a, err), _read_text_argument(args.b, err)
        if a is None or b is None:
            return 1
    compared = compare(a[1], b[1])
    pair = compared.to_json()
    pair["claims"] = claims_of_pair(Article(a[0], a[1]), Article(b[0], b[1]), compared)
    pair["a"], pair["b"] = a[0], b[0]
    if pair["source"]:
        pair["source"] = a[0] if pair["source"] == "a" else b[0]
        pair["derived"] = a[0] if pair["derived"] == "a" else b[0]
    if args.json and write_json(pair, args.json):
        return 0
    print_pair(pair, a[1], b[1], _stdout_console())
    return 0


def _store_command(args: argparse.Namespace, run) -> int:
    """The shell of add, trace and export: output paths checked before any work, the encoder
    chosen, and the store's usage problems said as usage errors (one line, exit status 2)."""
    from .store.commands import UsageProblem

    problem = _output_problem(args)
    if problem:
        raise _UsageError(problem)
    _choose_encoder(args)
    try:
        return run()
    except UsageProblem as exc:
        raise _UsageError(str(exc)) from None


def cmd_add(args: argparse.Namespace) -> int:
    from .store.commands import run_add

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    return _store_command(args, lambda: run_add(args, lambda line: err.print(line, markup=False)))


def cmd_trace(args: argparse.Namespace) -> int:
    from .store.commands import run_trace

    return _store_command(args, lambda: run_trace(args))


def cmd_export(args: argparse.Namespace) -> int:
    from .store.commands import run_export

    return _store_command(args, lambda: run_export(args))


def cmd_serve(args: argparse.Namespace) -> int:
    from .web.serve import run_serve

    _choose_encoder(args)
    return run_serve(args)


def cmd_doctor(args: argparse.Namespace) -> int:
    from .deps import environment_line
    from .doctor import report, run_checks

    checks = run_checks(encode=args.encode)
    if args.json:
        sys.stdout.write(json.dumps(report(checks), ensure_ascii=False, indent=1) + "\n")
    else:
        out = _stdout_console()
        out.print(environment_line(), markup=False)
        width = max(len(c.name) for c in checks)
        for c in checks:
            state = "ok" if c.ok else ("BROKEN" if c.required else "missing")
            out.print(f"{state:<8}{c.name:<{width + 2}}{c.detail}", markup=False, soft_wrap=True)
        broken = [c.name for c in checks if not c.ok and c.required]
        optional = [c.name for c in checks if not c.ok and not c.required]
        summary = ("broken: " + ", ".join(broken)) if broken else "every required part works"
        if optional:
            summary += f" (optional, unavailable: {', '.join(optional)})"
        out.print(summary, markup=False)
    return 1 if any(not c.ok and c.required for c in checks) else 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _not_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds, not {text}")
    return value


def _size(text: str) -> int:
    from .limits import parse_size

    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_limit_options(parser: argparse.ArgumentParser) -> None:
    from . import limits

    parser.add_argument("--max-file-bytes", type=_size, metavar="SIZE",
                        help=f"skip input files larger than this (default {limits.human(limits.FILE_BYTES)}, "
                             "or $STORYTRACE_MAX_FILE_BYTES; e.g. 64M, 2G); a UTF-8 JSONL file is read a line at a "
                             "time, and this bounds each line instead; WARC files are read record by record")
    parser.add_argument("--max-decompressed-bytes", type=_size, metavar="SIZE",
                        help=f"skip gzip files that expand to more than this (default "
                             f"{limits.human(limits.DECOMPRESSED_BYTES)}, or $STORYTRACE_MAX_DECOMPRESSED_BYTES)")
    parser.add_argument("--max-article-chars", type=_size, metavar="N",
                        help=f"cut longer article texts to this many characters, with a note (default "
                             f"{limits.ARTICLE_CHARS:,}, or $STORYTRACE_MAX_ARTICLE_CHARS)")


def _use_limits(args: argparse.Namespace) -> None:
    """The limits in force: the options, else the environment, else the defaults. The options are
    put into the environment, so processes this run starts (a local dask cluster) read them too."""
    from . import limits

    for name in ("file_bytes", "decompressed_bytes", "article_chars"):
        value = getattr(args, f"max_{name}", None)
        if value:
            os.environ[f"STORYTRACE_MAX_{name.upper()}"] = str(value)
    limits.use(limits.from_environment())


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line (argparse prints the whole usage first), exit status 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _add_encoder_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--encoder", choices=("auto", "onnx", "torch"), default=None,
                        help="sentence encoder backend (default: $STORYTRACE_ENCODER or auto = onnx int8, "
                             "torch when onnx cannot load)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="storytrace", description="Trace how a news story spreads.")
    parser.add_argument("--version", action="version", version=f"storytrace {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("analyze", help="find copies, versions, rewrites, same-event reports and stories")
    p.add_argument("paths", nargs="+", help="files (.txt, .jsonl, .csv, .html, .warc, gzipped too) or folders, walked recursively")
    p.add_argument("--json", metavar="FILE", help="write the full result as JSON ('-' for stdout)")
    p.add_argument("--html", metavar="FILE", help="write a self-contained HTML report (stories, pairs side by side, claims)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress display and no summary")
    _add_encoder_option(p)
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local: this machine (default); dask: a dask distributed cluster (README: Distributed engine)")
    p.add_argument("--processes", type=_positive, default=None, metavar="N",
                   help="with the local engine: processes aligning pairs (default: one per core, or "
                        "$STORYTRACE_PROCESSES; 1 keeps everything in one process)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="with --engine dask: the scheduler to use (tcp://host:8786); default: a local cluster")
    p.add_argument("--workers", type=_positive, default=2, metavar="N",
                   help="with --engine dask and no --scheduler: worker processes of the local cluster (default 2)")
    p.add_argument("--top", type=_not_negative, default=50, metavar="N",
                   help="rows per table of the terminal summary (default 50; 0: all); --json has everything")
    p.add_argument("--jsonl-parts", metavar="DIR",
                   help="also write the result as JSONL parts in DIR (for large outputs; README: Output)")
    _add_limit_options(p)
    p.set_defaults(run=cmd_analyze)
    c = sub.add_parser("compare", help="compare two articles and show their shared passages side by side")
    c.add_argument("a", help="first article file (or text with --text)")
    c.add_argument("b", help="second article file (or text with --text)")
    c.add_argument("--text", action="store_true", help="A and B are the texts themselves, not file paths")
    c.add_argument("--json", metavar="FILE", help="write the pair as JSON ('-' for stdout)")
    _add_encoder_option(c)
    _add_limit_options(c)
    c.set_defaults(run=cmd_compare)
    DEFAULT_PATH = "storytrace.db"  # store.DEFAULT_PATH (not imported: it loads the pipeline)
    a = sub.add_parser("add", help="add articles to a store (an SQLite file) and link them to those stored")
    a.add_argument("paths", nargs="+", help="files or folders, read as analyze reads them")
    a.add_argument("--db", default=DEFAULT_PATH, metavar="FILE", help=f"the store (default ./{DEFAULT_PATH}; created if absent)")
    a.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    a.add_argument("--top", type=_not_negative, default=50, metavar="N", help="rows per list of the summary (0: all)")
    a.add_argument("--batch-size", type=_positive, default=None, metavar="N",
                   help="commit every N articles, each batch one transaction (default: all the inputs in one)")
    a.add_argument("--wait", type=_seconds, default=600.0, metavar="SECONDS",
                   help="how long to wait for another process adding to the store (default 600)")
    a.add_argument("--processes", type=_positive, default=None, metavar="N",
                   help="processes aligning pairs (default: one per core, or $STORYTRACE_PROCESSES)")
    _add_encoder_option(a)
    _add_limit_options(a)
    a.set_defaults(run=cmd_add)
    t = sub.add_parser("trace", help="where does this article come from? one article against a store (stored only with --add)")
    t.add_argument("path", nargs="?", help="the article's file (one article)")
    t.add_argument("--text", metavar="TEXT", help="the article's text itself instead of a file")
    t.add_argument("--id", metavar="ID", help="an article already stored (its newest version) instead of a file")
    t.add_argument("--db", default=DEFAULT_PATH, metavar="FILE", help=f"the store (default ./{DEFAULT_PATH})")
    t.add_argument("--json", metavar="FILE", help="write the result as a storytrace/1 document ('-' for stdout)")
    t.add_argument("--add", action="store_true", help="add the article to the store too (then traced as stored)")
    t.add_argument("--processes", type=_positive, default=None, metavar="N",
                   help="with --add: processes aligning pairs (as for add)")
    _add_encoder_option(t)
    _add_limit_options(t)
    t.set_defaults(run=cmd_trace)
    e = sub.add_parser("export", help="write the whole store as analyze writes its result (JSON, JSONL parts, HTML)")
    e.add_argument("--db", default=DEFAULT_PATH, metavar="FILE", help=f"the store (default ./{DEFAULT_PATH})")
    e.add_argument("--json", metavar="FILE", help="write the storytrace/1 document ('-' for stdout)")
    e.add_argument("--jsonl-parts", metavar="DIR", help="write it as JSONL parts into DIR (as analyze --jsonl-parts)")
    e.add_argument("--html", metavar="FILE", help="write the self-contained HTML report of the store")
    e.set_defaults(run=cmd_export)
    s = sub.add_parser("serve", help="a local web app and JSON API over a store (README: Web app)")
    s.add_argument("--db", default=DEFAULT_PATH, metavar="FILE", help=f"the store (default ./{DEFAULT_PATH}; created if absent)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    s.add_argument("--port", type=_positive, default=8000, help="port (default 8000)")
    s.add_argument("--max-body-bytes", type=_size, default=5_000_000, metavar="SIZE",
                   help="refuse request bodies larger than this with 413 (default 5000000; e.g. 20M)")
    s.add_argument("--max-article-chars", type=_size, metavar="N",
                   help="cut longer posted article texts to this many characters, with a note in the answer "
                        "(default as analyze's, or $STORYTRACE_MAX_ARTICLE_CHARS)")
    _add_encoder_option(s)
    s.set_defaults(run=cmd_serve)
    d = sub.add_parser("doctor", help="check that every part of storytrace works here, with the versions")
    d.add_argument("--json", action="store_true", help="print the diagnosis as JSON")
    d.add_argument("--encode", action="store_true",
                   help="also encode a sentence (the first time, this exports the ONNX model: about 10 s)")
    d.set_defaults(run=cmd_doctor)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "engine", "local") == "local" and getattr(args, "scheduler", None):
        parser.error("--scheduler needs --engine dask")
    try:
        _use_limits(args)
    except ValueError as exc:  # a STORYTRACE_MAX_* variable that is not a size
        parser.error(str(exc))
    try:
        return args.run(args)
    except _UsageError as exc:
        print(f"storytrace: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader stopped reading (``--json - | head``): nothing to say
        # stdout is pointed at /dev/null so that the interpreter's last flush does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:  # a missing or broken dependency: one line saying what to install
        from .deps import describe_failure

        line = describe_failure(exc)
        if line is None:
            raise
        print(line, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
