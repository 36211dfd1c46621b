"""``add_urls``: add URLs from the Dagster UI (Launchpad), as ``vsl add`` does from a terminal."""

from dagster import Config, Failure, MetadataValue, OpExecutionContext, Output, job, op
from pydantic import Field

from vsl_assets.db import repo
from vsl_assets.defs.partitions import register
from vsl_assets.defs.resources import DatabaseResource
from vsl_assets.errors import InvalidUrlError
from vsl_assets.urls import normalize_url, redact_url


class AddUrlsConfig(Config):
    urls: list[str] = Field(description="URLs to add: HLS streams, media files or sales pages (http/https).")


@op(description="Validate, normalise and de-duplicate the URLs, store them as pending_ingest, register partitions.")
def add_urls_op(context: OpExecutionContext, config: AddUrlsConfig, db: DatabaseResource) -> Output[list[str]]:
    valid: list[str] = []
    refused: list[str] = []
    for raw in config.urls:
        try:
            valid.append(normalize_url(raw))
        except InvalidUrlError as exc:
            refused.append(f"{raw[:200]!r}: {exc.reason}")
    if not valid:
        raise Failure(
            description="no valid URL to add: " + ("; ".join(refused) or "the list is empty"),
            allow_retries=False,
        )
    with db.session() as s:
        results = repo.add_urls(s, valid)
    keys = [r.partition_key for r in results]
    register(context.instance, keys)
    for reason in refused:
        context.log.warning(f"refused {reason}")
    lines = [
        f"| `{r.partition_key}` | {'added' if r.created else f'already known ({r.status})'} | {redact_url(r.url)} |"
        for r in results
    ]
    table = "| key | result | URL |\n|---|---|---|\n" + "\n".join(lines)
    return Output(
        keys,
        metadata={
            "added": MetadataValue.int(sum(r.created for r in results)),
            "already_known": MetadataValue.int(sum(not r.created for r in results)),
            "refused": MetadataValue.md("\n".join(f"- {r}" for r in refused) or "none"),
            "urls": MetadataValue.md(table),
        },
    )


@job(description="Add VSL URLs (config: urls). The pending_urls_sensor then runs the pipeline for each.")
def add_urls() -> None:
    add_urls_op()
