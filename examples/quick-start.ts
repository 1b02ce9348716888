import { distinctUntilChanged, map } from 'rxjs';
import { createPhone } from 'callstate';
import { MemorySipNetwork } from 'callstate/memory';

export async function quickStart(log: (line: string) => void = console.log): Promise<void> {
  const network = new MemorySipNetwork(); // in-process SIP for this demo; a JsSIP user agent plugs in the same way
  network.addAccount({ number: '1001', password: 'alice' });
  network.addAccount({ number: '1002', password: 'bob' });
  const alice = createPhone({ userAgent: network.createUserAgent({ number: '1001', password: 'alice' }) });
  const bob = createPhone({ userAgent: network.createUserAgent({ number: '1002', password: 'bob' }) });
  bob.on('incoming', ({ session }) => void session.answer());
  alice.start();
  bob.start();
  await network.settle();
  const { callId } = await alice.call('1002');
  const call$ = alice.getSession(callId!)!.state$;
  call$.pipe(map((call) => `${call.phase} ${call.hold ?? ''}`.trim()), distinctUntilChanged()).subscribe(log);
  await network.settle();
  alice.hold(callId!);
  await network.settle();
  alice.hangup(callId!);
  await network.settle();
  alice.destroy();
  bob.destroy();
}
