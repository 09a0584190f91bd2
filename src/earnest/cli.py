"""The ``earnest`` command line: thin commands over the library."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Collection
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.text import Text

from earnest import run
from earnest.config import Settings
from earnest.errors import ConfigError, EarnestError
from earnest.pipeline.wiring import STAGES
from earnest.progress import PublishDisplay, ReadState
from earnest.runtime import redact_url
from earnest.sources.replay import Archive
from earnest.sources.timeline import Timeline

log = logging.getLogger(__name__)


class _Earnest(typer.Typer):
    """The command line; an error that is not a bug ends any command in one line.

    ``EarnestError`` says what went wrong and what to do; an ``OSError`` that no
    backend translated is a file or socket the environment denies. Either prints one
    line on stderr (the traceback only at EARNEST_LOG_LEVEL=DEBUG) and exits with 1.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except EarnestError as exc:
            _fail(str(exc), exc)
        except OSError as exc:
            _fail(_os_problem(exc), exc)


app = _Earnest(
    help="earnest: how serious is each subreddit, live. "
    "Settings come from EARNEST_* environment variables; flags override them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)

Port = Annotated[int | None, typer.Option(help="API port [default: EARNEST_PORT or 8000].")]
Dataset = Annotated[
    Path | None,
    typer.Option(help="Folder of <Subreddit>.csv files [default: EARNEST_DATASET, or "
                 "../shared/data/reddit-top-2013/posts when it exists, else the bundled "
                 "sample]."),
]
Speed = Annotated[
    float | None,
    typer.Option(help="Pace the replay: seconds of post time per second (3600 = an hour per "
                 "second). Omit to replay as fast as possible."),
]
TimelineOpt = Annotated[
    Timeline,
    typer.Option(help="original: post times as they are; shift: newest post at now; compress: "
                 "the dataset scaled onto the last --span-days; spread: posts spaced evenly "
                 "over the last --span-days, in order."),
]
SpanDays = Annotated[float, typer.Option(help="Days the compress and spread timelines cover.")]
Limit = Annotated[int | None, typer.Option(help="Replay at most this many posts.")]
FromStart = Annotated[
    bool, typer.Option(help="Ignore the saved position and start again from the first record.")
]
Sample = Annotated[bool, typer.Option(
    help="Replay the sample of real posts bundled in the package instead of a dataset.")]


def _fail(message: str, exc: BaseException) -> NoReturn:
    log.debug("the command failed", exc_info=exc)
    console.print(Text.assemble(("error: ", "red"), message), soft_wrap=True)
    raise SystemExit(1)


def _os_problem(exc: OSError) -> str:
    if exc.filename is None:
        return str(exc)
    return f"cannot use {exc.filename}: {exc.strerror}; check that it exists and earnest may use it"


def _settings(**overrides: object) -> Settings:
    """The settings from the environment and the command's flags (``overrides``)."""
    values = {k: v for k, v in overrides.items() if v is not None}
    try:
        settings = Settings(**values)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(_invalid(exc, flags=values.keys())) from exc
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if settings.log_level != "DEBUG":
        logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request otherwise
    return settings


def _invalid(exc: ValidationError, flags: Collection[str]) -> str:
    """Each bad setting, as the user gave it (URLs without passwords), and its rule."""
    problems = []
    for error in exc.errors(include_url=False):
        field = str(error["loc"][0]) if error["loc"] else "settings"
        name = f"--{field.replace('_', '-')}" if field in flags else f"EARNEST_{field.upper()}"
        value = error.get("input")
        if isinstance(value, str) and field.endswith("_url"):
            value = redact_url(value)
        rule = error["msg"].removeprefix("Value error, ")
        problems.append(f"{name}={value!r} is invalid: {rule[:1].lower()}{rule[1:]}")
    return "; ".join(problems)


def _report(message: str) -> None:
    console.print(f"[dim]{time.strftime('%H:%M:%S')}[/dim] {message}")


def _dataset(settings: Settings) -> Path:
    dataset = settings.resolved_dataset()
    if dataset is None:
        raise ConfigError("no dataset found; pass --dataset or set EARNEST_DATASET, or "
                          "replay the bundled sample with --sample")
    return dataset


def _sample(dataset_flag: Path | None) -> Archive:
    """The bundled sample, which a dataset given on the same command line contradicts."""
    if dataset_flag is not None:
        raise ConfigError(f"--sample replays the bundled sample, not {dataset_flag}; "
                          "give one or the other")
    from earnest.sources.sample import sample_archive

    return sample_archive()


# How to point `earnest up` elsewhere, for the line that says it replays the sample.
ELSEWHERE = ("to replay a dataset of <Subreddit>.csv files pass --dataset or set "
             "EARNEST_DATASET; to follow Reddit live see \"Following Reddit live\" in the README")


def _up_replays(settings: Settings, dataset_flag: Path | None, sample: bool) -> Path | Archive:
    """What `earnest up` replays: the dataset configured or found beside the checkout, else
    the bundled sample, so that an installed earnest shows a working dashboard at once.

    A live Reddit source, once configured, is followed instead of any replay: that
    choice is made here, before falling back to the sample.
    """
    if sample:
        return _sample(dataset_flag)
    dataset = settings.resolved_dataset()
    if dataset is not None:
        return dataset
    _report(f"no dataset configured or found: replaying the bundled sample; {ELSEWHERE}")
    return _sample(None)


@app.command()
def up(
    port: Port = None,
    dataset: Dataset = None,
    replay: Annotated[bool, typer.Option(help="Replay the dataset while running.")] = True,
    speed: Annotated[float | None, typer.Option(
        help="Replay pace: seconds of post time per second; 0 for as fast as possible.")] = 2016,
    timeline: TimelineOpt = Timeline.spread,
    span_days: SpanDays = run.ReplayOptions.span_days,
    limit: Limit = None,
    from_start: FromStart = False,
    sample: Sample = False,
    follow: Annotated[list[str] | None, typer.Option(
        help="Follow this subreddit live through Reddit's API instead of replaying; repeat "
        "for more [default: EARNEST_FOLLOW].")] = None,
) -> None:
    """Run everything in one process: replay or follow, store, score, aggregate, the API.

    By default the dataset is replayed with its posts spread over the last week,
    at a pace that takes five minutes; a restart resumes where it stopped. With no
    dataset configured or found, the sample bundled in the package is replayed. With
    --follow (or EARNEST_FOLLOW), subreddits are followed live instead.
    """
    settings = _settings(dataset=dataset, port=port)
    names = follow or list(settings.follow)
    options = None
    if replay and not names:
        options = run.ReplayOptions(_up_replays(settings, dataset, sample), speed or None,
                                    timeline, span_days, limit, from_start)
    asyncio.run(run.up(settings, settings.port, options, _report, names))


@app.command()
def serve(port: Port = None) -> None:
    """Run only the HTTP API (and dashboard) over the configured store."""
    settings = _settings(port=port)
    asyncio.run(run.serve(settings, settings.port, _report))


@app.command()
def worker(
    stage: Annotated[str, typer.Argument(help=f"{', '.join(STAGES[:-1])} or {STAGES[-1]}.")],
    until_idle: Annotated[
        bool, typer.Option(help="Exit once the stage has caught up with its topic.")
    ] = False,
) -> None:
    """Run one pipeline stage; start as many replicas as you like (RabbitMQ)."""
    settings = _settings()
    stats = asyncio.run(run.worker(settings, stage, until_idle, _report))
    _report(f"worker {stage} stopped after {stats.records} records in {stats.batches} batches")


@app.command()
def replay(
    path: Annotated[Path | None, typer.Argument(help="Dataset folder [default: --dataset].")]
    = None,
    speed: Speed = None,
    timeline: TimelineOpt = Timeline.original,
    span_days: SpanDays = run.ReplayOptions.span_days,
    limit: Limit = None,
    from_start: FromStart = False,
    sample: Sample = False,
) -> None:
    """Publish a dataset of <Subreddit>.csv files, or the bundled sample, onto the posts topic.

    As fast as possible unless --speed paces it. A replay resumes where the last one of the
    same dataset, timeline, span and limit stopped; --from-start replays it again.
    """
    settings = _settings(dataset=path)
    replayed = _sample(path) if sample else _dataset(settings)
    options = run.ReplayOptions(replayed, speed, timeline, span_days, limit, from_start)
    _publish(lambda progress: run.replay(settings, options, progress), "replay")


def _publish(job, what: str, read: ReadState = lambda: None) -> None:
    """Run a publishing ``job``: a progress bar on a terminal (how far ``read`` says the
    source is), a line every 2 s otherwise, and a summary at the end."""
    started = time.monotonic()
    with PublishDisplay(console, read, _report, what) as display:
        done = asyncio.run(job(display))
    elapsed = time.monotonic() - started
    if done.published == 0 and done.rejected == 0 and done.resumed_from:
        _report(f"nothing left to {what} (already at record {done.resumed_from:,}); "
                f"use --from-start to {what} again")
    else:
        _report(f"{done.published:,} posts published, {done.rejected:,} rejected in "
                f"{elapsed:.1f} s ({done.published / max(elapsed, 1e-9):,.0f} posts/s)")
    if done.gaps_filled:
        _report(f"{done.gaps_filled:,} gaps of the live source filled (earnest status no "
                "longer lists them)")


@app.command("import")
def import_(
    paths: Annotated[list[str], typer.Argument(
        help="Files to import: RS_YYYY-MM.zst dumps, .ndjson or .jsonl (optionally .gz), "
        "listing responses saved as .json, or - for NDJSON on standard input.")],
    subreddit: Annotated[list[str] | None, typer.Option(
        help="Import only this subreddit; repeat for more [default: every one].")] = None,
    since: Annotated[datetime | None, typer.Option(
        formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"],
        help="Import only posts created at or after this UTC time.")] = None,
    until: Annotated[datetime | None, typer.Option(
        formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"],
        help="Import only posts created before this UTC time.")] = None,
    from_start: FromStart = False,
) -> None:
    """Publish Reddit submissions from files onto the posts topic.

    Lines that are not posts are dead-lettered with their file and line. An import resumes
    where the last one of the same files and filters stopped; --from-start imports again.
    Run it beside `earnest up` on the same state folder, or on its own.
    """
    from earnest.sources.dump import DumpSource

    settings = _settings()
    source = DumpSource(paths, subreddits=subreddit or (), since=_epoch(since),
                        until=_epoch(until))
    _publish(lambda progress: run.import_posts(settings, source, from_start, progress), "import",
             source.progress)


@app.command()
def follow(
    subreddits: Annotated[list[str] | None, typer.Argument(
        help="Subreddits to follow [default: EARNEST_FOLLOW, or every subreddit stored].")]
    = None,
) -> None:
    """Publish new posts of subreddits onto the posts topic as Reddit's API lists them.

    Runs until stopped (Ctrl-C); a restart resumes each subreddit where it was read to.
    Needs a Reddit API app (EARNEST_REDDIT_* settings). Posts that arrived faster than
    Reddit lists them are reported as gaps, with the `earnest import` that fills each.
    Run it beside `earnest up` on the same state folder, or with the workers.
    """
    settings = _settings()
    names = subreddits or list(settings.follow)
    started = time.monotonic()
    last = [started]

    def progress(p: Any) -> None:
        if time.monotonic() - last[0] > 10:
            last[0] = time.monotonic()
            _report(f"{p.published:,} posts published, {p.rejected:,} rejected, "
                    f"{p.gaps:,} gaps")

    done = asyncio.run(run.follow(settings, names, progress, _report))
    _report(f"stopped after {time.monotonic() - started:,.0f} s: {done.published:,} posts "
            f"published, {done.rejected:,} rejected, {done.gaps:,} gaps (earnest status "
            "lists them)")


def _epoch(when: datetime | None) -> float | None:
    return None if when is None else when.replace(tzinfo=UTC).timestamp()


@app.command()
def train(
    output: Annotated[Path | None, typer.Option(
        help="Where to save the model [default: EARNEST_HOME/models/<version>.skops].")] = None,
    held_out: Annotated[str | None, typer.Option(
        help="Comma-separated subreddits to evaluate on, kept out of the evaluation fit "
        "[default: a fixed set of topic-paired serious and banter subreddits].")] = None,
) -> None:
    """Train the seriousness model on the stored posts and report held-out ROC AUC."""
    from earnest.commands import train_from_store

    settings = _settings()
    names = [n.strip() for n in held_out.split(",") if n.strip()] if held_out else None
    asyncio.run(train_from_store(settings, output, _report, names))


@app.command()
def score(
    batch_size: Annotated[int | None, typer.Option(
        help="Records per batch [default: EARNEST_BATCH_SIZE or 1000].")] = None,
) -> None:
    """Score NDJSON posts from stdin ({"title", "selftext"?}) to stdout, in batches.

    Each output line is the input record with "seriousness" and "model_version" added.
    """
    settings = _settings(batch_size=batch_size)

    from earnest.ndjson_scoring import score_stream
    from earnest.runtime import load_model

    model = load_model(settings)
    errors = score_stream(model, sys.stdin.buffer, sys.stdout.buffer,
                          settings.resolved_batch_size(on_the_bus=False),
                          lambda line: console.print(f"[red]skipped:[/red] {line}"))
    if errors:
        raise typer.Exit(1)


@app.command()
def status() -> None:
    """Counts, consumer lag and freshness of the pipeline."""
    from earnest.commands import show_status

    asyncio.run(show_status(_settings(), Console()))


@app.command()
def verify() -> None:
    """Check that every aggregate equals a recomputation from the posts and scores."""
    from earnest.commands import verify_aggregates

    if not asyncio.run(verify_aggregates(_settings(), Console())):
        raise typer.Exit(1)


@app.command("dead-letters")
def dead_letters(limit: Annotated[int, typer.Option(help="How many, newest first.")] = 20) -> None:
    """List the records that could not be processed, with the reason."""
    from earnest.commands import show_dead_letters

    asyncio.run(show_dead_letters(_settings(), Console(), limit))



models_app = typer.Typer(help="The model registry: list versions, register your own model, "
                         "shadow, promote, roll back and retire versions.",
                         no_args_is_help=True)
app.add_typer(models_app, name="models")


@models_app.command("list")
def models_list() -> None:
    """Every registered model version: state, kind, held-out AUC, when and by whom."""
    from earnest.commands import show_models

    asyncio.run(show_models(_settings(), Console()))


@models_app.command("register")
def models_register(
    file: Annotated[Path, typer.Argument(
        help="A skops file: earnest's own model, or a fitted scikit-learn classifier or "
        "pipeline with predict_proba.")],
    name: Annotated[str | None, typer.Option(
        help="The model's name [default: earnest-seriousness or sklearn, by kind].")] = None,
    author: Annotated[str | None, typer.Option(help="Who made it.")] = None,
    fields: Annotated[str, typer.Option(
        help="The post fields a scikit-learn model reads, comma-separated, in order.")]
    = "title,selftext",
    input: Annotated[str, typer.Option(
        help="How a scikit-learn model is given the fields: `text` (one string per post, "
        "the fields joined by a blank line) or `columns` (a 2-D object array, a column per "
        "field).")] = "text",
) -> None:
    """Check a model (safe types only, passes a probe batch) and add it to the registry."""
    from earnest.commands import register_model_file

    names = tuple(f.strip() for f in fields.split(",") if f.strip())
    asyncio.run(register_model_file(_settings(), file, Console(), name=name, author=author,
                                    fields=names, input=input))


_VERSION = Annotated[str, typer.Argument(help="A model version, as earnest models list shows it.")]


def _change(action: str, version: str | None) -> None:
    from earnest.commands import change_model

    asyncio.run(change_model(_settings(), Console(), action, version))


@models_app.command("shadow")
def models_shadow(version: _VERSION) -> None:
    """Score every new post with VERSION too, beside the live model, out of default reads."""
    _change("shadow", version)


@models_app.command("promote")
def models_promote(version: _VERSION) -> None:
    """Backfill every stored post with VERSION, then make it live in one step."""
    _change("promote", version)


@models_app.command("rollback")
def models_rollback() -> None:
    """Make the version live before the live one live again, at once."""
    _change("rollback", None)


@models_app.command("retire")
def models_retire(version: _VERSION) -> None:
    """Stop scoring with VERSION (abandons its promotion); its scores stay readable."""
    _change("retire", version)


@app.command("fake-reddit")
def fake_reddit(
    port: Annotated[int, typer.Option(help="Port to serve on (0: a free one).")] = 8081,
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    rate: Annotated[float, typer.Option(help="New posts per second, over all subreddits.")] = 1.0,
    subreddit: Annotated[list[str] | None, typer.Option(
        help="A subreddit, as NAME or NAME:WEIGHT; repeat for more "
        "[default: AskReddit:3, science:1, funny:2, worldnews:1].")] = None,
    requests_per_window: Annotated[int, typer.Option(
        help="Requests each OAuth client may make per window.")] = 1000,
    window: Annotated[float, typer.Option(help="Rate-limit window in seconds.")] = 600.0,
    retry_after: Annotated[bool, typer.Option(
        help="Say when to come back (Retry-After) on a 429 for a spent budget.")] = True,
    token_lifetime: Annotated[float, typer.Option(
        help="Seconds an access token stays valid.")] = 86400.0,
    listing_cap: Annotated[int, typer.Option(
        help="How many of a listing's newest posts a client can page through.")] = 1000,
    removal_fraction: Annotated[float, typer.Option(
        help="Share of new posts removed later (after --removal-delay seconds).")] = 0.0,
    removal_delay: Annotated[float, typer.Option(
        help="Seconds after which a post chosen for removal is removed.")] = 60.0,
    client: Annotated[list[str] | None, typer.Option(
        help="An OAuth client it accepts, as ID:SECRET; repeat for more "
        "[default: earnest-client:earnest-secret].")] = None,
    admin: Annotated[bool, typer.Option(
        help="Serve /_admin/... routes to inject faults (429 storms, 5xx, bursts).")] = True,
    seed: Annotated[int, typer.Option(help="Seed of the post generator.")] = 0,
) -> None:
    """Serve a fake Reddit API locally: OAuth tokens, /r/<subs>/new listings of posts made
    at --rate, Reddit's rate limit and its errors. For demos and tests; Ctrl-C stops it."""
    from earnest.fake_reddit import FakeReddit, FakeRedditConfig
    from earnest.fake_reddit.config import (
        DEFAULT_CLIENTS,
        DEFAULT_SUBREDDITS,
        parse_clients,
        parse_subreddits,
    )

    config = FakeRedditConfig(
        host=host, port=port, rate=rate, requests_per_window=requests_per_window,
        window=window, retry_after=retry_after, token_lifetime=token_lifetime,
        listing_cap=listing_cap, removal_fraction=removal_fraction,
        removal_delay=removal_delay, admin=admin, seed=seed,
        subreddits=parse_subreddits(subreddit) if subreddit else DEFAULT_SUBREDDITS,
        clients=parse_clients(client) if client else DEFAULT_CLIENTS)
    clients = ", ".join(config.clients)
    FakeReddit(config).serve_forever(
        lambda url: console.print(f"fake Reddit on {url} (clients: {clients}); Ctrl-C stops it"))
