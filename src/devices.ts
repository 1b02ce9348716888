import { BehaviorSubject, Observable, Subject, catchError, combineLatest, defer, distinctUntilChanged, map, of, shareReplay, startWith, switchMap } from 'rxjs';
import equal from 'fast-deep-equal';
import type { MediaFailure } from '../machines/port';
import type { RefusalReason } from './errors';

/** One input or output device, as `enumerateDevices()` lists it. */
export interface DeviceEntry {
  readonly deviceId: string;
  /** Empty until the page was granted media access once (browsers hide labels before). */
  readonly label: string;
  readonly groupId: string;
  /** The device the phone uses: the one chosen, else the system default (or the first listed). */
  readonly selected: boolean;
}

/** The phone's devices, kept current on `devicechange`. */
export interface DeviceList {
  readonly microphones: readonly DeviceEntry[];
  readonly cameras: readonly DeviceEntry[];
  readonly speakers: readonly DeviceEntry[];
  /** False where there is no `navigator.mediaDevices` (Node, insecure pages): the lists are empty. */
  readonly supported: boolean;
}

/** The devices the phone was told to use. */
export interface ChosenDevices {
  readonly microphoneId?: string;
  readonly cameraId?: string;
  readonly speakerId?: string;
}

/** The part of `navigator.mediaDevices` the device list reads. */
export interface DeviceSource {
  enumerateDevices(): Promise<ReadonlyArray<{ deviceId: string; kind: string; label: string; groupId: string }>>;
  addEventListener?(type: 'devicechange', listener: () => void): void;
  removeEventListener?(type: 'devicechange', listener: () => void): void;
}

/** The browser's device source, or null where there is none. */
export function browserDeviceSource(): DeviceSource | null {
  const devices = (globalThis as { navigator?: { mediaDevices?: DeviceSource } }).navigator?.mediaDevices;
  return devices && typeof devices.enumerateDevices === 'function' ? devices : null;
}

/** The refusal reason of a media failure. */
export function refusalReasonOf(failure: MediaFailure): RefusalReason {
  switch (failure) {
    case 'no-such-device':
      return 'no-such-device';
    case 'denied':
      return 'device-denied';
    case 'in-use':
      return 'device-in-use';
    case 'constraints-impossible':
      return 'constraints-impossible';
    case 'not-supported':
      return 'not-supported';
    default:
      return 'media-failed';
  }
}

const EMPTY: DeviceList = Object.freeze({ microphones: [], cameras: [], speakers: [], supported: false });

function mark(
  entries: ReadonlyArray<{ deviceId: string; label: string; groupId: string }>,
  chosen: string | undefined,
): readonly DeviceEntry[] {
  const known = chosen !== undefined && entries.some((entry) => entry.deviceId === chosen);
  const fallback = entries.find((entry) => entry.deviceId === 'default')?.deviceId ?? entries[0]?.deviceId;
  const selected = known ? chosen : fallback;
  return Object.freeze(
    entries.map((entry) => Object.freeze({ deviceId: entry.deviceId, label: entry.label, groupId: entry.groupId, selected: entry.deviceId === selected })),
  );
}

/**
 * The phone's devices: `enumerateDevices()` now and on every `devicechange`, split into microphones,
 * cameras and speakers, with the chosen one of each marked.
 */
export class Devices {
  /** The device lists, emitted on subscribe and on every change (devices or choice). */
  readonly list$: Observable<DeviceList>;
  private readonly chosen: BehaviorSubject<ChosenDevices>;
  private readonly refreshes = new Subject<void>();
  private latestList: DeviceList = EMPTY;

  constructor(private readonly source: DeviceSource | null, initial: ChosenDevices) {
    this.chosen = new BehaviorSubject<ChosenDevices>({ ...initial });
    const raw$ = source
      ? new Observable<void>((subscriber) => {
          const listener = () => subscriber.next();
          source.addEventListener?.('devicechange', listener);
          const refresh = this.refreshes.subscribe(listener);
          return () => {
            refresh.unsubscribe();
            source.removeEventListener?.('devicechange', listener);
          };
        }).pipe(
          startWith(undefined),
          switchMap(() => defer(() => source.enumerateDevices()).pipe(catchError(() => of([])))),
        )
      : of([]);
    this.list$ = combineLatest([raw$, this.chosen]).pipe(
      map(([devices, chosen]) => {
        const of = (kind: string) => devices.filter((device) => device.kind === kind);
        const list: DeviceList = Object.freeze({
          microphones: mark(of('audioinput'), chosen.microphoneId),
          cameras: mark(of('videoinput'), chosen.cameraId),
          speakers: mark(of('audiooutput'), chosen.speakerId),
          supported: source !== null,
        });
        this.latestList = list;
        return list;
      }),
      distinctUntilChanged(equal),
      shareReplay({ bufferSize: 1, refCount: true }),
    );
  }

  /** The last list emitted (empty before anyone subscribed to `list$`). */
  get latest(): DeviceList {
    return this.latestList;
  }

  /** The devices chosen so far. */
  get choice(): ChosenDevices {
    return this.chosen.value;
  }

  /** Read the devices again (browsers give labels only once media access was granted). */
  refresh(): void {
    this.refreshes.next();
  }

  /** Record a choice. */
  choose(patch: ChosenDevices): void {
    this.chosen.next({ ...this.chosen.value, ...patch });
  }

  /** Whether `deviceId` is known to be absent: the list was read and no device of that kind has it. */
  async isMissing(kind: 'microphones' | 'cameras' | 'speakers', deviceId: string): Promise<boolean> {
    if (!this.source) return false;
    try {
      const wanted = kind === 'microphones' ? 'audioinput' : kind === 'cameras' ? 'videoinput' : 'audiooutput';
      const devices = await this.source.enumerateDevices();
      const ofKind = devices.filter((device) => device.kind === wanted);
      return ofKind.length > 0 && ofKind.every((device) => device.deviceId !== '') && !ofKind.some((device) => device.deviceId === deviceId);
    } catch {
      return false;
    }
  }
}
