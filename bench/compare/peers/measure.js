'use strict';
// Shared measuring loop for the Node.js peers of the ablauf benchmark.
// Each engine script supplies runOne(scenario) -> where the instance ended
// ('done', 'rejected', ...), or a promise of it for asynchronous engines.
// Every instance is checked here, so a broken run can never look fast.

const fs = require('node:fs');
const path = require('node:path');

const STEPS = 9; // automated service tasks / states per instance
const AMOUNT = 250; // >= 100, so the s5..s9 branch must be taken

// The no-op "service" every step calls; the check counts its calls.
const work = {
  count: 0,
  noop() {
    work.count++;
  },
};

// An engine that stalls (a promise that never settles) lets Node drain its
// event loop and exit 0 without a result line: turn that into a failure too.
let reported = false;
process.on('exit', (code) => {
  if (code === 0 && !reported) {
    process.stderr.write('check failed: exited before reporting (an instance stalled?)\n');
    process.exitCode = 1;
  }
});

function fail(message) {
  process.stderr.write(`check failed: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { scenario: argv[0], seconds: 1, rounds: 5 };
  for (let i = 1; i < argv.length; i += 2) {
    const value = Number(argv[i + 1]);
    if (argv[i] === '--seconds' && value > 0) opts.seconds = value;
    else if (argv[i] === '--rounds' && Number.isInteger(value) && value > 0) opts.rounds = value;
    else fail(`bad argument ${argv[i]} ${argv[i + 1] ?? ''}`);
  }
  if (opts.scenario !== 'automated' && opts.scenario !== 'human') {
    fail('usage: node peers/<engine>.js <automated|human> [--seconds S] [--rounds R]');
  }
  return opts;
}

// Version of an installed peer, read from its own package.json (bpmn-engine's
// "exports" map hides package.json from require, so read the file directly).
function packageVersion(name) {
  const file = path.join(__dirname, '..', 'node_modules', name, 'package.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}

function peakRssKib() {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

// Runs instances one at a time until at least `seconds` have elapsed
// (clock read after every instance); returns {instances, ns}.
async function runFor(seconds, scenario, runOne) {
  const limit = BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let instances = 0;
  let elapsed = 0n;
  do {
    const before = work.count;
    let end = runOne(scenario);
    // Only await real promises: a synchronous engine pays no microtask hop.
    if (end && typeof end.then === 'function') end = await end;
    if (end !== 'done') fail(`instance ${instances} ended at ${JSON.stringify(end)}, expected "done"`);
    const steps = work.count - before;
    if (steps !== STEPS) fail(`instance ${instances} ran ${steps} steps, expected ${STEPS}`);
    instances++;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < limit);
  return { instances, ns: elapsed };
}

// Warm-up (not measured), then `rounds` rounds; reports the median round by
// instances/s as one JSON line on stdout.
async function measure(engine, runOne) {
  const { scenario, seconds, rounds } = parseArgs(process.argv.slice(2));
  await runFor(seconds, scenario, runOne);

  const results = [];
  for (let r = 0; r < rounds; r++) {
    const { instances, ns } = await runFor(seconds, scenario, runOne);
    const secs = Number(ns) / 1e9;
    results.push({ instances, secs, ips: instances / secs });
  }
  results.sort((a, b) => a.ips - b.ips);
  const median = results[(results.length - 1) >> 1]; // an actual round (lower median if R is even)

  const line = {
    engine,
    version: packageVersion(engine),
    scenario,
    instances: median.instances,
    seconds: Number(median.secs.toFixed(6)),
    instances_per_s: Number(median.ips.toFixed(1)),
    steps_per_s: Number((median.ips * STEPS).toFixed(1)),
    peak_rss_kib: peakRssKib(),
    node: process.version,
  };
  reported = true;
  process.stdout.write(JSON.stringify(line) + '\n');
}

module.exports = { AMOUNT, STEPS, work, fail, measure };
