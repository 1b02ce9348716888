/**
 * The few framework signatures the recipes in this folder use, copied from React 19's, Vue 3's,
 * Svelte 5's and Angular 19's own type declarations, so `tsc --noEmit` (npm test) type-checks the
 * recipes without installing four frameworks. test/e2e/framework-recipes.test.ts runs them against
 * minimal stand-ins that keep each framework's subscription contract.
 */
declare module 'react' {
  export function useSyncExternalStore<Snapshot>(
    subscribe: (onStoreChange: () => void) => () => void,
    getSnapshot: () => Snapshot,
    getServerSnapshot?: () => Snapshot,
  ): Snapshot;
  export function useMemo<T>(factory: () => T, deps: readonly unknown[]): T;
}

declare module 'vue' {
  export interface ShallowRef<T = any> {
    value: T;
  }
  export function shallowRef<T>(value: T): ShallowRef<T>;
  export function onScopeDispose(fn: () => void, failSilently?: boolean): void;
}

declare module 'svelte/store' {
  export type Subscriber<T> = (value: T) => void;
  export type Unsubscriber = () => void;
  export type StartStopNotifier<T> = (set: (value: T) => void, update: (fn: (value: T) => T) => void) => void | (() => void);
  export interface Readable<T> {
    subscribe(this: void, run: Subscriber<T>, invalidate?: () => void): Unsubscriber;
  }
  export function readable<T>(value?: T, start?: StartStopNotifier<T>): Readable<T>;
  export function derived<S extends Readable<any>, T>(stores: S, fn: (value: S extends Readable<infer U> ? U : never) => T, initialValue?: T): Readable<T>;
  export function get<T>(store: Readable<T>): T;
}

declare module '@angular/core' {
  export class InjectionToken<T> {
    constructor(description: string, options?: { providedIn?: 'root' | null; factory: () => T });
    protected __type: T;
  }
  export function inject<T>(token: InjectionToken<T>): T;
  export interface Component {
    selector?: string;
    standalone?: boolean;
    imports?: unknown[];
    template?: string;
  }
  export const Component: (obj: Component) => <C extends abstract new (...args: any) => any>(target: C, context?: unknown) => C | void;
}

declare module '@angular/common' {
  export class AsyncPipe {
    transform<T>(obj: import('rxjs').Observable<T> | null | undefined): T | null;
  }
}
