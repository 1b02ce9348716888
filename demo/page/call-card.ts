import type { CallQualityReport, CallState, CallTimer, Session } from 'callstate';
import { actionsFor, type CallActions } from './actions';
import { QualityChart } from './chart';
import { clock, h, setData, setText } from './dom';
import type { DemoLog } from './log';

const DTMF_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

const PHASE_WORDS: Record<CallState['phase'], string> = {
  dialing: 'calling',
  ringing: 'ringing',
  answering: 'connecting',
  confirmed: 'in call',
  ending: 'hanging up',
  ended: 'ended',
};
const HOLD_WORDS: Record<string, string> = { holding: 'putting on hold…', held: 'on hold', resuming: 'resuming…' };
const RECORD_WORDS: Record<string, string> = {
  starting: 'starting recording…',
  recording: 'recording',
  pausing: 'pausing recording…',
  paused: 'recording paused',
  resuming: 'resuming recording…',
};
const TRANSFER_WORDS: Record<string, string> = {
  'blind.referring': 'transferring…',
  'blind.awaitingOutcome': 'transfer: waiting for the other side',
  'attended.consulting': 'consulting before the transfer',
  'attended.referring': 'completing the transfer…',
  'attended.awaitingOutcome': 'transfer: waiting for the other side',
};
const VIDEO_WORDS: Record<string, string> = { adding: 'adding video…', removing: 'stopping video…', offered: 'video offered', answering: 'answering video…' };
const CAUSE_WORDS: Record<string, string> = {
  bye: 'hung up',
  canceled: 'cancelled',
  rejected: 'declined',
  busy: 'busy',
  'not-found': 'number not found',
  unavailable: 'unavailable',
  'no-answer': 'no answer',
  transferred: 'transferred',
  replaced: 'replaced by the transferred call',
  'user-denied-media': 'microphone or camera access denied',
  'no-such-device': 'no such microphone or camera',
  'device-in-use': 'microphone or camera in use elsewhere',
  'constraints-impossible': 'no device fits the media settings',
  'media-failure': 'media failure',
  'connection-error': 'connection lost',
};

/** How a call ended, in words: "hung up by the other side (486)". */
export function describeEnd(end: NonNullable<CallState['end']>): string {
  const by = end.originator === 'local' ? ' here' : end.originator === 'remote' ? ' by the other side' : '';
  const what = CAUSE_WORDS[end.cause] ?? end.cause.replace(/-/g, ' ');
  const code = end.code ? ` (${end.code})` : '';
  return `${what}${end.cause === 'bye' || end.cause === 'rejected' || end.cause === 'canceled' ? by : ''}${code}`;
}

/** The call's video in words: "video: camera sent, receiving". */
function describeVideo(video: CallState['video']): string | null {
  if (VIDEO_WORDS[video.negotiation]) return VIDEO_WORDS[video.negotiation]!;
  if (video.negotiation !== 'on') return null;
  const sent = video.local === 'screen' ? 'sharing screen' : video.local === 'camera' ? 'camera on' : video.muted ? 'camera off' : 'not sending';
  return `video: ${sent}${video.remote ? ', receiving' : ''}`;
}

/** The call's state in a few words, as the card's badge and the transcript show it. */
export function describeCall(state: CallState): string {
  const parts: string[] = [PHASE_WORDS[state.phase]];
  if (state.hold && HOLD_WORDS[state.hold]) parts.push(HOLD_WORDS[state.hold]!);
  if (state.remoteHold) parts.push('on hold by the other side');
  if (state.muted) parts.push('muted');
  const video = state.phase === 'confirmed' ? describeVideo(state.video) : null;
  if (video) parts.push(video);
  if (state.recording && RECORD_WORDS[state.recording]) parts.push(RECORD_WORDS[state.recording]!);
  if (state.transfer && TRANSFER_WORDS[state.transfer]) parts.push(TRANSFER_WORDS[state.transfer]!);
  if (state.end) parts.push(describeEnd(state.end));
  return parts.join(' · ');
}

function fixed(value: number | null, digits: number, unit = ''): string {
  return value === null ? '–' : `${value.toFixed(digits)}${unit}`;
}

/** A report in one line. */
export function describeReport(report: CallQualityReport): string {
  return [
    `MOS ${fixed(report.mos, 2)}`,
    `rtt ${fixed(report.rttMs, 0, ' ms')}`,
    `jitter ${fixed(report.jitterMs, 1, ' ms')}`,
    `loss ${fixed(report.lossPercent, 1, ' %')}`,
    `${report.totals.packetsReceived ?? 0} pkts in`,
    report.codec ?? '',
    report.video
      ? `video ${fixed(report.video.framesPerSecond, 0, ' fps')} ${report.video.frameWidth ?? '–'}×${report.video.frameHeight ?? '–'}` +
        (report.video.freezes ? ` · ${report.video.freezes} freeze(s)` : '')
      : '',
    report.warnings.length ? `⚠ ${report.warnings.map((w) => w.name).join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Event arguments for the transcript, without the Session objects some events carry. */
function eventText(name: string, args: readonly unknown[]): string {
  const first = (args[0] ?? {}) as Record<string, unknown>;
  switch (name) {
    case 'progress':
      return `progress ${String(first.statusCode)}`;
    case 'ended':
      return `ended: ${String(first.cause)}${first.code ? ` ${String(first.code)}` : ''} (${String(first.originator)})`;
    case 'failed':
      return `failed: ${String(first.cause)}${first.code ? ` ${String(first.code)}` : ''}`;
    case 'dtmf':
      return `dtmf received: ${String(first.tone)}`;
    case 'streamAdded':
      return `streamAdded ${String(first.communicationType)}`;
    case 'transferSucceeded':
      return `transferSucceeded → ${String(first.target)}`;
    case 'transferFailed':
    case 'holdFailed':
    case 'unholdFailed':
      return `${name}: ${String(first.code ?? '')} ${String(first.reason ?? '')}`.trim();
    case 'recordFailed':
      return `recordFailed: ${String(first.reason)}`;
    case 'qualityWarning':
      return `qualityWarning raised [${String(first.raised)}] cleared [${String(first.cleared)}]`;
    case 'refused': {
      const refusal = first as { command?: string; reason?: string; message?: string };
      return `refused ${String(refusal.command)}: ${String(refusal.reason)} (${String(refusal.message)})`;
    }
    case 'info':
      return `info ${String(first.contentType)}`;
    case 'videoFailed':
      return `videoFailed: ${String(first.code ?? '')} ${String(first.reason ?? '')}`.trim();
    case 'videoChanged': {
      const video = first.video as CallState['video'];
      return `videoChanged: ${video.negotiation}, sending ${String(video.local ?? 'nothing')}, receiving ${video.remote ? 'video' : 'nothing'}`;
    }
    default:
      return name;
  }
}

/** What the card needs from the page. */
export interface CardHost {
  readonly log: DemoLog;
  /** The state of another call of this phone. */
  stateOf(callId: string): CallState | null;
  /** Something changed that other cards may depend on (a consultation, its parent). */
  changed(): void;
}

/** One call: identity, state, timer, controls, quality chart, remote audio. */
export class CallCard {
  readonly element: HTMLElement;
  readonly label: string;
  private state: CallState;
  private readonly badge = h('span', { class: 'badge' });
  private readonly timer = h('span', { class: 'timer' }, '00:00');
  private readonly name = h('span', { class: 'name' });
  private readonly number = h('span', { class: 'number' });
  private readonly note = h('div', { class: 'note' });
  private readonly quality = h('div', { class: 'quality' }, 'quality: no report yet');
  private readonly warnings = h('ul', { class: 'warnings' });
  private readonly received = h('span', { class: 'dtmf-received' });
  private readonly transferTarget = h('input', { class: 'transfer-target', placeholder: 'transfer to…', inputmode: 'tel', size: 8 });
  private readonly audio = h('audio', { autoplay: true });
  private readonly localVideo = h('video', { autoplay: true, muted: true, playsinline: true, class: 'local' }) as HTMLVideoElement;
  private readonly remoteVideo = h('video', { autoplay: true, muted: true, playsinline: true, class: 'remote' }) as HTMLVideoElement;
  private readonly tiles = h(
    'div',
    { class: 'tiles' },
    h('figure', { class: 'tile remote-tile' }, this.remoteVideo, h('figcaption', {}, 'them')),
    h('figure', { class: 'tile local-tile' }, this.localVideo, h('figcaption', {}, 'you')),
  );
  private readonly chart = new QualityChart();
  private readonly buttons = new Map<keyof CallActions | string, HTMLButtonElement>();
  private readonly subscriptions: Array<{ unsubscribe(): void }> = [];
  private lastDescription = '';
  private receivedTones = '';

  constructor(
    readonly session: Session,
    index: number,
    private readonly host: CardHost,
  ) {
    this.state = session.state;
    const arrow = this.state.direction === 'outgoing' ? '→' : '←';
    this.label = `#${index} ${arrow} ${this.state.remote.number}`;
    const button = (action: string, text: string, run: () => unknown, cls = '') => {
      const b = h('button', { type: 'button', 'data-action': action, class: cls, onclick: () => void run() }, text);
      this.buttons.set(action, b);
      return b;
    };
    this.element = h(
      'section',
      { class: 'call', 'data-call-id': session.callId, 'data-remote': this.state.remote.number, 'data-direction': this.state.direction },
      h('header', {}, h('span', { class: 'dir', title: this.state.direction }, arrow), this.name, this.number, this.badge, this.timer),
      this.note,
      h(
        'div',
        { class: 'controls' },
        h(
          'div',
          { class: 'row' },
          button('hangup', 'Hang up', () => this.ui('hang up', () => session.hangup()), 'bad'),
          button('hold', 'Hold', () => this.ui('hold', () => session.hold())),
          button('unhold', 'Unhold', () => this.ui('unhold', () => session.unhold())),
          button('mute', 'Mute', () => this.ui('mute', () => session.mute())),
          button('unmute', 'Unmute', () => this.ui('unmute', () => session.unmute())),
          button('record', 'Record', () => this.ui('record', () => session.startRecord())),
          button('pauseRecord', 'Pause recording', () => this.ui('pause recording', () => session.pauseRecord())),
        ),
        h(
          'div',
          { class: 'row video-controls' },
          button('addVideo', 'Add video', () => this.ui('add video', () => session.audioToVideo()), 'good'),
          button('acceptVideo', 'Accept video', () => this.ui('accept video', () => session.acceptVideo()), 'good'),
          button('declineVideo', 'Decline video', () => this.ui('decline video', () => session.declineVideo()), 'bad'),
          button('cameraOff', 'Camera off', () => this.ui('camera off', () => session.muteVideo())),
          button('cameraOn', 'Camera on', () => this.ui('camera on', () => session.unmuteVideo())),
          button('shareScreen', 'Share screen', () => this.ui('share screen', () => session.startScreenSharing())),
          button('stopShare', 'Stop sharing', () => this.ui('stop sharing', () => session.stopScreenSharing())),
          button('removeVideo', 'Stop video', () => this.ui('stop video', () => session.videoToAudio())),
        ),
        h(
          'div',
          { class: 'row dtmf' },
          h('span', { class: 'label' }, 'DTMF'),
          ...DTMF_KEYS.map((key) => {
            const b = h('button', { type: 'button', class: 'key', 'data-action': 'dtmf', 'data-key': key, onclick: () => void this.ui(`dtmf ${key}`, () => session.dtmf(key)) }, key);
            this.buttons.set(`dtmf:${key}`, b);
            return b;
          }),
          this.received,
        ),
        h(
          'div',
          { class: 'row transfer' },
          this.transferTarget,
          button('blindTransfer', 'Blind transfer', () => this.ui(`blind transfer to ${this.target()}`, () => session.blindTransfer(this.target()))),
          button('consult', 'Consult', () => this.ui(`consult ${this.target()}`, () => session.attendedTransfer(this.target()))),
          button('completeTransfer', 'Complete transfer', () => this.ui('complete transfer', () => session.attendedTransfer('')), 'good'),
        ),
      ),
      this.tiles,
      h('div', { class: 'quality-box' }, this.quality, this.chart.element, this.warnings),
      this.audio,
    );
    this.subscriptions.push(
      session.state$.subscribe((state) => {
        this.state = state;
        const description = describeCall(state);
        if (description !== this.lastDescription) {
          this.lastDescription = description;
          host.log.add('call', description, { call: this.label, callId: session.callId, data: state });
        }
        this.render();
        host.changed();
      }),
      session.timer$.subscribe((timer) => this.renderTimer(timer)),
      session.report$.subscribe((report) => this.renderReport(report)),
      session.events$.subscribe(({ name, args }) => {
        if (name === 'callReport' || name === 'statusChange' || name === 'staticStatusChange') return;
        if (name === 'dtmf') {
          this.receivedTones += String((args[0] as { tone: string }).tone);
          setText(this.received, `received: ${this.receivedTones}`);
        }
        if (name === 'streamAdded' || name === 'confirmed' || name === 'videoChanged' || name === 'screenShareFailed') this.attachAudio();
        host.log.add('call-event', eventText(String(name), args as readonly unknown[]), {
          call: this.label,
          callId: session.callId,
          data: { name, args: (args as readonly unknown[]).map((a) => (a && typeof a === 'object' && 'session' in a ? { ...a, session: undefined } : a)) },
        });
      }),
    );
    this.attachAudio();
    this.render();
  }

  get phase(): string {
    return this.state.phase;
  }

  /** Re-derive what the card shows from the call's state (and its related call's). */
  render(): void {
    const state = this.state;
    const parent = state.consultationFor ? this.host.stateOf(state.consultationFor) : null;
    const consultation = state.consultation ? this.host.stateOf(state.consultation) : null;
    const actions = actionsFor(state, { parent, consultation });
    const el = this.element;
    setData(el, 'phase', state.phase);
    setData(el, 'hold', state.hold);
    setData(el, 'remoteHold', state.remoteHold);
    setData(el, 'muted', state.muted);
    setData(el, 'recording', state.recording);
    setData(el, 'transfer', state.transfer);
    setData(el, 'consultationFor', parent ? parent.remote.number : null);
    setData(el, 'endCause', state.end?.cause ?? null);
    setData(el, 'video', state.video.negotiation);
    setData(el, 'videoLocal', state.video.local ?? 'none');
    setData(el, 'videoRemote', state.video.remote);
    this.tiles.style.display = state.phase === 'confirmed' && state.video.negotiation !== 'off' ? '' : 'none';
    if (state.phase === 'confirmed') this.attachVideo();
    const shownName = state.identity.name ?? state.remote.name;
    setText(this.name, shownName ?? state.remote.number);
    setText(this.number, shownName ? state.remote.number : '');
    setText(this.badge, describeCall(state));
    const notes: string[] = [];
    if (parent) notes.push(`consultation for the call with ${parent.remote.number} (held)`);
    if (consultation) notes.push(`consulting ${consultation.remote.number}: ${consultation.phase}`);
    if (state.hold === 'held') notes.push('you put this call on hold');
    if (state.remoteHold) notes.push('the other side put this call on hold');
    if (state.video.negotiation === 'offered') notes.push('the other side wants to add video');
    if (state.video.remotelyDowngraded && state.video.negotiation === 'off') notes.push('the other side stopped the video');
    setText(this.note, notes.join(' · '));
    for (const [action, b] of this.buttons) {
      const key = (action.startsWith('dtmf:') ? 'dtmf' : action) as keyof CallActions;
      const enabled = actions[key] === true;
      if (b.disabled === enabled) b.disabled = !enabled;
    }
    this.transferTarget.disabled = !(actions.blindTransfer || actions.consult);
    this.transferTarget.closest('.row')?.toggleAttribute('hidden', !(actions.blindTransfer || actions.consult || actions.completeTransfer));
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.audio.srcObject = null;
    this.localVideo.srcObject = null;
    this.remoteVideo.srcObject = null;
  }

  private target(): string {
    return this.transferTarget.value.trim();
  }

  private ui(what: string, run: () => boolean | Promise<{ ok: boolean }>): void {
    const outcome = run();
    const report = (ok: boolean) =>
      this.host.log.add('ui', `clicked ${what}: ${ok ? 'accepted' : `refused (${this.session.lastRefusal?.reason ?? '?'})`}`, { call: this.label, callId: this.session.callId });
    if (typeof outcome === 'boolean') report(outcome);
    else void outcome.then((result) => report(result.ok));
  }

  private attachAudio(): void {
    const stream = this.session.remoteStream;
    if (stream && this.audio.srcObject !== stream) {
      this.audio.srcObject = stream;
      void this.audio.play().catch(() => undefined);
    }
  }

  private attachVideo(): void {
    const show = (element: HTMLVideoElement, stream: MediaStream | null) => {
      const tracks = stream ? stream.getVideoTracks().map((t) => t.id).join(',') : '';
      if (element.dataset.tracks === tracks && element.srcObject === stream) return;
      element.dataset.tracks = tracks;
      element.srcObject = null;
      element.srcObject = stream;
      void element.play().catch(() => undefined);
    };
    show(this.localVideo, this.session.localStream);
    show(this.remoteVideo, this.session.remoteStream);
  }

  private renderTimer(timer: CallTimer): void {
    const seconds = this.state.times.answeredAt !== null ? timer.callDuration : timer.ringDuration + timer.callingDuration;
    setText(this.timer, clock(seconds) + (timer.holdDuration > 0 ? ` (held ${clock(timer.holdDuration)})` : ''));
  }

  private renderReport(report: CallQualityReport): void {
    this.chart.push(report);
    setData(this.element, 'reports', this.chart.count);
    setData(this.element, 'mos', report.mos === null ? null : report.mos.toFixed(2));
    setText(this.quality, describeReport(report));
    this.warnings.replaceChildren(...report.warnings.map((w) => h('li', {}, `⚠ ${w.name} (threshold ${w.threshold})`)));
    this.host.log.add('report', describeReport(report), { call: this.label, callId: this.session.callId, data: report });
  }
}
