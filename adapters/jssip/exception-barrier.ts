/**
 * Every callback the adapter hands to JsSIP, and every listener it calls, runs through {@link guard}:
 * JsSIP invokes callbacks from inside its WebSocket message handler, and an exception escaping there
 * stops the UA from reading the socket: every later message on that connection is lost.
 */

/** Where the adapter writes diagnostics. Never receives credentials. */
export interface AdapterLogger {
  debug(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
}

/** A logger that drops everything. */
export const silentLogger: AdapterLogger = { debug: () => {}, warn: () => {} };

/** Run `fn`; log and swallow whatever it throws. */
export function guard<R>(logger: AdapterLogger, where: string, fn: () => R): R | undefined {
  try {
    return fn();
  } catch (error) {
    logger.warn(`jssip adapter: ${where} threw`, error);
    return undefined;
  }
}

/** The message of an unknown thrown value. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === 'object' && error !== null && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}
