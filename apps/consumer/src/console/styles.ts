/**
 * The console's stylesheet, served as `/console/assets/console.css`. Colours keep a contrast of
 * at least 4.5:1 (WCAG AA) on their backgrounds; focus is always visible.
 */
export const STYLES = `
:root { color-scheme: light; --fg: #1a1a1a; --muted: #555; --bg: #fff; --line: #ccc; --accent: #0b57d0; --bad: #a50e0e; --good: #0d652d; --warn: #7a4b00; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 1rem; align-items: center; padding: .6rem 1rem; border-bottom: 1px solid var(--line); background: #f4f6f8; }
header h1 { font-size: 1.1rem; margin: 0; }
header nav { flex: 1; }
main, #login { padding: 1rem; max-width: 80rem; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f4f6f8; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f4f6f8; border: 1px solid var(--line); padding: .6rem; overflow: auto; max-height: 30rem; white-space: pre-wrap; word-break: break-all; }
button { font: inherit; padding: .3rem .8rem; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: var(--bad); border-color: var(--bad); }
input[type=text], input[type=password] { font: inherit; padding: .3rem .5rem; border: 1px solid #767676; border-radius: 4px; }
label { font-weight: 600; margin-right: .5rem; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0; }
.muted { color: var(--muted); }
.error, .bad { color: var(--bad); }
.good { color: var(--good); }
.warn { color: var(--warn); }
.groups a[aria-current=true] { font-weight: 700; }
.pager { display: flex; gap: 1rem; align-items: center; }
.outcome { padding: .5rem .8rem; border-left: 4px solid var(--accent); background: #eef3fd; margin: .5rem 0; }
.outcome.bad { border-color: var(--bad); background: #fbeaea; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
.htmx-indicator { display: none; }
.htmx-request .htmx-indicator, .htmx-request.htmx-indicator { display: inline; }
button:disabled { opacity: .6; cursor: progress; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
