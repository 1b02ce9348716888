import { Component, InjectionToken, inject } from '@angular/core';
import { AsyncPipe } from '@angular/common';
import type { Observable } from 'rxjs';
import type { Phone, PhoneState, Session } from 'callstate';

export const PHONE = new InjectionToken<Phone>('callstate phone');

@Component({
  selector: 'app-phone-status',
  standalone: true,
  imports: [AsyncPipe],
  template: `
    @if (state$ | async; as state) { <p>{{ state.transport }} · {{ state.registration }}</p> }
    @for (session of sessions$ | async; track session.callId) {
      <button (click)="hangup(session)">Hang up {{ session.state.remote.number }}</button>
    }`,
})
export class PhoneStatusComponent {
  private readonly phone = inject(PHONE);
  /** The async pipe subscribes, and unsubscribes when the component goes. */
  readonly state$: Observable<PhoneState> = this.phone.state$;
  readonly sessions$: Observable<readonly Session[]> = this.phone.sessions$;

  hangup(session: Session): boolean {
    return session.hangup();
  }
}
