'use strict';
// The "order" workflow as an xstate v5 machine: s1..s9 each run a no-op
// entry action and move on by an eventless (always) transition; after s4 a
// guard on context.amount picks s5 (>= 100) or the final state "rejected".
// Usage: node peers/xstate.js <automated|human> [--seconds S] [--rounds R]

const { setup, createActor } = require('xstate');
const { AMOUNT, work, measure } = require('./measure');

// One step state: run the service on entry, then continue at once.
const step = (next) => ({ entry: 'noop', always: next });

function orderMachine(human) {
  const states = {
    s1: step('s2'),
    s2: step('s3'),
    s3: step('s4'),
    s4: step(human ? 'approve' : 'approved'),
    // The gateway: a transient state whose guarded always-transitions branch.
    approved: { always: [{ guard: 'bigEnough', target: 's5' }, { target: 'rejected' }] },
    s5: step('s6'),
    s6: step('s7'),
    s7: step('s8'),
    s8: step('s9'),
    s9: step('done'),
    done: { type: 'final' },
    rejected: { type: 'final' },
  };
  // "human": wait here for the approval event.
  if (human) states.approve = { on: { APPROVE: 'approved' } };

  return setup({
    actions: { noop: () => work.noop() },
    guards: { bigEnough: ({ context }) => context.amount >= 100 },
  }).createMachine({
    id: human ? 'order_human' : 'order',
    context: ({ input }) => ({ amount: input.amount }),
    initial: 's1',
    states,
  });
}

const machines = { automated: orderMachine(false), human: orderMachine(true) };

// Where a snapshot stands: the final state's name once done, else a marker.
const endOf = (snapshot) => (snapshot.status === 'done' ? snapshot.value : `${snapshot.status}:${JSON.stringify(snapshot.value)}`);

function runOne(scenario) {
  const machine = machines[scenario];
  const actor = createActor(machine, { input: { amount: AMOUNT } });
  actor.start(); // xstate runs the whole macrostep synchronously
  if (scenario === 'automated') return endOf(actor.getSnapshot());

  // human: paused at "approve"; persist, drop the actor, restore a fresh one.
  if (actor.getSnapshot().value !== 'approve') return endOf(actor.getSnapshot());
  const saved = JSON.stringify(actor.getPersistedSnapshot());
  const restored = createActor(machine, { snapshot: JSON.parse(saved) });
  restored.start();
  restored.send({ type: 'APPROVE' });
  return endOf(restored.getSnapshot());
}

measure('xstate', runOne);
