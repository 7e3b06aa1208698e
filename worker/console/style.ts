/** The console's style sheet (served as /console/app.css). */
export const STYLE = `
:root { --fg: #1d2330; --muted: #6b7280; --line: #d9dde3; --bg: #f7f8fa; --accent: #2457c5; --danger: #b42318; --s0: #2457c5; --s1: #d9480f; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; align-items: center; gap: 16px; padding: 8px 16px; background: #fff; border-bottom: 1px solid var(--line); }
nav { display: flex; gap: 4px; flex: 1; align-items: center; }
nav .right { margin-left: auto; }
button { font: inherit; padding: 4px 10px; border: 1px solid var(--line); background: #fff; border-radius: 4px; cursor: pointer; }
button.active { background: var(--accent); color: #fff; border-color: var(--accent); }
button.danger { color: var(--danger); border-color: var(--danger); }
button.small { padding: 0 6px; }
input, select, textarea { font: inherit; padding: 4px 6px; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
textarea { width: 100%; font-family: ui-monospace, monospace; }
main { padding: 16px; }
.row { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 6px 0; }
.row input { flex: 1 1 90px; min-width: 0; }
#scan-count, #ttl-seconds { flex: 0 0 80px; }
#xadd-id { flex: 0 1 220px; }
.keys { min-width: 0; }
.split { display: grid; grid-template-columns: minmax(280px, 2fr) 3fr; gap: 16px; }
.detail { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px; min-height: 200px; overflow: auto; }
.detail h2 { margin: 0 0 4px; font-size: 16px; word-break: break-all; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); vertical-align: top; word-break: break-all; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
pre { background: #fff; border: 1px solid var(--line); padding: 8px; overflow: auto; max-height: 360px; white-space: pre-wrap; word-break: break-all; }
pre.binary { white-space: pre; }
label.check { display: inline-flex; align-items: center; gap: 4px; color: var(--muted); }
textarea.hex { font-family: ui-monospace, monospace; width: 100%; }
.console { height: 420px; max-height: none; font-family: ui-monospace, monospace; }
.console .error { color: var(--danger); }
.console .prompt, .console .muted { color: var(--muted); }
.console .help { color: var(--accent); }
#console-input { flex: 1; font-family: ui-monospace, monospace; }
.muted { color: var(--muted); }
.error { color: var(--danger); }
.flash { min-height: 1.4em; padding: 0 16px; color: var(--muted); }
.flash.error { color: var(--danger); }
.badge { padding: 2px 8px; border-radius: 10px; background: #fde68a; font-size: 12px; }
.signin { max-width: 320px; margin: 15vh auto; display: flex; flex-direction: column; gap: 8px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 16px; }
.chart-box { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
.chart-box h3 { margin: 0 0 4px; font-size: 13px; }
svg.chart { display: block; width: 100%; height: auto; }
svg.chart .scale { font-size: 9px; fill: var(--muted); }
svg.chart .frame { fill: #fafbfc; stroke: var(--line); }
svg.chart .series { fill: none; stroke-width: 1.5; }
svg.chart .s0 { stroke: var(--s0); }
svg.chart .s1 { stroke: var(--s1); stroke-dasharray: 4 2; }
.legend { margin: 4px 0 0; display: flex; gap: 12px; font-size: 12px; }
.legend .s0 { color: var(--s0); }
.legend .s1 { color: var(--s1); }
`;
