"""A consumer of Event Hubs Capture files written the way Microsoft's Capture quickstart reads them
(azure-docs, articles/event-hubs/event-hubs-capture-python.md, capturereader.py): walk every file
of the container, skip the empty ones (508 bytes or less, Capture's empty file), open each with
Apache avro's DataFileReader, and json.loads each record's Body. Where the quickstart appends the
readings to one CSV file per device id, this prints them as JSON per device, with what the
reader's metadata said, so a test can compare.

Usage: python captureConsumer.py FOLDER
"""

import json
import os
import sys

from avro.datafile import DataFileReader
from avro.io import DatumReader

EMPTY_CAPTURE_FILE_BYTES = 508


def process_blob(filename, devices, files):
    reader = DataFileReader(open(filename, "rb"), DatumReader())
    files.append(
        {
            "name": filename,
            "codec": reader.meta["avro.codec"].decode("utf-8"),
            "schema": reader.meta["avro.schema"].decode("utf-8"),
        }
    )
    for reading in reader:
        parsed_json = json.loads(reading["Body"])
        if "id" not in parsed_json:
            continue
        devices.setdefault(parsed_json["id"], []).append(
            {
                "reading": parsed_json,
                "SequenceNumber": reading["SequenceNumber"],
                "Offset": reading["Offset"],
                "EnqueuedTimeUtc": reading["EnqueuedTimeUtc"],
                "partitionKey": reading["SystemProperties"].get("x-opt-partition-key"),
                "properties": reading["Properties"],
            }
        )
    reader.close()


def start_processing(folder):
    devices = {}
    files = []
    for root, _dirs, names in sorted(os.walk(folder)):
        for name in sorted(names):
            path = os.path.join(root, name)
            if name.endswith(".avro") and os.path.getsize(path) > EMPTY_CAPTURE_FILE_BYTES:
                process_blob(path, devices, files)
    json.dump({"files": files, "devices": devices}, sys.stdout)


if __name__ == "__main__":
    start_processing(sys.argv[1])
