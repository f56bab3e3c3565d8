"""pyiceberg reading an Iceberg table the product committed, as a user would: a static table from its
metadata file (or from the table's folder, through metadata/version-hint.text), or a table of a
catalog pyiceberg loads from properties (`{"type": "glue", "glue.endpoint": ...}`). Prints one JSON
document: the current schema with field ids, the partition spec, each snapshot's summary, and the rows
(sorted by _source_partition and _position), values in JSON (dates and timestamps as ISO strings).

Usage: python icebergReader.py <metadata file or table folder URI> ['<FileIO properties as JSON>']
       python icebergReader.py --catalog '<properties as JSON>' <database.table>
"""
import datetime
import json
import sys

from pyiceberg.catalog import load_catalog
from pyiceberg.table import StaticTable


def plain(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def field_ids(field_type, path, out):
    for field in getattr(field_type, "fields", []):
        name = f"{path}{field.name}"
        out[name] = field.field_id
        child = field.field_type
        if hasattr(child, "element_id"):
            out[f"{name}.element"] = child.element_id
            field_ids(child.element_type, f"{name}.element.", out)
        else:
            field_ids(child, f"{name}.", out)
    return out


if sys.argv[1] == "--catalog":
    table = load_catalog("catalog", **json.loads(sys.argv[2])).load_table(sys.argv[3])
else:
    properties = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    table = StaticTable.from_metadata(sys.argv[1], properties)
rows = table.scan().to_arrow().to_pylist()
rows.sort(key=lambda row: (row.get("_source_partition") or "", row.get("_position") or 0))
print(json.dumps({
    "formatVersion": table.metadata.format_version,
    "schema": str(table.schema()),
    "fieldIds": field_ids(table.schema(), "", {}),
    "partitionSpec": [
        {"name": field.name, "transform": str(field.transform), "sourceId": field.source_id}
        for field in table.spec().fields
    ],
    "snapshots": [dict(snapshot.summary.additional_properties, operation=str(snapshot.summary.operation.value))
                  for snapshot in table.metadata.snapshots],
    "rows": plain(rows),
}))
