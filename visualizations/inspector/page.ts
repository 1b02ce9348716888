/**
 * The offline inspector page: connects to the relay it was served by, keeps every actor's state
 * (InspectorModel), draws the selected actor's statechart (the generated SVG, or a list of its
 * states when there is no SVG) with the active states highlighted, and lists the events.
 * Plain DOM, no framework; bundled by visualizations/inspector/build.mjs.
 */
import { InspectorModel, activePaths, describeValue, leafPaths, statePaths } from '../../src/inspect/view-model';
import type { ActorView, LogEntry } from '../../src/inspect/view-model';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const actorsEl = $('actors');
const diagramEl = $('diagram');
const titleEl = $('chart-title');
const pathsEl = $('active-paths');
const logEl = $('log');
const connectionEl = $('connection');
const countsEl = $('counts');
const onlySelectedEl = $<HTMLInputElement>('only-selected');

let model = new InspectorModel();
let selectedKey: string | null = null;
let shownDiagram: { key: string; machine: string; kind: 'svg' | 'list' } | null = null;
let renderScheduled = false;
const svgCache = new Map<string, string | null>();
const svgLoading = new Map<string, Promise<void>>();

function connect(): void {
  const socket = new WebSocket(`ws://${location.host}/relay?role=viewer`);
  socket.onopen = () => {
    connectionEl.textContent = 'connected to the relay';
    connectionEl.dataset.status = 'open';
  };
  socket.onmessage = (message) => {
    const data = JSON.parse(String(message.data)) as Record<string, unknown>;
    if (data.type === '@callstate.history') model = new InspectorModel();
    model.apply(data);
    scheduleRender();
  };
  socket.onclose = () => {
    connectionEl.textContent = 'relay closed; reconnecting…';
    connectionEl.dataset.status = 'closed';
    setTimeout(connect, 1000);
  };
}

function scheduleRender(): void {
  if (renderScheduled) return;
  renderScheduled = true;
  setTimeout(() => {
    renderScheduled = false;
    render();
  }, 0);
}

function loadSvg(machine: string): void {
  if (svgCache.has(machine) || svgLoading.has(machine)) return;
  svgLoading.set(
    machine,
    fetch(`${machine}.svg`)
      .then((response) => (response.ok ? response.text() : null))
      .catch(() => null)
      .then((text) => {
        svgCache.set(machine, text && text.includes('<svg') ? text : null);
        svgLoading.delete(machine);
        shownDiagram = null;
        scheduleRender();
      }),
  );
}

const time = (at: number) => {
  const date = new Date(at);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
};

function actorName(actor: ActorView): string {
  if (actor.machine === 'call') return `call ${actor.actorId}`;
  const root = actor.label ? ` · ${actor.label}` : '';
  return `${actor.actorId}${root}`;
}

function renderActors(actors: ActorView[]): void {
  if (actors.length === 0) return;
  const groups = new Map<string, ActorView[]>();
  for (const actor of actors) groups.set(actor.rootKey, [...(groups.get(actor.rootKey) ?? []), actor]);
  const fragment = document.createDocumentFragment();
  for (const members of groups.values()) {
    const group = document.createElement('div');
    group.className = 'phone-group';
    for (const actor of members) {
      const tab = document.createElement('button');
      tab.className = 'actor-tab';
      tab.type = 'button';
      tab.setAttribute('role', 'tab');
      tab.setAttribute('aria-selected', String(actor.key === selectedKey));
      Object.assign(tab.dataset, {
        key: actor.key,
        actorId: actor.actorId,
        machine: actor.machine ?? '',
        label: actor.label ?? '',
        status: actor.status,
        leaves: actor.machine ? leafPaths(actor.machine, actor.value).join(' ') : '',
      });
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = actorName(actor);
      const state = document.createElement('span');
      state.className = 'state';
      state.textContent = describeValue(actor.value);
      tab.append(name, state);
      tab.addEventListener('click', () => {
        selectedKey = actor.key;
        scheduleRender();
      });
      group.append(tab);
    }
    fragment.append(group);
  }
  actorsEl.replaceChildren(fragment);
}

function showDiagram(actor: ActorView): void {
  const machine = actor.machine as string;
  loadSvg(machine);
  const svg = svgCache.get(machine);
  const kind = svg ? 'svg' : 'list';
  if (shownDiagram && shownDiagram.key === actor.key && shownDiagram.kind === kind) return;
  shownDiagram = { key: actor.key, machine, kind };
  if (svg) {
    diagramEl.innerHTML = svg;
    // Each state's group has its path as id and the class `state` (src/diagrams/ids.ts).
    for (const group of diagramEl.querySelectorAll<SVGGElement>('g.state[id]')) group.dataset.statePath = group.id;
    return;
  }
  const list = document.createElement('ul');
  list.className = 'state-list';
  list.dataset.view = 'list';
  for (const state of actor.definition ? statePaths(actor.definition, machine) : []) {
    const item = document.createElement('li');
    item.dataset.statePath = state.path;
    if (state.parallel) item.classList.add('parallel');
    if (state.final) item.classList.add('final');
    item.style.paddingLeft = `${state.depth * 1.2 + 0.4}rem`;
    const name = document.createElement('span');
    name.className = 'state-name';
    name.textContent = state.name;
    item.append(name);
    list.append(item);
  }
  if (!actor.definition) list.textContent = 'No diagram and no definition for this machine.';
  diagramEl.replaceChildren(list);
}

function highlight(actor: ActorView): void {
  const machine = actor.machine as string;
  const active = new Set(activePaths(machine, actor.value));
  const leaves = new Set(leafPaths(machine, actor.value));
  for (const element of diagramEl.querySelectorAll<HTMLElement | SVGElement>('[data-state-path]')) {
    const path = element.dataset.statePath as string;
    element.classList.toggle('active-state', active.has(path));
    element.classList.toggle('active-leaf', leaves.has(path));
  }
  pathsEl.textContent = [...leaves].join('  ·  ');
  pathsEl.dataset.paths = [...active].join(' ');
  pathsEl.dataset.actorKey = actor.key;
}

function renderLog(actors: Map<string, ActorView>): void {
  const onlySelected = onlySelectedEl.checked && selectedKey !== null;
  const rows: LogEntry[] = [];
  for (let i = model.log.length - 1; i >= 0 && rows.length < 400; i -= 1) {
    const entry = model.log[i];
    if (!onlySelected || entry.actorKey === selectedKey) rows.push(entry);
  }
  const fragment = document.createDocumentFragment();
  for (const entry of rows) {
    const actor = actors.get(entry.actorKey);
    const row = document.createElement('tr');
    row.className = `kind-${entry.kind}`;
    row.dataset.seq = String(entry.seq);
    const cells = [time(entry.at), actor ? actorName(actor) : entry.actorKey, entry.kind, entry.eventType, entry.state ?? ''];
    for (const text of cells) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.append(cell);
    }
    fragment.append(row);
  }
  logEl.replaceChildren(fragment);
}

function render(): void {
  const actors = model.machineActors();
  if ((selectedKey === null || !model.actors.has(selectedKey)) && actors.length > 0) selectedKey = actors[0].key;
  renderActors(actors);
  const selected = selectedKey ? model.actors.get(selectedKey) : undefined;
  if (selected && selected.machine) {
    titleEl.textContent = `${actorName(selected)} — ${selected.status}`;
    showDiagram(selected);
    highlight(selected);
  }
  renderLog(model.actors);
  countsEl.textContent = `${actors.length} actors · ${model.log.length} events`;
  document.body.dataset.rendered = String(model.log.length);
}

onlySelectedEl.addEventListener('change', scheduleRender);
connect();
