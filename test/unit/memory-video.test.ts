/**
 * Video, devices and media failures through the public API (Phone, Session) on the memory SIP stack:
 * video calls, upgrade and downgrade committed on the re-INVITE's outcome, the far end's offer to add
 * video accepted or declined, camera mute, screen sharing, device swaps, the device list, and every
 * media failure told apart as a refusal and as the end cause of a call that cannot start.
 */
import type { MediaFailure } from '../../machines/port';
import type { DeviceList, DeviceSource } from '../../src';
import { facadeRig, type FacadeRig } from '../support/facade-harness';

let rig: FacadeRig;
afterEach(() => rig?.destroy());

async function videoCall(video: { caller: boolean; callee: boolean }) {
  rig = await facadeRig(['1001', '1002']);
  const [a, b] = rig.phones as [FacadeRig['phones'][0], FacadeRig['phones'][0]];
  const placed = await a.phone.call('1002', { video: video.caller });
  await rig.settle();
  const callee = b.phone.incomingList[0]!;
  await callee.answer({ video: video.callee });
  await rig.settle();
  const caller = a.phone.getSession(placed.callId!)!;
  const legA = a.ua.getCall(caller.callId)!;
  const legB = b.ua.getCall(callee.callId)!;
  return { a, b, caller, callee, legA, legB };
}

describe('video calls on the memory stack', () => {
  it('call and answer with video: both send the camera and receive video; the status says video', async () => {
    const { caller, callee } = await videoCall({ caller: true, callee: true });
    for (const session of [caller, callee]) {
      expect(session.state.video).toEqual({ negotiation: 'on', local: 'camera', remote: true, muted: false, remotelyDowngraded: false });
      expect(session.status.isVideo).toBe(true);
      expect(session.isCameraEnabled()).toBe(true);
      expect(session.toJSON()).toMatchObject({ isVideo: true, cameraEnabled: true, videoMuted: false, screensharing: false });
    }
  });

  it('a video call answered without a camera: the caller sends, the callee only receives', async () => {
    const { caller, callee } = await videoCall({ caller: true, callee: false });
    expect(caller.state.video).toMatchObject({ local: 'camera', remote: false });
    expect(callee.state.video).toMatchObject({ local: null, remote: true });
  });

  it('muteVideo/unmuteVideo: the camera goes dark and back, no re-INVITE', async () => {
    const { caller, legA, callee } = await videoCall({ caller: true, callee: true });
    const events: string[] = [];
    callee.on('reinvite', () => events.push('reinvite'));
    expect(caller.muteVideo()).toBe(true);
    expect(legA.videoMuted).toBe(true);
    expect(caller.state.video).toMatchObject({ local: null, muted: true });
    expect(caller.isVideoMuted()).toBe(true);
    expect(caller.disableCamera()).toBe(false);
    expect(caller.lastRefusal?.reason).toBe('not-allowed-in-state');
    expect(caller.enableCamera()).toBe(true);
    expect(legA.videoMuted).toBe(false);
    await rig.settle();
    expect(events).toEqual([]);
  });

  it('audio → video: the far end is asked, accepts, and the upgrade is committed on the 200; then video → audio', async () => {
    const { caller, callee } = await videoCall({ caller: false, callee: false });
    const offered: string[] = [];
    callee.on('videoOffered', ({ session }) => {
      offered.push(session.state.video.negotiation);
      session.acceptVideo();
    });
    const pending = caller.audioToVideo();
    expect(caller.state.video.negotiation).toBe('adding');
    await rig.settle();
    await expect(pending).resolves.toMatchObject({ ok: true });
    expect(offered).toEqual(['offered']);
    expect(caller.state.video).toMatchObject({ negotiation: 'on', local: 'camera', remote: true });
    expect(callee.state.video).toMatchObject({ negotiation: 'on', local: 'camera', remote: true });

    const down = caller.videoToAudio();
    await rig.settle();
    await expect(down).resolves.toMatchObject({ ok: true });
    expect(caller.state.video).toMatchObject({ negotiation: 'off', local: null, remote: false, remotelyDowngraded: false });
    expect(callee.state.video).toMatchObject({ negotiation: 'off', remotelyDowngraded: true });
    expect(callee.isVideoRemotelyDowngraded()).toBe(true);
  });

  it('a declined upgrade leaves an audio call and resolves renegotiate-failed', async () => {
    const { caller, callee } = await videoCall({ caller: false, callee: false });
    callee.on('videoOffered', ({ session }) => session.declineVideo());
    const failed: string[] = [];
    caller.on('videoFailed', ({ reason }) => failed.push(reason));
    const result = caller.audioToVideo();
    await rig.settle();
    await expect(result).resolves.toMatchObject({ ok: false, reason: 'renegotiate-failed' });
    expect(failed).toHaveLength(1);
    for (const session of [caller, callee]) expect(session.state.video).toMatchObject({ negotiation: 'off', local: null, remote: false });
    expect(caller.state.phase).toBe('confirmed');
  });

  it('an upgrade the far end answers 488 is rolled back: still an audio call, confirmed', async () => {
    const { caller, b } = await videoCall({ caller: false, callee: false });
    b.ua.faults = { rejectReinvite: { code: 488 } };
    const result = caller.audioToVideo();
    await rig.settle();
    await expect(result).resolves.toMatchObject({ ok: false, reason: 'renegotiate-failed' });
    expect(caller.lastRefusal?.message).toMatch(/488/);
    expect(caller.state).toMatchObject({ phase: 'confirmed', video: { negotiation: 'off' } });
  });

  it('upgrading twice at once, or downgrading an audio call, is refused in state', async () => {
    const { caller } = await videoCall({ caller: false, callee: false });
    await expect(caller.videoToAudio()).resolves.toMatchObject({ ok: false, reason: 'not-allowed-in-state' });
    void caller.audioToVideo();
    await expect(caller.audioToVideo()).resolves.toMatchObject({ ok: false, reason: 'not-allowed-in-state' });
    await rig.settle();
  });

  it('screen sharing replaces the camera and back; the browser ending the capture brings the camera back', async () => {
    const { caller, legA } = await videoCall({ caller: true, callee: true });
    const started = caller.startScreenSharing();
    await rig.settle();
    await expect(started).resolves.toMatchObject({ ok: true });
    expect(caller.state.video.local).toBe('screen');
    expect(caller.isScreenSharing()).toBe(true);
    legA.endScreenShareFromBrowser();
    expect(caller.state.video.local).toBe('camera');
    await expect(caller.stopScreenSharing()).resolves.toMatchObject({ ok: false, reason: 'not-allowed-in-state' });
  });

  it('screen sharing on an audio call is refused; a refused capture is a typed refusal', async () => {
    const audio = await videoCall({ caller: false, callee: false });
    await expect(audio.caller.startScreenSharing()).resolves.toMatchObject({ ok: false, reason: 'not-allowed-in-state' });
    rig.destroy();
    const { caller, a } = await videoCall({ caller: true, callee: true });
    a.ua.faults = { media: { failure: 'denied' } };
    const result = caller.startScreenSharing();
    await rig.settle();
    await expect(result).resolves.toMatchObject({ ok: false, reason: 'device-denied' });
    expect(caller.state.video.local).toBe('camera');
  });
});

describe('devices and media failures on the memory stack', () => {
  const cases: Array<[MediaFailure, string, string]> = [
    ['no-such-device', 'no-such-device', 'no-such-device'],
    ['denied', 'user-denied-media', 'device-denied'],
    ['in-use', 'device-in-use', 'device-in-use'],
    ['constraints-impossible', 'constraints-impossible', 'constraints-impossible'],
  ];

  it.each(cases)('%s: a call that cannot start ends as %s; a swap refuses %s', async (failure, cause, reason) => {
    rig = await facadeRig(['1001', '1002']);
    const [a] = rig.phones;
    a!.ua.faults = { media: { failure } };
    const ended: string[] = [];
    a!.phone.on('newRTCSession', ({ session }) => session.on('ended', (e) => ended.push(e.cause)));
    await a!.phone.call('1002');
    await rig.settle();
    expect(ended).toEqual([cause]);
    a!.ua.faults = {};
    const { caller } = await (async () => {
      const placed = await a!.phone.call('1002');
      await rig.settle();
      await rig.phones[1]!.phone.incomingList[0]!.answer();
      await rig.settle();
      return { caller: a!.phone.getSession(placed.callId!)! };
    })();
    a!.ua.faults = { media: { failure } };
    await expect(caller.switchMicrophone('mic-2')).resolves.toMatchObject({ ok: false, reason });
    await expect(caller.audioToVideo()).resolves.toMatchObject({ ok: false, reason });
  });

  it('answering without a usable microphone ends the call on both sides, with the device reason here', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const placed = await a!.phone.call('1002');
    await rig.settle();
    b!.ua.faults = { media: { failure: 'in-use' } };
    const callee = b!.phone.incomingList[0]!;
    await callee.answer();
    await rig.settle();
    expect(callee.state.end).toMatchObject({ cause: 'device-in-use', originator: 'local' });
    expect(a!.phone.getSession(placed.callId!)?.state.end ?? null).toBeNull();
  });

  it("the phone's chosen devices reach the stack when it places and answers calls", async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    a!.phone.deviceIds = { microphoneId: 'mic-2', cameraId: 'cam-2' };
    b!.phone.deviceIds = { microphoneId: 'mic-9' };
    const placed = jest.spyOn(a!.ua, 'call');
    await a!.phone.call('1002', { video: true });
    expect(placed.mock.calls[0]![1]).toMatchObject({ video: true, deviceIds: { microphoneId: 'mic-2', cameraId: 'cam-2' } });
    await rig.settle();
    const callee = b!.phone.incomingList[0]!;
    const leg = b!.ua.getCall(callee.callId)!;
    const answered = jest.spyOn(leg, 'answer');
    await callee.answer();
    expect(answered.mock.calls[0]![0]).toMatchObject({ deviceIds: { microphoneId: 'mic-9' } });
    a!.phone.deviceIds = { microphoneId: '' };
    expect(a!.phone.lastRefusal).toMatchObject({ command: 'deviceIds', reason: 'invalid-input' });
  });

  it('switchMicrophone/switchCamera swap the device of the live call; an empty id is invalid input', async () => {
    const { caller, legA, a } = await videoCall({ caller: true, callee: true });
    await expect(caller.switchMicrophone('mic-2')).resolves.toMatchObject({ ok: true });
    await expect(a.phone.useCamera('cam-2')).resolves.toMatchObject({ ok: true });
    expect(legA.devices).toEqual({ microphone: 'mic-2', camera: 'cam-2' });
    expect(a.phone.deviceIds).toMatchObject({ cameraId: 'cam-2' });
    await expect(caller.switchCamera('')).resolves.toMatchObject({ ok: false, reason: 'invalid-input' });
  });
});

describe('the device list', () => {
  function fakeDevices(initial: Array<{ deviceId: string; kind: string; label: string }>) {
    let devices = initial.map((d) => ({ ...d, groupId: 'g' }));
    const listeners = new Set<() => void>();
    const source: DeviceSource = {
      enumerateDevices: () => Promise.resolve(devices),
      addEventListener: (_type, listener) => listeners.add(listener),
      removeEventListener: (_type, listener) => listeners.delete(listener),
    };
    return {
      source,
      plug(device: { deviceId: string; kind: string; label: string }) {
        devices = [...devices, { ...device, groupId: 'g' }];
        listeners.forEach((listener) => listener());
      },
    };
  }
  const flush = () => new Promise((resolve) => setImmediate(resolve));

  it('lists microphones, cameras and speakers, marks the chosen one, follows devicechange', async () => {
    const devices = fakeDevices([
      { deviceId: 'default', kind: 'audioinput', label: 'Default microphone' },
      { deviceId: 'mic-2', kind: 'audioinput', label: 'USB microphone' },
      { deviceId: 'cam-1', kind: 'videoinput', label: 'Built-in camera' },
      { deviceId: 'spk-1', kind: 'audiooutput', label: 'Speakers' },
    ]);
    rig = await facadeRig(['1001'], { mediaDevices: devices.source, deviceIds: { microphoneId: 'mic-2' } });
    const phone = rig.phones[0]!.phone;
    const lists: DeviceList[] = [];
    const subscription = phone.devices$.subscribe((list) => lists.push(list));
    await flush();
    const last = () => lists.at(-1)!;
    expect(last().microphones.map((d) => [d.deviceId, d.selected])).toEqual([['default', false], ['mic-2', true]]);
    expect(last().cameras.map((d) => [d.deviceId, d.selected])).toEqual([['cam-1', true]]);
    expect(last().speakers.map((d) => d.label)).toEqual(['Speakers']);
    expect(phone.isNoneCamera).toBe(false);
    devices.plug({ deviceId: 'cam-2', kind: 'videoinput', label: 'USB camera' });
    await flush();
    expect(last().cameras.map((d) => d.deviceId)).toEqual(['cam-1', 'cam-2']);
    await expect(phone.useCamera('cam-2')).resolves.toMatchObject({ ok: true });
    await flush();
    expect(last().cameras.filter((d) => d.selected).map((d) => d.deviceId)).toEqual(['cam-2']);
    await expect(phone.useMicrophone('nope')).resolves.toMatchObject({ ok: false, reason: 'no-such-device' });
    expect(phone.deviceIds.microphoneId).toBe('mic-2');
    subscription.unsubscribe();
  });

  it('useSpeaker: not-supported without setSinkId, no-such-device for an unknown id, setSinkId otherwise', async () => {
    const devices = fakeDevices([{ deviceId: 'spk-1', kind: 'audiooutput', label: 'Speakers' }]);
    rig = await facadeRig(['1001'], { mediaDevices: devices.source });
    const phone = rig.phones[0]!.phone;
    const plain = {} as HTMLMediaElement;
    await expect(phone.useSpeaker('spk-1', plain)).resolves.toMatchObject({ ok: false, reason: 'not-supported' });
    const sinks: string[] = [];
    const element = { setSinkId: (id: string) => Promise.resolve(void sinks.push(id)) } as unknown as HTMLMediaElement;
    await expect(phone.useSpeaker('spk-9', element)).resolves.toMatchObject({ ok: false, reason: 'no-such-device' });
    await expect(phone.useSpeaker('spk-1', element)).resolves.toMatchObject({ ok: true });
    expect(sinks).toEqual(['spk-1']);
    expect(phone.deviceIds.speakerId).toBe('spk-1');
  });

  it('a source whose enumerateDevices throws (wrtc in Node) gives an empty list, no error', async () => {
    const throwing: DeviceSource = {
      enumerateDevices: () => {
        throw new Error('not implemented');
      },
    };
    rig = await facadeRig(['1001'], { mediaDevices: throwing });
    const lists: DeviceList[] = [];
    const errors: unknown[] = [];
    rig.phones[0]!.phone.devices$.subscribe({ next: (list) => lists.push(list), error: (error) => errors.push(error) }).unsubscribe();
    expect(errors).toEqual([]);
    expect(lists).toEqual([{ microphones: [], cameras: [], speakers: [], supported: true }]);
  });

  it('where there are no media devices (Node), the list is empty and unsupported', async () => {
    rig = await facadeRig(['1001'], { mediaDevices: null });
    const lists: DeviceList[] = [];
    rig.phones[0]!.phone.devices$.subscribe((list) => lists.push(list)).unsubscribe();
    expect(lists).toEqual([{ microphones: [], cameras: [], speakers: [], supported: false }]);
    expect(rig.phones[0]!.phone.isNoneCamera).toBe(false);
  });
});
