"""``vsl_catalog``: one row per VSL as Parquet and CSV, refreshed whenever a VSL's outputs change."""

from dagster import (
    AssetExecutionContext,
    AssetSelection,
    AutomationCondition,
    AutomationConditionSensorDefinition,
    DefaultSensorStatus,
    MaterializeResult,
    MetadataValue,
    asset,
)

from vsl_assets.core.humanize import human_bytes
from vsl_assets.defs.resources import BreakdownResource, DatabaseResource, StorageResource
from vsl_assets.services.export import store_catalog

#: Built once when missing, then again whenever a VSL's search_index partition is materialized
#: after the catalog was last requested. Deliberately not ``eager()``/``since_last_handled()``:
#: there the reset ("handled") is an OR of conditions, which carries no timestamps, so when one
#: tick sees both the catalog's own materialization and a VSL updated seconds later, the reset
#: wins and that update is never picked up (seen under the daemon). Here trigger and reset both
#: carry timestamps (materialization times vs. the tick that requested the catalog), so Dagster's
#: ``since`` keeps an update that landed after the request. No "every dependency present" guard:
#: with one partition per URL some are always missing (failed URLs) or in progress, and the
#: catalog lists those too.
CATALOG_AUTOMATION = (
    AutomationCondition.newly_missing().since_last_handled()
    | AutomationCondition.any_deps_match(AutomationCondition.newly_updated()).since(
        AutomationCondition.newly_requested()
    )
) & ~AutomationCondition.in_progress()


@asset(
    group_name="vsl",
    deps=["search_index"],
    kinds={"pandas", "parquet", "csv"},
    automation_condition=CATALOG_AUTOMATION,
    description="One row per VSL (its URL, media, transcript and breakdown facts: vsl_assets.catalog.COLUMNS) "
    "as storage/catalog/vsl_catalog.parquet and .csv.",
)
def vsl_catalog(
    context: AssetExecutionContext, db: DatabaseResource, storage: StorageResource, breakdown_engine: BreakdownResource
) -> MaterializeResult:
    done = store_catalog(
        sessions=db.session,
        layout=storage.layout,
        store=storage.store,
        min_confidence=breakdown_engine.min_confidence,
    )
    context.log.info(f"catalog: {done.rows} VSLs written to {storage.layout.catalog}")
    return MaterializeResult(
        metadata={
            "row_count": MetadataValue.int(done.rows),
            "by_status": MetadataValue.json(done.by_status),
            **{f"{fmt}_path": MetadataValue.path(str(path)) for fmt, path in done.paths.items()},
            "parquet_size": human_bytes(done.paths["parquet"].stat().st_size),
            "preview": MetadataValue.md(done.preview),
        }
    )


#: Dagster's default automation sensor starts stopped; this one runs from the start and only
#: looks after the catalog (the pipeline's assets are launched by ``pending_urls_sensor``).
catalog_automation_sensor = AutomationConditionSensorDefinition(
    "catalog_automation_sensor",
    target=AssetSelection.assets(vsl_catalog),
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Rebuilds vsl_catalog after VSLs change (at most every 30 s).",
)
