import type { CompactionStatus } from './compactionStatus.js';
import type { DeadLetterReason } from './deadLetters.js';
import { durationText } from './durationText.js';
import { type Html, html, htmlText } from './html.js';
import type { LakeView } from './lakeView.js';
import { lineChart } from './lineChart.js';
import type { MinuteCell, MinuteGrid } from './minuteGrid.js';
import { PAGE_STYLE } from './pageStyle.js';

/** The console's page: the grid, the charts, the dead letters and compaction, all escaped by `html`. */
export function lakePage(view: LakeView): string {
  const { topic } = view;
  return htmlText(
    page(
      `Lake console: ${topic.name}`,
      html`<h1>Lake console: ${topic.name}</h1>
<p class="muted">${topic.format}, ${topic.compression}, layout ${topic.layout} · ${view.where} · read-only</p>
<section id="minutes"><h2>Minutes</h2>
${gridSection(view.grid)}</section>
<section id="charts"><h2>Records and lag</h2>
${chartsSection(view)}</section>
<section id="dead-letters"><h2>Dead letters</h2>
${deadLettersSection(view.deadLetters)}</section>
<section id="compaction"><h2>Compaction</h2>
${compactionSection(view.compaction)}</section>`,
    ),
  );
}

export function page(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>${PAGE_STYLE}</style></head>
<body>${body}</body></html>`;
}

function minuteLabel(minute: number): string {
  return new Date(minute * 60_000).toISOString().slice(11, 16);
}

function gridSection(grid: MinuteGrid): Html {
  if (grid.minutes.length === 0)
    return html`<p class="muted">No partition has a ledger yet: nothing captured.</p>`;
  const first = new Date((grid.minutes[0] as number) * 60_000).toISOString().slice(0, 10);
  return html`<p class="legend">
<span><i style="background:#2e8b57"></i>sealed</span><span><i style="background:#7fbf9f"></i>sealing</span>
<span><i style="background:#f0c000"></i>open (staged, not visible)</span><span><i style="background:#eee"></i>empty: idle or missing</span>
<span><i style="background:#1f4fa0"></i>late object (corner)</span><span><i style="background:#c0392b"></i>dead letters (corner)</span>
<span><i style="background:#2e8b57;outline:2px solid #000;outline-offset:-2px"></i>unreadable object (outlined)</span>
</p>
<p class="muted">UTC, from ${first} ${minuteLabel(grid.minutes[0] as number)}; click a cell for its object's first records.</p>
<div class="grid-scroll"><table class="grid">
<tr><th>partition</th>${grid.minutes.map((minute, index) => html`<th class="minute">${index % 10 === 0 ? minuteLabel(minute) : ''}</th>`)}</tr>
${grid.partitions.map(
  (row) =>
    html`<tr data-partition="${row.partition}"><th>${row.partition}</th>${row.cells.map((cell) => gridCell(row.partition, cell))}</tr>`,
)}
</table></div>`;
}

function gridCell(partition: string, cell: MinuteCell): Html {
  const late = cell.objects.filter((object) => object.late);
  const unreadable = [...cell.objects, ...cell.deadLetters].some((object) => object.unreadable !== null);
  const classes = [
    'cell',
    cell.state,
    late.length > 0 && 'late',
    cell.deadLetters.length > 0 && 'dead',
    unreadable && 'unreadable',
  ];
  const title = [
    `partition ${partition}, ${minuteLabel(cell.minute)}: ${cell.state}`,
    ...cell.objects.map(
      (object) =>
        `${object.late ? 'late object' : 'object'}: ${object.unreadable === null ? `${object.records} records` : `unreadable (${object.unreadable})`}, ${object.bytes} bytes`,
    ),
    ...(cell.open ? [`open: ${cell.open.records} records, ${cell.open.bytes} bytes staged`] : []),
    ...cell.deadLetters.map((object) => `dead letters: ${object.records}`),
  ].join('\n');
  const target = cell.objects[0] ?? cell.deadLetters[0];
  return html`<td class="${classes.filter(Boolean).join(' ')}" data-minute="${minuteLabel(cell.minute)}" data-state="${cell.state}" title="${title}">${
    target ? html`<a href="/object?path=${encodeURIComponent(target.path)}" aria-label="${title}"></a>` : ''
  }</td>`;
}

function chartsSection(view: LakeView): Html {
  const perMinute = view.grid.partitions.map((row) => ({
    name: `partition ${row.partition}`,
    points: row.cells.map(
      (cell) =>
        [
          cell.minute,
          cell.objects.reduce((sum, object) => sum + object.records, 0) + (cell.open?.records ?? 0),
        ] as const,
    ),
  }));
  const log = view.invocations;
  const lagCharts =
    log === null
      ? html`<p class="muted">No invocation log beside this lake (<code>_logs/invocations.jsonl</code>, written by <code>npm run local</code>): lag per invocation is in the cloud's logs for a deployed lake; the ledgers' lag is above.</p>`
      : html`${lineChart({
          title: `Lag per invocation (seconds), from ${log.file}`,
          series: Object.entries(log.byPartition).map(([partition, points]) => ({
            name: `partition ${partition}`,
            points: points.flatMap((point) =>
              point.lagMs === null ? [] : [[point.invocation, point.lagMs / 1000] as const],
            ),
          })),
          xLabel: (x) => `invocation ${x}`,
          yLabel: (y) => `${y.toFixed(1)} s`,
        })}${lineChart({
          title: 'Records per invocation',
          series: Object.entries(log.byPartition).map(([partition, points]) => ({
            name: `partition ${partition}`,
            points: points.map((point) => [point.invocation, point.records] as const),
          })),
          xLabel: (x) => `invocation ${x}`,
          yLabel: (y) => String(y),
        })}`;
  return html`${freshnessTable(view)}${lineChart({
    title: 'Records per minute (sealed, late and open)',
    series: perMinute,
    xLabel: minuteLabel,
    yLabel: (y) => String(y),
  })}${lagCharts}`;
}

/** Each partition's lag in time, from its ledger: there for any lake, a deployed one included. */
function freshnessTable(view: LakeView): Html {
  if (view.freshness.length === 0) return html``;
  const seconds = (value: number | null) => (value === null ? '' : durationText(value));
  return html`<h3>Lag by partition, from the ledgers, at ${view.at}</h3>
<table class="list freshness"><tr><th>partition</th><th>generation</th><th>newest record staged</th><th>behind</th><th>sealed through</th><th>sealed behind</th><th>open records</th><th>objects being sealed</th></tr>${view.freshness.map(
    (row) =>
      html`<tr data-partition="${row.partition}"><td>${row.partition}</td><td>${row.generation}</td><td>${row.newestRecord ?? ''}</td><td class="behind">${seconds(row.behindSeconds)}</td><td>${row.sealedThrough ?? ''}</td><td>${seconds(row.sealedBehindSeconds)}</td><td>${row.openRecords}</td><td>${row.pendingObjects}</td></tr>`,
  )}</table>`;
}

function deadLettersSection(reasons: readonly DeadLetterReason[]): Html {
  if (reasons.length === 0) return html`<p class="muted">No dead letters in these minutes.</p>`;
  return html`${reasons.map(
    (reason) => html`<section class="dead-reason" data-reason="${reason.reason}">
<h3><span class="reason">${reason.reason}</span> · ${reason.count} record${reason.count === 1 ? '' : 's'}</h3>
<table class="list"><tr><th>partition</th><th>offset</th><th>position</th><th>time</th><th>detail</th><th>bytes</th><th>object</th></tr>
${reason.entries.map(
  (
    entry,
  ) => html`<tr><td>${entry.partition}</td><td>${entry.offset}</td><td>${entry.position ?? ''}</td><td>${entry.timestamp}</td>
<td>${entry.detail}</td><td><code>${entry.preview}</code></td><td><a href="/object?path=${encodeURIComponent(entry.object)}">${entry.object}</a></td></tr>`,
)}
</table>${reason.count > reason.entries.length ? html`<p class="muted">and ${reason.count - reason.entries.length} more</p>` : ''}
</section>`,
  )}`;
}

function compactionSection(status: CompactionStatus): Html {
  if (status.kind === 'not-shown') return html`<p class="muted">${status.reason}.</p>`;
  const format = status.kind === 'iceberg' ? 'Iceberg table (path catalog)' : 'Delta table';
  const version =
    status.kind === 'iceberg' ? `metadata version ${status.version}` : `version ${status.version}`;
  return html`<p>${format} <code>${status.root}</code>, ${status.version < 0 ? 'not created yet' : version}.</p>
<h3>Watermarks</h3>
${
  status.watermarks.length === 0
    ? html`<p class="muted">No group has run yet.</p>`
    : html`<table class="list"><tr><th>group</th><th>complete before</th></tr>${status.watermarks.map(
        (mark) => html`<tr><td>${mark.group}</td><td>${mark.completeBefore}</td></tr>`,
      )}</table>`
}
<h3>Hours in the table</h3>
${
  status.committedHours.length === 0
    ? html`<p class="muted">None yet.</p>`
    : html`<table class="list committed"><tr><th>hour (UTC)</th><th>files</th><th>rows</th><th>bytes</th></tr>${status.committedHours.map(
        (hour) =>
          html`<tr><td>${hour.hour}</td><td>${hour.files}</td><td>${hour.rows}</td><td>${hour.bytes}</td></tr>`,
      )}</table>`
}
<h3>Hours waiting</h3>
${
  status.waitingHours.length === 0
    ? html`<p class="muted">Every hour of raw objects shown above is in the table.</p>`
    : html`<p class="waiting">${status.waitingHours.join(', ')} <span class="muted">(sealed raw objects, nothing of the hour in the table yet: an hour is compacted once it is closed, at minute 10 of the next)</span></p>`
}
<h3>Schema</h3>
${
  status.columns.length === 0
    ? html`<p class="muted">No columns yet.</p>`
    : html`<table class="list schema"><tr><th>column</th><th>type</th></tr>${status.columns.map(
        (column) => html`<tr><td>${column.name}</td><td><code>${column.type}</code></td></tr>`,
      )}</table>`
}
<h3>Schema changes by unit</h3>
${
  status.units.length === 0
    ? html`<p class="muted">No unit has run.</p>`
    : html`<table class="list units"><tr><th>hour</th><th>group</th><th>unit</th><th>committed</th><th>rows</th><th>changes</th></tr>${status.units.map(
        (
          unit,
        ) => html`<tr><td>${unit.hour}</td><td>${unit.group}</td><td>${unit.sequence}</td><td>${unit.committed ? 'yes' : 'no'}</td><td>${unit.rows}</td>
<td>${unit.changes.length === 0 ? html`<span class="muted">none</span>` : unit.changes.map((change) => html`<div><code>${change.path}</code> ${change.change}: ${change.detail}</div>`)}</td></tr>`,
      )}</table>`
}`;
}
