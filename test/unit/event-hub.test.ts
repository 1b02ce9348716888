/**
 * The event hub behind every `on()` and `events$`: its listener table and its stream are made on
 * first use, which must not show: `events$` is hot (a subscriber gets what is emitted after it
 * subscribed), the same stream on every read, and complete at once when first read after close().
 */
import { EventHub } from '../../src/event-hub';

type Events = { ping: [n: number]; pong: [] };

describe('EventHub', () => {
  it('delivers to on() listeners and events$ in order; a listener that left gets nothing more', () => {
    const hub = new EventHub<Events>();
    const heard: number[] = [];
    const off = hub.on('ping', (n) => heard.push(n));
    const streamed: string[] = [];
    hub.events$.subscribe((event) => streamed.push(`${String(event.name)}${event.args.join(',')}`));
    hub.emit('ping', 1);
    hub.emit('pong');
    off();
    hub.emit('ping', 2);
    expect(heard).toEqual([1]);
    expect(streamed).toEqual(['ping1', 'pong', 'ping2']);
  });

  it('events$ is the same stream on every read, and a subscriber gets only what comes after it', () => {
    const hub = new EventHub<Events>();
    hub.emit('ping', 1);
    expect(hub.events$).toBe(hub.events$);
    const streamed: number[] = [];
    hub.events$.subscribe((event) => streamed.push(event.args[0] as number));
    hub.emit('ping', 2);
    expect(streamed).toEqual([2]);
  });

  it('close() completes events$ and drops the listeners; events$ first read after close() completes at once', () => {
    const open = new EventHub<Events>();
    let completed = false;
    open.events$.subscribe({ complete: () => (completed = true) });
    const heard: number[] = [];
    open.on('ping', (n) => heard.push(n));
    open.close();
    open.emit('ping', 1);
    expect(completed).toBe(true);
    expect(heard).toEqual([]);

    const unread = new EventHub<Events>();
    unread.close();
    let late = false;
    const values: unknown[] = [];
    unread.events$.subscribe({ next: (v) => values.push(v), complete: () => (late = true) });
    unread.emit('pong');
    expect(late).toBe(true);
    expect(values).toEqual([]);
  });
});
