/**
 * The callstate demo: a browser softphone on the public API only (`createPhone` and the JsSIP user
 * agent), in plain TypeScript and DOM. Everything it shows is derived from the library's observables.
 */
import * as JsSIP from 'jssip';
import { createPhone, type CallState, type DeviceList, type Phone, type PhoneState, type Session } from 'callstate';
import { createJsSipUserAgent, sipInfoRecording } from 'callstate/jssip';
import { createRedactingInspector, createRelayInspector, type RelayInspector } from 'callstate/inspect';
import { CallCard } from './call-card';
import { loadConfig, type DemoConfig } from './config';
import { h, setData, setText } from './dom';
import { DemoLog, type DemoLogEntry } from './log';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
const HISTORY = 4;

declare global {
  interface Window {
    /** An XState inspection observer installed by a driver's init script (`--inspect`); passed to createPhone. */
    callstateDemoInspect?: (event: unknown) => void;
    /** The offline inspector's relay (`ws://127.0.0.1:…/relay`), set by the tour's init script with `--inspect`. */
    callstateDemoInspectRelay?: string;
    /** The demo's state, for drivers and tests: the transcript and the phone. */
    callstateDemo?: { readonly config: DemoConfig; readonly log: readonly DemoLogEntry[]; readonly phone: Phone | null };
  }
}

function isLoopback(server: string): boolean {
  try {
    const host = new URL(server).hostname;
    return host === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '[::1]';
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const config = await loadConfig();
  const app = document.getElementById('app') as HTMLElement;
  let phone: Phone | null = null;
  let phoneState: PhoneState | null = null;
  let callIndex = 0;
  const cards = new Map<string, CallCard>();

  // ------------------------------------------------------------ layout
  const field = (name: string, label: string, value: string, type = 'text') =>
    h('label', {}, label, h('input', { name, value, type, autocomplete: 'off', spellcheck: 'false' }));
  const userField = field('user', 'Extension', config.user);
  const passwordField = field('password', 'Password', config.password, 'password');
  const nameField = field('name', 'Display name', config.name);
  const serverField = field('server', 'Server', config.server);
  const input = (label: HTMLElement) => label.querySelector('input') as HTMLInputElement;
  const registerButton = h('button', { type: 'button', 'data-action': 'register', class: 'good' }, 'Register');
  const disconnectButton = h('button', { type: 'button', 'data-action': 'disconnect', disabled: true }, 'Disconnect');
  const transport = h('span', { class: 'pill', 'data-role': 'transport' }, 'transport: –');
  const registration = h('span', { class: 'pill', 'data-role': 'registration' }, 'registration: –');
  const who = h('span', { class: 'who' });
  const dialNumber = h('input', { id: 'dial-number', inputmode: 'tel', placeholder: 'number', autocomplete: 'off', size: 10 });
  const callButton = h('button', { type: 'button', 'data-action': 'call', class: 'good', disabled: true }, 'Call');
  const videoCallButton = h('button', { type: 'button', 'data-action': 'video-call', class: 'good', disabled: true }, 'Video call');
  const picker = (kind: string, label: string) => {
    const select = h('select', { 'data-device': kind, disabled: true }) as HTMLSelectElement;
    return { select, label: h('label', {}, label, select) };
  };
  const pickers = { microphones: picker('microphone', 'Microphone'), cameras: picker('camera', 'Camera'), speakers: picker('speaker', 'Speaker') };
  const banners = h('div', { class: 'banners', 'aria-live': 'polite' });
  const calls = h('div', { class: 'calls' });
  const emptyCalls = h('p', { class: 'empty' }, 'No calls.');
  const history = h('div', { class: 'calls history' });
  const historyTitle = h('h2', { class: 'history-title' }, 'Ended');
  const logBox = h('div', { class: 'log-box' }, h('h2', {}, 'What the library reports'));
  const log = new DemoLog(() => (phone ? config.user : input(userField).value), logBox);

  app.append(
    h(
      'header',
      { class: 'top' },
      h('h1', {}, 'callstate ', h('small', {}, 'demo softphone')),
      who,
      transport,
      registration,
    ),
    h(
      'div',
      { class: 'columns' },
      h(
        'div',
        { class: 'left' },
        h('section', { class: 'panel account' }, h('h2', {}, 'Account'), userField, passwordField, nameField, serverField, h('div', { class: 'row' }, registerButton, disconnectButton)),
        h(
          'section',
          { class: 'panel dialpad' },
          h('h2', {}, 'Dial'),
          h('div', { class: 'row' }, dialNumber, callButton, videoCallButton),
          h(
            'div',
            { class: 'keys' },
            ...KEYS.map((key) =>
              h('button', { type: 'button', class: 'key', 'data-dial': key, onclick: () => { dialNumber.value += key; renderPhone(); } }, key),
            ),
            h('button', { type: 'button', class: 'key wide', 'data-dial': 'clear', onclick: () => { dialNumber.value = ''; renderPhone(); } }, 'Clear'),
          ),
        ),
        h('section', { class: 'panel devices' }, h('h2', {}, 'Devices'), pickers.microphones.label, pickers.cameras.label, pickers.speakers.label),
      ),
      h('div', { class: 'right' }, banners, h('h2', {}, 'Calls'), emptyCalls, calls, historyTitle, history),
    ),
    logBox,
  );

  window.callstateDemo = {
    config,
    log: log.entries,
    get phone() {
      return phone;
    },
  };

  // ------------------------------------------------------------ rendering
  function renderPhone(): void {
    const state = phoneState;
    setText(transport, `transport: ${state?.transport ?? '–'}`);
    setText(registration, `registration: ${state?.registration ?? '–'}`);
    setData(document.body, 'transport', state?.transport ?? null);
    setData(document.body, 'registration', state?.registration ?? null);
    setText(who, phone ? `${config.user}${input(nameField).value ? ` · ${input(nameField).value}` : ''}` : '');
    registerButton.disabled = phone !== null && state?.transport !== 'disconnected';
    disconnectButton.disabled = phone === null || state?.transport === 'disconnected';
    callButton.disabled = !state?.isRegistered || state.isMaxCall || dialNumber.value.trim() === '';
    videoCallButton.disabled = callButton.disabled;
    historyTitle.style.display = history.children.length > 0 ? '' : 'none';
    emptyCalls.style.display = cards.size > 0 && [...cards.values()].some((c) => c.phase !== 'ended') ? 'none' : '';
  }

  function renderBanners(incoming: readonly Session[]): void {
    banners.replaceChildren(
      ...incoming.map((session) => {
        const { remote, identity } = session.state;
        const name = identity.name ?? remote.name;
        return h(
          'div',
          { class: 'banner', 'data-call-id': session.callId, 'data-remote': remote.number },
          h('span', { class: 'ring', 'aria-hidden': 'true' }),
          h('span', {}, 'Incoming call from '),
          h('strong', { class: 'name' }, name ?? remote.number),
          name ? h('span', { class: 'number' }, remote.number) : null,
          h('button', { type: 'button', class: 'good', 'data-action': 'banner-answer', onclick: () => void answer(session) }, 'Answer'),
          h('button', { type: 'button', class: 'good', 'data-action': 'banner-answer-video', onclick: () => void answer(session, true) }, 'Answer with video'),
          h('button', { type: 'button', class: 'bad', 'data-action': 'banner-reject', onclick: () => reject(session) }, 'Reject'),
        );
      }),
    );
  }

  async function answer(session: Session, video = false): Promise<void> {
    const result = await session.answer({ video });
    log.add('ui', `clicked answer${video ? ' with video' : ''}: ${result.ok ? 'accepted' : `refused (${session.lastRefusal?.reason ?? '?'})`}`, { callId: session.callId });
  }

  function reject(session: Session): void {
    const ok = session.reject();
    log.add('ui', `clicked reject: ${ok ? 'accepted' : 'refused'}`, { callId: session.callId });
  }

  function renderCards(): void {
    for (const card of cards.values()) card.render();
    renderPhone();
  }

  const host = {
    log,
    stateOf: (callId: string): CallState | null => phone?.getSession(callId)?.state ?? null,
    changed: () => queueMicrotask(renderCards),
  };

  function syncSessions(sessions: readonly Session[]): void {
    const live = new Set(sessions.map((s) => s.callId));
    for (const session of sessions) {
      if (cards.has(session.callId)) continue;
      callIndex += 1;
      const card = new CallCard(session, callIndex, host);
      cards.set(session.callId, card);
      calls.prepend(card.element);
    }
    for (const [callId, card] of cards) {
      if (live.has(callId)) continue;
      card.render();
      card.dispose();
      cards.delete(callId);
      history.prepend(card.element);
      while (history.children.length > HISTORY) history.lastElementChild?.remove();
    }
    renderCards();
  }

  // ------------------------------------------------------------ the phone
  /** `--inspect`: redacted inspection events to the offline inspector's relay, labelled by extension; loopback only. */
  function relayInspector(user: string): RelayInspector | null {
    const url = window.callstateDemoInspectRelay ?? config.inspectRelay;
    if (!url) return null;
    if (!url.startsWith('ws://') || !isLoopback(url)) {
      log.add('ui', `inspector relay ${url} ignored: not a ws:// loopback address`);
      return null;
    }
    log.add('ui', `inspection events go to ${url} as ${user}`);
    return createRelayInspector({ url, label: user });
  }

  function register(): void {
    if (phone) {
      phone.start();
      return;
    }
    const user = input(userField).value.trim();
    const server = input(serverField).value.trim();
    const domain = config.user === user && config.server === server ? config.domain : (() => { try { return new URL(server).hostname; } catch { return config.domain; } })();
    const name = input(nameField).value.trim();
    const userAgent = createJsSipUserAgent({
      uri: `sip:${user}@${domain}`,
      servers: server,
      credentials: { authorizationUser: user, password: input(passwordField).value },
      displayName: name || undefined,
      jssip: JsSIP,
      recording: sipInfoRecording(),
      connectionRecovery: { minInterval: 1, maxInterval: 8 },
      // On loopback the first host candidate is all there is; elsewhere let ICE gather fully.
      iceGathering: isLoopback(server) ? { stopAtFirstHostCandidate: true } : {},
    });
    (config as { user: string }).user = user;
    const inspect = relayInspector(user)?.inspect ?? (window.callstateDemoInspect && createRedactingInspector(window.callstateDemoInspect));
    const created = createPhone({
      userAgent,
      recordPermissions: 2,
      reportIntervalMs: config.reportMs,
      dtmf: { transport: config.dtmf },
      ...(inspect ? { inspect } : {}),
    });
    phone = created;
    for (const element of [userField, serverField, nameField, passwordField]) input(element).disabled = true;
    let lastPhoneLine = '';
    created.state$.subscribe((state) => {
      phoneState = state;
      const line = `transport ${state.transport} · registration ${state.registration} · ${state.calls.length} call(s)`;
      if (line !== lastPhoneLine) {
        lastPhoneLine = line;
        log.add('phone', line, { data: state });
      }
      renderPhone();
    });
    created.events$.subscribe(({ name, args }) => {
      if (name === 'isRegisteredChange' || name === 'currentSessionChange') return;
      const first = args[0] as Record<string, unknown> | undefined;
      let text = String(name);
      if (name === 'incoming' || name === 'newRTCSession' || name === 'startSession') {
        const session = (first as { session: Session }).session;
        text = `${name}: ${session.state.direction} ${session.state.remote.number}`;
      } else if (name === 'deleteSession') text = `deleteSession: ${String(first?.cause)}`;
      else if (name === 'referReceived') text = `referReceived → ${String(first?.target)} (${first?.accepted ? 'accepted' : 'declined'})`;
      else if (name === 'registrationFailed') text = `registrationFailed: ${String(first?.cause)} ${String(first?.code ?? '')}`;
      else if (name === 'disconnected') text = `disconnected: ${String(first?.reason)}`;
      log.add('phone-event', text, { data: { name, args: args.map((a) => (a && typeof a === 'object' && 'session' in a ? { ...a, session: undefined } : a)) } });
    });
    created.sessions$.subscribe(syncSessions);
    created.devices$.subscribe(renderDevices);
    created.on('startSession', () => created.refreshDevices());
    created.incoming$.subscribe(renderBanners);
    created.start();
  }

  // ------------------------------------------------------------ devices
  function renderDevices(list: DeviceList): void {
    for (const kind of ['microphones', 'cameras', 'speakers'] as const) {
      const { select } = pickers[kind];
      const entries = list[kind];
      select.replaceChildren(
        ...entries.map((entry, i) =>
          h('option', { value: entry.deviceId, selected: entry.selected }, entry.label || `${kind.slice(0, -1)} ${i + 1}`),
        ),
      );
      select.disabled = entries.length === 0;
    }
  }

  const mediaElements = () => [...document.querySelectorAll<HTMLMediaElement>('audio, video')];
  for (const kind of ['microphones', 'cameras', 'speakers'] as const) {
    pickers[kind].select.addEventListener('change', () => {
      const current = phone;
      const id = pickers[kind].select.value;
      if (!current || !id) return;
      const run =
        kind === 'microphones' ? current.useMicrophone(id) : kind === 'cameras' ? current.useCamera(id) : current.useSpeaker(id, ...mediaElements());
      const label = pickers[kind].select.selectedOptions[0]?.textContent ?? id;
      void run.then((result) => log.add('ui', `picked ${kind.slice(0, -1)} ${label}: ${result.ok ? 'in use' : `refused (${result.reason ?? '?'})`}`));
    });
  }

  registerButton.addEventListener('click', () => {
    log.add('ui', 'clicked register');
    register();
  });
  disconnectButton.addEventListener('click', () => {
    log.add('ui', `clicked disconnect: ${phone?.disconnect() ? 'accepted' : 'refused'}`);
  });
  dialNumber.addEventListener('input', renderPhone);
  dialNumber.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !callButton.disabled) callButton.click();
  });
  const place = (video: boolean) => {
    const number = dialNumber.value.trim();
    if (!phone || !number) return;
    void phone.call(number, { video }).then((result) => {
      log.add('ui', `clicked ${video ? 'video call' : 'call'} ${number}: ${result.ok ? 'accepted' : `refused (${result.reason ?? phone?.lastRefusal?.reason ?? '?'})`}`);
      if (result.ok) dialNumber.value = '';
      renderPhone();
    });
  };
  callButton.addEventListener('click', () => place(false));
  videoCallButton.addEventListener('click', () => place(true));
  window.addEventListener('beforeunload', () => phone?.destroy());

  renderPhone();
  document.body.dataset.ready = 'true';
  if (config.autoRegister) registerButton.click();
}

void main();
