/** The page's transcript: what the library reported, in order. Tests and `npm run demo` read it. */

export type DemoLogKind = 'phone' | 'phone-event' | 'call' | 'call-event' | 'report' | 'ui';

export interface DemoLogEntry {
  /** Milliseconds since the page loaded. */
  readonly at: number;
  /** The phone's user (extension). */
  readonly user: string;
  readonly kind: DemoLogKind;
  /** Short label of the call (`#1 → 1002`), for call entries. */
  readonly call?: string;
  /** The call's id, for call entries. */
  readonly callId?: string;
  /** One readable line. */
  readonly text: string;
  /** The value behind the line (a state, an event's arguments, a report). */
  readonly data?: unknown;
}

declare global {
  interface Window {
    /** Set by a driver (Playwright's exposeFunction) to receive every entry as it happens. */
    callstateDemoSink?: (entry: DemoLogEntry) => void;
  }
}

const MAX_SHOWN = 60;

export class DemoLog {
  readonly entries: DemoLogEntry[] = [];
  private readonly list: HTMLOListElement;

  constructor(
    private readonly user: () => string,
    container: HTMLElement,
  ) {
    this.list = document.createElement('ol');
    this.list.className = 'log';
    container.append(this.list);
  }

  add(kind: DemoLogKind, text: string, extra: { call?: string; callId?: string; data?: unknown } = {}): void {
    const entry: DemoLogEntry = { at: Math.round(performance.now()), user: this.user(), kind, text, ...extra };
    this.entries.push(entry);
    const item = document.createElement('li');
    item.className = `log-${kind}`;
    item.textContent = `${(entry.at / 1000).toFixed(1).padStart(6)}s ${entry.call ? `${entry.call} ` : ''}${text}`;
    this.list.prepend(item);
    while (this.list.children.length > MAX_SHOWN) this.list.lastElementChild?.remove();
    try {
      window.callstateDemoSink?.(JSON.parse(JSON.stringify(entry)) as DemoLogEntry);
    } catch {
      /* a driver that went away */
    }
  }
}
