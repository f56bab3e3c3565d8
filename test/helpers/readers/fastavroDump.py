"""Reads Avro object container files with fastavro and prints what it read as JSON on stdout.

An independent reader for the tests: it shares no code with the writer under test, checks every
block's sync marker and decompresses every codec itself. Bytes are printed as {"base64": ...} so a
body survives the trip whatever it holds.

Usage: python fastavroDump.py FILE...
"""

import base64
import json
import sys

import fastavro


def plain(value):
    """A decoded Avro value as JSON: bytes become {"base64": ...}, maps and arrays recursively."""
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def dump(path):
    with open(path, "rb") as file:
        reader = fastavro.reader(file)
        records = [plain(record) for record in reader]
        return {
            "path": path,
            "codec": reader.codec,
            "metadataKeys": sorted(reader.metadata.keys()),
            "schema": reader.metadata["avro.schema"],
            "records": records,
        }


if __name__ == "__main__":
    json.dump([dump(path) for path in sys.argv[1:]], sys.stdout)
