"""The ``vsl`` command: add URLs, watch their status, read transcripts, process without a daemon.

Errors go to stderr with a non-zero exit status; normal output goes to stdout so that
``vsl status --json`` can be piped.  ``vsl`` finds its project like :mod:`vsl_assets.settings`
does (``VSL_PROJECT_DIR``, the folders above the current one, the checkout it is installed from)
and works from the project's root, so it acts on the same database, storage and Dagster instance
as the running app whatever directory it is started in.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from vsl_assets import netguard
from vsl_assets import settings as settings_module
from vsl_assets.db import repo, session_scope
from vsl_assets.errors import ConfigurationError, InvalidUrlError, VslError
from vsl_assets.objectstore import store_for
from vsl_assets.settings import Settings, retranscribe_language, url_language
from vsl_assets.storage import StorageLayout, validate_key
from vsl_assets.urls import normalize_url

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _err(message: str) -> None:
    print(f"vsl: {message}", file=sys.stderr)


def _instance(settings: Settings):  # noqa: ANN202 - DagsterInstance, imported lazily to keep `vsl status` fast
    """The Dagster instance of ``DAGSTER_HOME``, else of the project (which holds ``dagster.yaml``)."""
    from dagster import DagsterInstance

    home = settings.instance_dir
    if home is None:
        return None
    return DagsterInstance.from_config(str(home))


def _read_urls(args: argparse.Namespace) -> list[str]:
    urls = list(args.urls)
    if args.file:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
        urls += [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return urls


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    raw = _read_urls(args)
    if not raw:
        _err("no URLs given (pass URLs or --file FILE)")
        return EXIT_USAGE
    try:
        language = url_language(args.language)
    except ValueError as exc:
        _err(f"invalid --language {args.language!r}: {exc}")
        return EXIT_USAGE
    valid: list[str] = []
    bad = 0
    for url in raw:
        try:
            valid.append(normalize_url(url))
        except InvalidUrlError as exc:
            _err(f"invalid URL {url[:200]!r}: {exc.reason}")
            bad += 1
    with session_scope(settings.database) as s:
        results = repo.add_urls(s, valid, language)
    instance = _instance(settings) if results else None
    if instance is not None:
        from vsl_assets.defs.partitions import register

        register(instance, [r.partition_key for r in results])
    elif results:
        _err("no Dagster instance (DAGSTER_HOME unset, no project): partitions will be registered by the sensor")
    for r in results:
        state = "added" if r.created else f"already known ({r.status})"
        print(f"{r.partition_key}\t{state}\t{r.url}")
        refusal = netguard.static_refusal(r.url)
        if refusal and not settings.allow_private_networks:
            _err(
                f"note: {r.partition_key}: {refusal}. The running app fetches such addresses only if it was "
                "started with VSL_ALLOW_PRIVATE_NETWORKS=1 or VSL_ALLOW_ADDRESSES (put them in the project's .env)"
            )
    if bad:
        _err(f"{bad} invalid URL(s) refused; {len(results)} accepted")
        return EXIT_USAGE
    return EXIT_OK


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(settings.database) as s:
        rows = repo.status_rows(s, args.status)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print("no URLs yet: add some with `vsl add URL`")
        return EXIT_OK
    for r in rows:
        reason = f"  — {r['reason']}" if r["reason"] else ""
        print(f"{r['partition_key']:<40} {r['status']:<15} {r['url']}{reason}")
        if args.workers and r["steps"]:
            print("    " + "  ".join(f"{j['step']}={j['outcome']}@{j['worker']}" for j in r["steps"]))
    return EXIT_OK


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    try:
        key = validate_key(args.key)
    except ValueError:
        _err(f"{args.key!r} is not a partition key (see `vsl status`)")
        return EXIT_USAGE
    with session_scope(settings.database) as s:
        row = repo.get_url(s, key)
    if row is None:
        _err(f"no URL with key {key}")
        return EXIT_FAILED
    path = StorageLayout(settings.storage_root).transcript_path(key, args.format)
    if not store_for(settings).fetch(path):
        why = f": {row.reason}" if row.reason else ""
        _err(f"{key} has no transcript yet (status {row.status}{why})")
        return EXIT_FAILED
    sys.stdout.write(path.read_text(encoding="utf-8"))
    return EXIT_OK


def _run_config(force: bool) -> dict[str, Any]:
    if not force:
        return {}
    from vsl_assets.db import PIPELINE_STEPS

    return {"ops": {name: {"config": {"force": True}} for name in PIPELINE_STEPS}}


def cmd_process(args: argparse.Namespace, settings: Settings) -> int:
    from dagster import DagsterInstance

    from vsl_assets.db import UrlStatus
    from vsl_assets.definitions import build_definitions
    from vsl_assets.defs.jobs import INGEST_JOB_NAME, run_tags
    from vsl_assets.defs.partitions import register
    from vsl_assets.defs.reconcile import reconcile
    from vsl_assets.defs.resources import DatabaseResource

    instance = _instance(settings) or DagsterInstance.ephemeral()
    # Without a daemon nobody else notices a `vsl process` that was killed mid-run.
    fixed = reconcile(instance, DatabaseResource(url=settings.database), crash_retries=settings.crash_retries)
    if fixed["failed"] or fixed["requeued"]:
        print(
            f"reconciled: {fixed['failed']} abandoned URL(s) failed ({fixed['resumed']} of them re-queued after "
            f"a crash), {fixed['requeued']} re-queued"
        )
    job = build_definitions().resolve_job_def(INGEST_JOB_NAME)
    limit = args.limit if args.limit and args.limit > 0 else settings.sensor_batch
    with session_scope(settings.database) as s:
        keys = [k for k, _ in repo.pending(s, limit)]
    if not keys:
        print("nothing pending")
        return EXIT_OK
    register(instance, keys)
    failed = 0
    for key in keys:
        start = time.monotonic()
        with session_scope(settings.database) as s:
            repo.set_status(s, [key], UrlStatus.QUEUED)
        result = job.execute_in_process(
            partition_key=key,
            instance=instance,
            raise_on_error=False,
            run_config=_run_config(args.force),
            tags=run_tags(),
        )
        with session_scope(settings.database) as s:
            row = repo.get_url(s, key)
        if not result.success:
            failed += 1
            if row is not None and row.status != UrlStatus.FAILED:
                with session_scope(settings.database) as s:
                    repo.fail_abandoned(
                        s, key, result.run_id, f"run {result.run_id[:8]} failed", from_statuses=list(UrlStatus)
                    )
        status = row.status if row else "?"
        reason = f" — {row.reason}" if row is not None and row.reason else ""
        print(f"{key}\t{status}\t{time.monotonic() - start:.1f}s{reason}")
    print(f"processed {len(keys)}: {len(keys) - failed} ok, {failed} failed")
    return EXIT_FAILED if failed else EXIT_OK


def _search_query(args: argparse.Namespace) -> Any:
    from vsl_assets.search import SearchQuery

    return SearchQuery(
        text=args.query,
        language=args.lang,
        niche=args.niche,
        lead_type=args.lead,
        awareness=args.awareness,
        pitch_min_s=args.pitch_min,
        pitch_max_s=args.pitch_max,
        price_min=args.price_min,
        price_max=args.price_max,
        currency=args.currency,
        key=args.key,
        per_page=args.limit,
        page=args.page,
    )


@contextlib.contextmanager
def _search_index(settings: Settings) -> Iterator[Any]:
    """The search backend for this command: schema ensured, closed afterwards (a PostgreSQL pool)."""
    from vsl_assets.search import open_search

    backend = open_search(settings.database, engine=settings.search_backend)
    try:
        backend.ensure_schema()
        yield backend
    finally:
        backend.close()


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from vsl_assets.humanize import clock
    from vsl_assets.search import SearchQueryError

    if args.key:
        try:
            validate_key(args.key)
        except ValueError:
            _err(f"{args.key!r} is not a partition key (see `vsl status`)")
            return EXIT_USAGE
    with _search_index(settings) as backend:
        try:
            results = backend.search(_search_query(args))
        except SearchQueryError as exc:
            _err(exc.reason)
            return EXIT_USAGE
    if args.json:
        print(json.dumps(results.rows(), ensure_ascii=False, indent=2))
        return EXIT_OK
    for note in results.notes:
        _err(f"note: {note}")
    if not results.vsls:
        print("no match")
        return EXIT_OK
    for group in results.vsls:
        vsl = group.vsl
        print(f"{vsl.title or vsl.url}  [{vsl.key}]  {group.hit_count} hit(s)")
        for hit in group.hits:
            print(f"  {clock(hit.start):>8}  {hit.snippet.marked()}")
    print(f"{results.total_vsls} VSL(s), {results.total_hits} segment(s)")
    return EXIT_OK


def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    from vsl_assets.search.documents import all_documents

    with _search_index(settings) as backend:
        seen: set[str] = set()
        segments = 0
        with session_scope(settings.database) as s:
            for doc in all_documents(s, min_confidence=settings.breakdown_min_confidence):
                segments += backend.index_vsl(doc)
                seen.add(doc.key)
        stale = sorted(backend.keys() - seen)
        for key in stale:
            backend.delete_vsl(key)
    print(f"indexed {len(seen)} VSL(s), {segments} segment(s); removed {len(stale)} no longer in the database")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    """Forget URLs: rows, files (and their objects in the shared store), search documents and partitions."""
    store = store_for(settings)
    removed: list[str] = []
    status = EXIT_OK
    with _search_index(settings) as backend:
        for key in args.keys:
            try:
                validate_key(key)
            except ValueError:
                _err(f"{key!r} is not a partition key (see `vsl status`)")
                status = EXIT_USAGE
                continue
            # Files first: when the shared store is down this fails and the row stays for a retry.
            store.remove(key)
            with session_scope(settings.database) as s:
                found = repo.delete_url(s, key)
            if not found:
                _err(f"no URL with key {key}")
                status = EXIT_FAILED
                continue
            backend.delete_vsl(key)
            removed.append(key)
            print(f"{key}\tremoved")
    instance = _instance(settings) if removed else None
    if instance is not None:
        from vsl_assets.defs.partitions import PARTITIONS_NAME

        for key in removed:
            if instance.has_dynamic_partition(PARTITIONS_NAME, key):
                instance.delete_dynamic_partition(PARTITIONS_NAME, key)
    return status


def cmd_up(args: argparse.Namespace, settings: Settings) -> int:
    """Dagster (webserver + daemon) and the web app together, stopped together."""
    from vsl_assets.supervise import Child, supervise
    from vsl_assets.web.commands import dagster_host_refusal

    refusal = dagster_host_refusal(args.dagster_host, args.expose_dagster)
    if refusal:
        _err(refusal)
        return EXIT_USAGE
    if settings.project_dir is None:
        _err("vsl up needs the project (workspace.yaml, dagster.yaml): run it from the project or set VSL_PROJECT_DIR")
        return EXIT_USAGE
    bin_dir = Path(sys.executable).parent
    children = [
        Child(
            "dagster",
            [
                str(bin_dir / "dagster"),
                "dev",
                "-h",
                args.dagster_host,
                "-p",
                str(args.dagster_port),
                "-w",
                "workspace.yaml",
            ],
            signal.SIGINT,
        ),
        Child(
            "web",
            [sys.executable, "-m", "vsl_assets.cli", "web", "--host", args.host, "--port", str(args.port)],
            signal.SIGTERM,
        ),
    ]
    print(
        f"vsl: the web app on http://{args.host}:{args.port}  ·  Dagster UI on http://{args.dagster_host}:{args.dagster_port}"
        "  (Ctrl-C stops both)",
        flush=True,
    )
    from sqlalchemy import func, select

    from vsl_assets.db.web_models import User

    with session_scope(settings.database) as s:
        if not s.scalar(select(func.count(User.id))):
            print("vsl: no login yet: create one with  vsl user add NAME  (then sign in)", flush=True)
    return supervise(children, settings.project_dir)


def cmd_retry(args: argparse.Namespace, settings: Settings) -> int:
    if not args.keys and not args.failed:
        _err("name partition keys or pass --failed")
        return EXIT_USAGE
    redo = args.redo_from == "transcript"
    if (args.language or args.model) and not redo:
        _err("--language and --model apply to a re-transcription: add --from transcript")
        return EXIT_USAGE
    try:
        language = retranscribe_language(args.language)
    except ValueError as exc:
        _err(f"invalid --language {args.language!r}: {exc}")
        return EXIT_USAGE
    model = (args.model or "").strip() or None
    with session_scope(settings.database) as s:
        keys = list(args.keys) + (repo.failed_keys(s) if args.failed else [])
        unknown = [k for k in args.keys if repo.get_url(s, k) is None]
        wanted = [k for k in dict.fromkeys(keys) if k not in unknown]
        done = repo.retranscribe(s, wanted, language=language, model=model) if redo else repo.requeue(s, wanted)
    for k in unknown:
        _err(f"no URL with key {k}")
    for k in done:
        print(f"{k}\tre-queued" + (" to be transcribed again" if redo else ""))
    if not done and not unknown:
        print("nothing to retry")
    return EXIT_FAILED if unknown else EXIT_OK


def _money(price: Any) -> str:
    return price.describe() if price is not None else "-"


def _summary(b: Any, min_confidence: float) -> str:
    """The breakdown for a terminal; a field graded below ``min_confidence`` reads "not sure"."""
    from vsl_assets.breakdown.models import Price
    from vsl_assets.humanize import clock

    unsure = set(b.unsure_fields(min_confidence))

    def shown(field: str, text: str) -> str:
        if field not in unsure:
            return text
        return f"not sure ({b.confidence[field]:.2f}): {text}"

    def at(value: float | None) -> str:
        return clock(value) if value is not None else "-"

    lines = [
        f"language   {b.language or '?'}",
        f"niche      {shown('niche', b.niche or '?')}",
        f"lead       {shown('lead_type', b.lead_type or '?')}",
        f"awareness  {shown('awareness', b.awareness or '?')}",
        f"offer      {shown('offer_price', _money(b.offer_price))}   anchor {shown('anchor_price', _money(b.anchor_price))}",
        f"guarantee  {shown('guarantee_days', f'{b.guarantee_days} days' if b.guarantee_days is not None else '-')}",
        f"pitch at   {shown('pitch_s', at(b.pitch_s))}   (offer section starts)",
        f"named at   {shown('product_reveal_s', at(b.product_reveal_s))}   (product first named)",
        f"product    {shown('product', b.product or '-')}   mechanism {shown('mechanism', b.mechanism or '-')}",
        f"hook       {shown('hook', b.hook or '-')}",
        f"engine     {b.engine} / {b.model}",
    ]
    if b.confidence:
        grades = ", ".join(f"{name} {grade:.2f}" for name, grade in b.confidence.items())
        lines.append(f"confidence {grades} (not sure below {min_confidence:g})")
    else:
        lines.append("confidence none recorded")
    if b.consistency:
        lines.append(f"note       {b.consistency}")
    if b.note:
        lines.append(f"note       {b.note}")
    if b.prices:
        lines.append("prices")
        lines += [
            f"  {clock(m.start):>8}  {Price(amount=m.amount, currency=m.currency).describe():<14} {m.role:<12} {m.why}  “{m.quote[:60]}”"
            for m in b.prices
        ]
    lines.append("beats")
    lines += [f"  {clock(x.start):>8}  {x.beat:<10} {x.quote[:80]}" for x in b.beats]
    return "\n".join(lines)


#: What ``vsl analyze --json`` prints: the core fields, every grade and every price mention, and
#: which fields are below ``min_confidence`` (their values are printed, marked by ``not_sure``).
ANALYZE_EXTRA = ("confidence", "prices")


def cmd_analyze(args: argparse.Namespace, settings: Settings) -> int:
    from vsl_assets.breakdown.engine import analyze
    from vsl_assets.breakdown.factory import build_engine
    from vsl_assets.breakdown.models import CORE_FIELDS
    from vsl_assets.breakdown.readers import read_transcript

    transcript = read_transcript(args.file)
    engine = build_engine(
        args.engine or settings.breakdown,
        model=settings.breakdown_model,
        api_key=settings.openai_api_key.get_secret_value() if settings.openai_api_key else None,
        base_url=settings.openai_base_url,
    )
    result = analyze(transcript.segments, args.language or transcript.language, engine)
    threshold = settings.breakdown_min_confidence
    if args.json:
        doc = result.model_dump(mode="json")
        out = {k: doc[k] for k in (*CORE_FIELDS, *ANALYZE_EXTRA)}
        out["min_confidence"] = threshold
        out["not_sure"] = result.unsure_fields(threshold)
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(_summary(result, threshold))
    return EXIT_OK


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    """A Celery worker taking whole Dagster runs from the given queues (deploy/scaleout)."""
    if settings.celery_broker_url is None:
        _err("vsl worker needs VSL_CELERY_BROKER_URL (the Redis URL the daemon's CeleryRunLauncher uses)")
        return EXIT_USAGE
    if settings.project_dir is None:
        _err("vsl worker needs the project (workspace.yaml, dagster.yaml): run it there or set VSL_PROJECT_DIR")
        return EXIT_USAGE
    queues = list(dict.fromkeys(args.queue or [settings.download_queue, settings.transcription_queue]))
    bad = [q for q in queues if not re.fullmatch(settings_module.QUEUE_NAME, q)]
    name = args.name or settings.worker_name or f"{queues[0]}-{os.getpid()}"
    if bad or not re.fullmatch(settings_module.WORKER_NAME, name):
        _err(f"invalid queue or worker name: {', '.join(bad) or name!r} (letters, digits, _ . - only)")
        return EXIT_USAGE
    if settings.engine == "local" and settings.whisper_device == "cuda" and settings.transcription_queue in queues:
        from vsl_assets.transcription.local_engine import require_cuda

        try:
            require_cuda()  # a GPU worker on a host without a GPU takes no work
        except ConfigurationError as exc:
            _err(str(exc))
            return EXIT_USAGE
    if args.concurrency < 1:
        _err("--concurrency must be 1 or more")
        return EXIT_USAGE
    instance = _instance(settings)
    if instance is not None:
        from vsl_assets.scaleout.pools import prepare_pools

        try:
            from vsl_assets.definitions import build_definitions

            graph = build_definitions().resolve_asset_graph()
            pools = sorted({pool for key in graph.get_all_asset_keys() for pool in graph.get(key).pools or ()})
            created = prepare_pools(instance, pools)
        finally:
            instance.dispose()
        if created:
            print(f"vsl worker {name}: created pool(s) {', '.join(created)} at the instance's default limit")
    env = settings_module.child_environment(
        VSL_WORKER_NAME=name,
        VSL_PROJECT_DIR=str(settings.project_dir),
        DAGSTER_HOME=str(settings.instance_dir),
    )
    command = [
        sys.executable, "-m", "celery", "-A", "vsl_assets.scaleout.celery_app", "worker",
        "-Q", ",".join(queues), "-c", str(args.concurrency), "-n", f"{name}@%h",
        "--prefetch-multiplier=1", "-O", "fair", "--without-gossip", "--without-mingle",
        "-l", args.log_level,
    ]  # fmt: skip
    print(f"vsl worker {name}: queues {', '.join(queues)}, {args.concurrency} run(s) at a time", flush=True)
    os.chdir(settings.project_dir)
    os.execve(sys.executable, command, env)


def cmd_health(args: argparse.Namespace, settings: Settings) -> int:
    from vsl_assets.scaleout.health import run_checks

    checks = run_checks(settings.instance_dir, timeout_s=args.timeout)
    if args.json:
        print(json.dumps([c.as_dict() for c in checks], indent=2))
    else:
        for c in checks:
            print(f"{'ok  ' if c.ok else 'FAIL'} {c.name:<9} {c.detail}")
    return EXIT_OK if all(c.ok for c in checks) else EXIT_FAILED


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from vsl_assets import catalog

    with session_scope(settings.database) as s:
        df = catalog.build_catalog(s, min_confidence=settings.breakdown_min_confidence)
    if args.out in (None, "-") and args.format == "parquet":
        _err("parquet is binary: give --out PATH")
        return EXIT_USAGE
    if args.out in (None, "-"):
        sys.stdout.write(
            df.to_csv(index=False)
            if args.format == "csv"
            else df.to_json(orient="records", date_format="iso", force_ascii=False, indent=2)
        )
        return EXIT_OK
    path = catalog.write(df, Path(args.out), args.format)
    print(f"{len(df)} VSLs written to {path}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vsl", description="VSL swipe file: URLs in, transcripts out.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("add", help="add URLs (validated, de-duplicated) as pending_ingest")
    p.add_argument("urls", nargs="*", metavar="URL")
    p.add_argument("--file", "-f", help="file with one URL per line ('-' = stdin)")
    p.add_argument("--language", "-l", help="the VSLs' language (pt, en, es...): transcribed in it instead of detected")
    p.set_defaults(func=cmd_add)
    p = sub.add_parser("status", help="list URLs with status and reason")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.add_argument("--status", help="only URLs with this status")
    p.add_argument(
        "--workers", "-w", action="store_true", help="also show each step's outcome and the worker that ran it"
    )
    p.set_defaults(func=cmd_status)
    p = sub.add_parser("worker", help="run a Celery worker that executes runs from the given queues (scale-out)")
    p.add_argument("--queue", "-q", action="append", help="queue to take runs from (repeatable; default: both)")
    p.add_argument("--concurrency", "-c", type=int, default=1, help="runs executed at once (default 1)")
    p.add_argument("--name", help="worker name shown by `vsl status --workers` (default: queue-pid)")
    p.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    p.set_defaults(func=cmd_worker)
    p = sub.add_parser("health", help="check the database, storage, Dagster, broker and workers (exit 1 if any fails)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--timeout", type=float, default=3.0, help="seconds to wait for the broker and workers")
    p.set_defaults(func=cmd_health)
    p = sub.add_parser("show", help="print a transcript")
    p.add_argument("key")
    p.add_argument("--format", choices=("txt", "srt", "vtt", "json"), default="txt")
    p.set_defaults(func=cmd_show)
    p = sub.add_parser("process", help="materialize pending URLs in this process (no daemon needed)")
    p.add_argument("--limit", type=int, default=0, help="at most N URLs (default: VSL_SENSOR_BATCH)")
    p.add_argument("--force", action="store_true", help="redo work even where valid outputs exist")
    p.set_defaults(func=cmd_process)
    p = sub.add_parser("retry", help="re-queue URLs (the sensor or `vsl process` picks them up)")
    p.add_argument("keys", nargs="*", metavar="KEY")
    p.add_argument("--failed", action="store_true", help="re-queue every failed URL")
    p.add_argument(
        "--from",
        dest="redo_from",
        choices=["failed-step", "transcript"],
        default="failed-step",
        help="failed-step (default): resume, reusing every valid output; transcript: transcribe again "
        "(the audio is reused) and redo everything after it",
    )
    p.add_argument(
        "--language", "-l", help="with --from transcript: the language to transcribe in (kept; auto = detect again)"
    )
    p.add_argument("--model", help="with --from transcript: a Whisper model name or directory for this URL (kept)")
    p.set_defaults(func=cmd_retry)
    from vsl_assets.web.commands import register as register_web

    register_web(sub)  # web, user add, token create
    p = sub.add_parser("up", help="run the Dagster webserver + daemon and the web app together")
    p.add_argument("--host", default="127.0.0.1", help="address the web app listens on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="web app port (default 8000)")
    p.add_argument(
        "--dagster-host",
        default="127.0.0.1",
        help="address the Dagster UI listens on (default 127.0.0.1; it has no login: publish it through an "
        "authenticating reverse proxy, see docs/security.md)",
    )
    p.add_argument("--dagster-port", type=int, default=3000, help="Dagster UI port (default 3000)")
    p.add_argument(
        "--expose-dagster",
        action="store_true",
        help="allow a non-loopback --dagster-host (only behind a firewall or an authenticating proxy)",
    )
    p.set_defaults(func=cmd_up)
    p = sub.add_parser("search", help="search every transcript; hits land on the second a phrase is said")
    p.add_argument("query", help='words, "a phrase", prefix*, -excluded, a OR b')
    p.add_argument("--json", action="store_true", help="print a JSON list of hits")
    p.add_argument("--lang", help="only VSLs in this language (pt, en, es...)")
    p.add_argument("--niche", help="top or top/sub, e.g. health or health/diabetes")
    p.add_argument("--lead", help="lead type: offer, promise, problem_solution, big_secret, proclamation, story")
    p.add_argument("--awareness", help="unaware, problem_aware, solution_aware, product_aware, most_aware")
    p.add_argument("--key", help="search inside this one VSL")
    p.add_argument("--pitch-min", type=float, metavar="S", help="offer section starts at or after S seconds")
    p.add_argument("--pitch-max", type=float, metavar="S", help="offer section starts at or before S seconds")
    p.add_argument("--price-min", type=float, help="offer price at least this (a not-sure price never matches)")
    p.add_argument("--price-max", type=float, help="offer price at most this")
    p.add_argument("--currency", help="offer currency, ISO 4217 (BRL, USD...)")
    p.add_argument("--limit", type=int, default=20, help="VSLs per page (default 20)")
    p.add_argument("--page", type=int, default=1)
    p.set_defaults(func=cmd_search)
    p = sub.add_parser("reindex", help="rebuild the search index from the database")
    p.set_defaults(func=cmd_reindex)
    p = sub.add_parser("remove", help="forget URLs: rows, media, transcripts, breakdowns, search documents")
    p.add_argument("keys", nargs="+", metavar="KEY")
    p.set_defaults(func=cmd_remove)
    p = sub.add_parser("export", help="the catalog: one row per VSL (status, duration, niche, lead, offer...)")
    p.add_argument("--format", choices=("csv", "parquet", "json"), default="csv")
    p.add_argument("--out", help="file to write (default: stdout; required for parquet)")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser(
        "analyze", help="break down a transcript file (JSON, SRT, VTT or TXT): niche, lead, beats, offer"
    )
    p.add_argument("file", help="a stored transcript JSON, or an .srt/.vtt/.txt file")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--engine", choices=("local", "openai"), help="default: VSL_BREAKDOWN_ENGINE")
    p.add_argument("--language", help="pt, en, es... (default: from the file, else guessed)")
    p.set_defaults(func=cmd_analyze, standalone=True)
    return parser


def locate(cwd: Path, settings: Settings) -> Settings:
    """The settings to act on, or a :class:`ConfigurationError` saying what was looked for.

    Without a project, only an explicit database and an absolute storage root will do: anything
    else would silently create a second, empty database wherever ``vsl`` happens to run.
    """
    if settings.project_dir is not None:
        return settings
    if settings.database_url and settings.storage_dir.is_absolute():
        return settings
    raise ConfigurationError(settings_module.project_not_found_message(cwd))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for name in ("file", "out"):  # `add --file`, `analyze FILE`, `export --out`: before moving to the project
        value = getattr(args, name, None)
        if value and value != "-":
            setattr(args, name, str(Path(value).resolve()))
    try:
        settings = settings_module.current()
        if not getattr(args, "standalone", False):
            settings = locate(Path.cwd(), settings)
        if settings.project_dir is not None:
            # Relative paths in dagster.yaml are relative to the project, as for `dagster dev`.
            os.chdir(settings.project_dir)
        return int(args.func(args, settings))
    except ConfigurationError as exc:
        _err(exc.reason)
        return EXIT_USAGE
    except VslError as exc:  # e.g. a transcript file that cannot be read, an engine that failed
        _err(exc.reason)
        return EXIT_FAILED
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except OSError as exc:
        _err(str(exc))
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
