'use strict';
// The "order" workflow (order.bpmn / order_human.bpmn) in bpmn-engine.
// One Engine per instance, as bpmn-engine models an instance.
// Usage: node peers/bpmn_engine.js <automated|human> [--seconds S] [--rounds R]

const fs = require('node:fs');
const path = require('node:path');
const { EventEmitter } = require('node:events');
const { Engine } = require('bpmn-engine');
const { AMOUNT, work, fail, measure } = require('./measure');

const services = {
  // Service task implementation: count, then call back synchronously.
  noop(scope, callback) {
    work.noop();
    callback();
  },
  // Gateway condition helper: the default expression handler has no operators.
  atLeast: (value, min) => value >= min,
};

// Keep the engine quiet and skip per-element debug() setup: the documented
// Logger option with no-op methods (nothing is printed either way).
const quiet = () => ({ debug() {}, warn() {}, error() {} });

// Parse each BPMN file once and reuse its serialized context for every
// instance (the documented sourceContext option), like a deployed definition.
async function sourceContextOf(file) {
  const engine = new Engine({ source: fs.readFileSync(path.join(__dirname, file), 'utf8'), Logger: quiet });
  const [definition] = await engine.getDefinitions();
  return definition.environment.options.source;
}

const newEngine = (sourceContext) => new Engine({ sourceContext, services, Logger: quiet });

// Which end event the instance reached; anything else means it did not end.
function endOf(engine) {
  const execution = engine.execution;
  if (!execution || execution.state !== 'idle' || execution.activityStatus !== 'idle') {
    return `running:${execution && execution.state}`;
  }
  const taken = (id) => execution.getActivityById(id).counters.taken;
  if (taken('done') === 1 && taken('rejected') === 0) return 'done';
  if (taken('rejected') === 1) return 'rejected';
  return 'no end event';
}

async function runAutomated(sourceContext) {
  const engine = newEngine(sourceContext);
  const ended = engine.waitFor('end'); // rejects on engine error
  await engine.execute({ variables: { amount: AMOUNT } });
  await ended;
  return endOf(engine);
}

async function runHuman(sourceContext) {
  // Start; it pauses in the user task "approve".
  const engine = newEngine(sourceContext);
  const listener = new EventEmitter();
  const waiting = new Promise((resolve) => listener.once('wait', resolve));
  await engine.execute({ listener, variables: { amount: AMOUNT } });
  const api = await waiting;
  if (api.id !== 'approve') return `waiting at ${api.id}`;

  // Persist, drop the engine, recover into a fresh one from the JSON text.
  const saved = JSON.stringify(await engine.getState());
  const restored = newEngine(sourceContext).recover(JSON.parse(saved));
  const ended = restored.waitFor('end');
  const execution = await restored.resume();
  execution.signal({ id: 'approve' });
  await ended;
  return endOf(restored);
}

async function main() {
  const scenario = process.argv[2];
  const file = scenario === 'human' ? 'order_human.bpmn' : 'order.bpmn';
  const sourceContext = await sourceContextOf(file);
  const run = scenario === 'human' ? runHuman : runAutomated;
  await measure('bpmn-engine', () => run(sourceContext));
}

main().catch((err) => fail(err && err.stack ? err.stack : String(err)));
