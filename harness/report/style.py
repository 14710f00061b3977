"""The conformance summary's inline style sheet (no external resources)."""

CSS = """
:root { --pass:#1b7a3a; --pass-bg:#e3f4e8; --fail:#b3261e; --fail-bg:#fbe4e2;
  --inc:#8a5a00; --inc-bg:#fff1cc; --na:#50575e; --na-bg:#eceff1; --line:#d5d9de; --ink:#1d2125;
  --muted:#5b6470; --accent:#1f4e8c; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: #f6f7f9; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; padding-bottom: 4px;
  border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 22px 0 6px; }
p { margin: 6px 0 10px; max-width: 80ch; }
a { color: var(--accent); }
.lede { color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 18px; margin: 14px 0; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; word-break: break-word; }
.banner { padding: 12px 16px; border-radius: 6px; font-weight: 600; font-size: 16px;
  margin: 14px 0; }
.banner.pass { background: var(--pass-bg); color: var(--pass);
  border-left: 6px solid var(--pass); }
.banner.fail { background: var(--fail-bg); color: var(--fail);
  border-left: 6px solid var(--fail); }
.banner.inconclusive { background: var(--inc-bg); color: var(--inc);
  border-left: 6px solid var(--inc); }
nav ol { columns: 2; margin: 6px 0; padding-left: 20px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 14px; font-size: 14px; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
thead th { background: #eef1f4; position: sticky; top: 0; }
table.grid { table-layout: fixed; }
table.grid th.first { width: 34%; }
th.run { text-align: center; min-width: 110px; }
.entry { margin: 2px 0 6px; }
.entry .target { display: block; font-size: 11px; color: var(--muted); word-break: break-all; }
td.cell { text-align: center; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.alarm-fail { color: var(--fail); background: var(--fail-bg); font-weight: 700; }
td.alarm-inconclusive { color: var(--inc); background: var(--inc-bg); font-weight: 700; }
tr.req > td { background: #f8f9fb; }
tr.req td.name { font-weight: 600; }
td.scenario { padding-left: 26px; }
.id { font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: 600;
  white-space: nowrap; }
.sub { display: block; color: var(--muted); font-size: 13px; font-weight: 400; }
.v { display: inline-block; min-width: 92px; padding: 1px 8px; border-radius: 10px; font-size: 13px;
  font-weight: 600; text-align: center; white-space: nowrap; }
.v-pass { background: var(--pass-bg); color: var(--pass); }
.v-deviation { background: var(--na-bg); color: var(--pass); border: 1px dashed var(--pass); }
.v-fail { background: var(--fail-bg); color: var(--fail); }
.v-inconclusive { background: var(--inc-bg); color: var(--inc); }
.v-not-applicable { background: var(--na-bg); color: var(--na); }
.v-none { color: var(--muted); font-weight: 400; }
.outcome { display: block; text-align: left; font-size: 13px; margin-top: 4px; color: var(--ink);
  white-space: pre-wrap; word-break: break-word; }
.gap { color: var(--muted); font-style: italic; text-align: left; }
.gap.testable { color: var(--fail); font-style: normal; }
details { margin-top: 4px; text-align: left; }
details pre { white-space: pre-wrap; word-break: break-word; font-size: 12px; background: #f3f4f6;
  padding: 6px; margin: 4px 0 0; max-height: 320px; overflow: auto; }
.tag { display: inline-block; font-size: 12px; padding: 0 6px; border-radius: 8px;
  background: #e8eef7; color: var(--accent); margin-left: 6px; font-weight: 600; }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; }
.lead-link { font-size: 17px; font-weight: 600; background: #e8eef7; padding: 8px 12px;
  border-radius: 6px; }
.identity { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
@media print { thead th { position: static; } main { max-width: none; padding: 0; }
  body { background: #fff; font-size: 12px; } table { font-size: 11px; }
  table.grid th.first { width: 22%; }
  tr { break-inside: avoid; } }
"""
