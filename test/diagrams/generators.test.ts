import { createMachine, stateIn } from 'xstate';
import { renderSvg, toDot, toMermaid } from '../../src/diagrams';
import { callMachine } from '../../machines/call.machine';

/** A small machine with every construct the generators draw. */
const sample = createMachine({
  id: 'demo',
  initial: 'idle',
  on: { PING: { actions: () => undefined } },
  states: {
    idle: { on: { GO: [{ guard: 'ready', target: 'busy' }, { target: 'done' }] } },
    busy: {
      type: 'parallel',
      on: { STOP: 'done' },
      states: {
        a: { initial: 'a1', states: { a1: { on: { NEXT: 'a2' } }, a2: { always: { guard: stateIn('#demo.busy.b.b2'), target: 'a1' } } } },
        b: { initial: 'b1', on: { RESET: '.b1' }, states: { b1: { after: { 500: 'b2' } }, b2: { after: { slow: 'b1' } } } },
      },
    },
    done: { type: 'final' },
  },
});

describe('toDot', () => {
  const dot = toDot(sample);

  test('states are nodes and compound states clusters, all with their path as id', () => {
    expect(dot).toContain('subgraph "cluster_demo" {');
    expect(dot).toContain('subgraph "cluster_demo.busy" {');
    expect(dot).toContain('subgraph "cluster_demo.busy.a" {');
    expect(dot).toMatch(/"demo\.idle" \[id="demo\.idle", class="state state-atomic"/);
    expect(dot).toMatch(/graph \[id="demo\.busy", class="state state-parallel"/);
    expect(dot).toMatch(/graph \[id="demo\.busy\.a", class="state state-compound state-region".*style="dashed,rounded"/);
  });

  test('initial markers, the final state as a double circle', () => {
    expect(dot).toContain('"initial:demo" [id="initial:demo", class="initial", shape="point"');
    expect(dot).toContain('"initial:demo.busy.a" -> "demo.busy.a.a1"');
    expect(dot).toMatch(/"demo\.done" \[id="demo\.done", class="state state-final".*shape="doublecircle"/);
  });

  test('edge labels: event and guard, else, after, always, stateIn; targetless transitions inside their state', () => {
    expect(dot).toMatch(/"demo\.idle" -> "initial:demo\.busy\.a" \[id="transition:demo\.idle\/demo\.busy".*label=<GO \[ready\]>.*lhead="cluster_demo\.busy"/);
    expect(dot).toContain('label=<GO [else]>');
    expect(dot).toContain('label=<after 500ms>');
    expect(dot).toContain('label=<after slow>');
    expect(dot).toContain('label=<always [in busy.b.b2]>');
    expect(dot).toContain('PING<BR ALIGN="LEFT"/>');
  });

  test('a transition a compound state takes for all its descendants starts at its "any state" marker', () => {
    expect(dot).toContain('"any:demo.busy.b" [id="any:demo.busy.b"');
    expect(dot).toMatch(/"any:demo\.busy\.b" -> "demo\.busy\.b\.b1" \[id="transition:any:demo\.busy\.b\/demo\.busy\.b\.b1".*label=<RESET>/);
  });

  test('a transition leaving a compound state is clipped at its cluster', () => {
    expect(dot).toMatch(/-> "demo\.done" \[id="transition:demo\.busy\/demo\.done".*label=<STOP>.*ltail="cluster_demo\.busy"/);
  });

  test('renders to SVG whose state elements carry the state paths', async () => {
    const svg = await renderSvg(dot);
    for (const id of ['demo', 'demo.idle', 'demo.busy', 'demo.busy.a', 'demo.busy.a.a1', 'demo.busy.b.b2', 'demo.done']) {
      expect(svg).toContain(`<g id="${id}" class="`);
    }
  });

  test('a changed machine gives a different diagram (what the sync test catches)', () => {
    const changed = createMachine({ ...sample.config, states: { ...sample.config.states, extra: {} } });
    expect(toDot(changed)).not.toBe(dot);
    expect(toDot(changed)).toContain('"demo.extra"');
  });

  test('the call machine: the delay of ending reads "after endingTimeout"', () => {
    expect(toDot(callMachine)).toMatch(/"call\.ending" -> "call\.ended" \[[^\]]*label=<after endingTimeout>/);
  });
});

describe('toMermaid', () => {
  const mmd = toMermaid(sample);

  test('composites, regions separated by --, initial and final markers', () => {
    expect(mmd.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(mmd).toContain('state "busy (parallel)" as demo_busy {');
    expect(mmd).toMatch(/state "a" as demo_busy_a \{[\s\S]*?\n {6}--\n {6}state "b" as demo_busy_b \{/);
    expect(mmd).toContain('[*] --> demo_idle');
    expect(mmd).toContain('demo_done --> [*]');
  });

  test('transitions labelled like the DOT edges; any-state and targetless ones in notes', () => {
    expect(mmd).toContain('demo_idle --> demo_busy : GO [ready]');
    expect(mmd).toContain('demo_idle --> demo_done : GO [else]');
    expect(mmd).toContain('demo_busy_b_b1 --> demo_busy_b_b2 : after 500ms');
    expect(mmd).toContain('demo_busy_a_a2 --> demo_busy_a_a1 : always [in busy.b.b2]');
    expect(mmd).toMatch(/note right of demo_busy_b\n {4}RESET → b1 \(from any state\)\n {2}end note/);
    expect(mmd).toMatch(/note right of demo\n {4}PING\n/);
  });
});
