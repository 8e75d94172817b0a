'use strict';
// Turns the results of run.sh into the table docs/performance.md quotes (printed, and kept in
// results/table.md) and the data files the charts/*.gp scripts draw.
// Usage: node report.js <results folder>

const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
const read = (name) => fs.readFileSync(path.join(dir, name), 'utf8');
const write = (name, text) => fs.writeFileSync(path.join(dir, name), text);

const runs = read('compare.jsonl').trim().split('\n').map((line) => JSON.parse(line));
const curves = JSON.parse(read('curves.json')).benchmarks;

// Numbers as people read them: 1,234,567 and 12.3.
const grouped = (n) => Math.round(n).toLocaleString('en-US');
// How many times faster ablauf is: "590×", or "1/590" where it is slower.
const ratio = (ours, theirs) => {
  const r = ours / theirs;
  if (r >= 10) return `${grouped(r)}×`;
  if (r >= 1) return `${r.toFixed(1)}×`;
  return `1/${grouped(1 / r)}`;
};

const lines = [];
for (const line of read('machine.txt').trim().split('\n')) lines.push(`- ${line}`);
lines.push('');
lines.push('| scenario | engine | version | instances/s | steps/s | peak RSS | ablauf ÷ engine |');
lines.push('| --- | --- | --- | ---: | ---: | ---: | ---: |');
for (const scenario of ['automated', 'human']) {
  const here = runs.filter((run) => run.scenario === scenario);
  const ablauf = here.find((run) => run.engine === 'ablauf');
  for (const run of here) {
    lines.push(`| ${scenario} | ${run.engine} | ${run.version} | ${grouped(run.instances_per_s)} | ` +
      `${grouped(run.steps_per_s)} | ${(run.peak_rss_kib / 1024).toFixed(0)} MiB | ` +
      `${run.engine === 'ablauf' ? '1' : ratio(ablauf.instances_per_s, run.instances_per_s)} |`);
  }
}
const table = lines.join('\n') + '\n';
process.stdout.write(table);
write('table.md', table);

// Engines side by side: one row per engine, instances/s per scenario.
const engines = [...new Set(runs.map((run) => run.engine))];
const rate = (engine, scenario) =>
  runs.find((run) => run.engine === engine && run.scenario === scenario).instances_per_s;
write('peers.dat', engines.map((engine) =>
  `"${engine}" ${rate(engine, 'automated')} ${rate(engine, 'human')}`).join('\n') + '\n');

// Cost per step against a size: nanoseconds from the items (steps) per second.
const curve = (prefix) => curves
  .filter((b) => b.name.startsWith(prefix) && b.run_type !== 'aggregate')
  .map((b) => `${Number(b.name.split('/').pop())} ${1e9 / b.items_per_second}`)
  .join('\n') + '\n';
write('definition.dat', curve('load_and_compile/untyped/'));
write('live.dat', curve('engine_steps_with_live_instances/'));
