import { type Html, html } from './html.js';

/** The console's whole stylesheet, inline: the page loads nothing from anywhere else. */
export const PAGE_STYLE: Html = html`
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px 24px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 24px 0 8px; } h3 { font-size: 15px; margin: 12px 0 4px; }
.muted { color: #666; }
table { border-collapse: collapse; }
td, th { padding: 2px 6px; text-align: left; vertical-align: top; }
table.list td, table.list th { border-bottom: 1px solid #ddd; }
table.freshness td { white-space: nowrap; } table.freshness { margin-bottom: 12px; }
.grid-scroll { overflow-x: auto; max-width: 100%; }
table.grid { border-spacing: 1px; border-collapse: separate; }
table.grid th.minute { font-weight: normal; font-size: 11px; padding: 0; width: 16px; max-width: 16px; white-space: nowrap; overflow: visible; }
table.grid td.cell { width: 16px; height: 20px; padding: 0; position: relative; }
table.grid td.cell a { display: block; width: 100%; height: 100%; }
td.sealed { background: #2e8b57; } td.open { background: #f0c000; } td.sealing { background: #7fbf9f; }
td.empty { background: #eee; } td.cell.unreadable { outline: 2px solid #000; outline-offset: -2px; }
td.cell.late::after { content: ''; position: absolute; right: 0; top: 0; border: 4px solid #1f4fa0; border-left-color: transparent; border-bottom-color: transparent; }
td.cell.dead::before { content: ''; position: absolute; left: 0; bottom: 0; border: 4px solid #c0392b; border-right-color: transparent; border-top-color: transparent; }
.legend span { margin-right: 14px; white-space: nowrap; } .legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -2px; }
figure.chart { display: inline-block; margin: 0 24px 12px 0; } figure.chart text { font-size: 11px; fill: #444; }
code, pre { font: 12px/1.35 ui-monospace, monospace; } pre.record { background: #f6f6f6; padding: 6px 8px; margin: 4px 0; white-space: pre-wrap; word-break: break-all; }
.reason { font-weight: 600; color: #c0392b; }
`;
