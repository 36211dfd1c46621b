"""``add_urls``: add URLs from the Dagster UI (Launchpad), as ``vsl add`` does from a terminal."""

from dagster import Config, Failure, MetadataValue, OpExecutionContext, Output, job, op
from pydantic import Field

from vsl_assets.defs.partitions import InstancePartitions
from vsl_assets.defs.resources import DatabaseResource, MediaResource
from vsl_assets.net.urls import redact_url
from vsl_assets.services import intake


class AddUrlsConfig(Config):
    urls: list[str] = Field(description="URLs to add: HLS streams, media files or sales pages (http/https).")


@op(description="Validate, normalise and de-duplicate the URLs, store them as pending_ingest, register partitions.")
def add_urls_op(
    context: OpExecutionContext, config: AddUrlsConfig, db: DatabaseResource, media: MediaResource
) -> Output[list[str]]:
    with db.session() as s:
        report = intake.add_urls(
            s,
            config.urls,
            partitions=InstancePartitions(context.instance),
            net=media.net_policy,
            tracking=media.url_tracking_params,
        )
    refused = [f"{i.url[:200]!r}: {i.error}" for i in report.refused]
    if not report.accepted:
        raise Failure(
            description="no valid URL to add: " + ("; ".join(refused) or "the list is empty"),
            allow_retries=False,
        )
    for reason in refused:
        context.log.warning(f"refused {reason}")
    for item in report.accepted:
        if item.warning:
            context.log.warning(f"note: {intake.refusal_note(item)}")
    lines = [
        f"| `{i.partition_key}` | {'added' if i.added else f'already known ({i.status})'} | {redact_url(i.url)} |"
        for i in report.accepted
    ]
    table = "| key | result | URL |\n|---|---|---|\n" + "\n".join(lines)
    return Output(
        report.keys,
        metadata={
            "added": MetadataValue.int(report.added),
            "already_known": MetadataValue.int(len(report.accepted) - report.added),
            "refused": MetadataValue.md("\n".join(f"- {r}" for r in refused) or "none"),
            "will_be_refused": MetadataValue.md(
                "\n".join(f"- `{i.partition_key}`: {i.warning}" for i in report.accepted if i.warning) or "none"
            ),
            "urls": MetadataValue.md(table),
        },
    )


@job(description="Add VSL URLs (config: urls). The pending_urls_sensor then runs the pipeline for each.")
def add_urls() -> None:
    add_urls_op()
