"""The readers no one here wrote, behind one process per test file: delta-rs (deltalake) and Apache
Spark with Delta and spark-avro. Spark starts with the first request that needs it and then answers
every later one, since a session takes seconds to start.

One JSON request per line on stdin, one JSON response per line on stdout (the first line says the
process is ready); anything Spark or py4j print goes to stderr. Requests:

  {"op": "delta_rs", "uri": ..., "storageOptions": {...}}
      -> {"version", "files": [uri...], "schema": "...", "rows": [...]}
  {"op": "spark_sql", "views": [{"name", "format", "path", "options", "schema"?}], "conf"?: {...}, "sql": ...}
      -> {"schemas": {view: Spark's JSON schema}, "rows": [...]}
  {"op": "stream_start", "name", "format", "path", "schema", "options", "checkpoint", "output"}
      -> {}: a Structured Streaming file-source query into Parquet, triggered every 200 ms
  {"op": "stream_drain", "name"}
      -> {}: returns once the query has processed every file there is now
  {"op": "stream_finish", "name", "sql"}
      -> {"batches", "rows"}: processes what is available, stops, and runs sql over the output as view name

A failed request answers {"ok": false, "error", "errorClass"} and the process goes on.
"""
import base64
import datetime
import decimal
import json
import os
import sys
import time

responses = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr

_spark = None
_streams = {}


def spark():
    global _spark
    if _spark is None:
        from pyspark.sql import SparkSession

        tmp = os.environ["READER_TMP"]
        builder = (
            SparkSession.builder.master("local[2]")
            .appName("stream-capture-readers")
            .config("spark.driver.memory", "1g")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.jars", os.environ["READER_SPARK_JARS"])
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .config("spark.sql.warehouse.dir", os.path.join(tmp, "warehouse"))
            .config(
                "spark.driver.extraJavaOptions",
                f"-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dderby.system.home={os.path.join(tmp, 'derby')}",
            )
            .config("spark.sql.session.timeZone", "UTC")
            # Delta replays its log in one task instead of fifty: these tables are small.
            .config("spark.databricks.delta.snapshotPartitions", "1")
            .config("spark.sql.codegen.wholeStage", "false")
        )
        _spark = builder.getOrCreate()
        _spark.sparkContext.setLogLevel("ERROR")
    return _spark


def plain(value):
    """A value delta-rs (pyarrow) returns, as JSON: times and dates in ISO 8601, bytes in base64."""
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(f"cannot send {type(value).__name__}")


def delta_rs(request):
    from deltalake import DeltaTable

    table = DeltaTable(request["uri"], storage_options=request.get("storageOptions") or None)
    data = table.to_pyarrow_table()
    return {
        "version": table.version(),
        "files": table.file_uris(),
        "schema": str(data.schema),
        "rows": json.loads(json.dumps(data.to_pylist(), default=plain)),
    }


def spark_rows(frame):
    from pyspark.sql import functions as F

    # Spark's own JSON: timestamps in ISO 8601 with microseconds, nulls kept.
    options = {"timestampFormat": "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX", "ignoreNullFields": "false"}
    columns = [F.col(f"`{name}`") for name in frame.columns]
    return [json.loads(row.j) for row in frame.select(F.to_json(F.struct(*columns), options).alias("j")).collect()]


def reader(request):
    read = spark().read.format(request["format"])
    if request.get("schema"):
        read = read.schema(request["schema"])
    for key, value in (request.get("options") or {}).items():
        read = read.option(key, value)
    return read.load(request["path"])


def spark_sql(request):
    # Session settings, such as a catalog's (spark.sql.catalog.<name>.*): Spark reads them at its first use.
    for key, value in (request.get("conf") or {}).items():
        spark().conf.set(key, value)
    schemas = {}
    for view in request.get("views") or []:
        frame = reader(view)
        frame.createOrReplaceTempView(view["name"])
        schemas[view["name"]] = frame.schema.jsonValue()
    return {"schemas": schemas, "rows": spark_rows(spark().sql(request["sql"]))}


def stream_start(request):
    source = spark().readStream.format(request["format"]).schema(request["schema"])
    for key, value in (request.get("options") or {}).items():
        source = source.option(key, value)
    query = (
        source.load(request["path"])
        .writeStream.format("parquet")
        .option("path", request["output"])
        .option("checkpointLocation", request["checkpoint"])
        .trigger(processingTime="200 milliseconds")
        .start()
    )
    _streams[request["name"]] = (query, request["output"])
    return {}


def stream_drain(request):
    _streams[request["name"]][0].processAllAvailable()
    return {}


def stream_finish(request):
    query, output = _streams.pop(request["name"])
    query.processAllAvailable()
    batches = len([progress for progress in query.recentProgress if progress["numInputRows"] > 0])
    query.stop()
    spark().read.parquet(output).createOrReplaceTempView(request["name"])
    return {"batches": batches, "rows": spark_rows(spark().sql(request["sql"]))}


OPERATIONS = {
    "delta_rs": delta_rs,
    "spark_sql": spark_sql,
    "stream_start": stream_start,
    "stream_drain": stream_drain,
    "stream_finish": stream_finish,
}


def main():
    responses.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        started = time.time()
        request = json.loads(line)
        try:
            response = {"ok": True, **OPERATIONS[request["op"]](request)}
        except Exception as error:  # every failure is the test's to judge
            response = {"ok": False, "errorClass": type(error).__name__, "error": str(error).split("\n\tat ")[0][:4000]}
        response["ms"] = int((time.time() - started) * 1000)
        responses.write(json.dumps(response) + "\n")
    for query, _ in _streams.values():
        query.stop()
    if _spark is not None:
        _spark.stop()


if __name__ == "__main__":
    main()
