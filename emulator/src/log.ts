// The emulator's one log hook: unknown routes and refused framing go through it. Silent unless given, so a
// test suite starting many emulators prints nothing; the CLI passes one that writes to stderr.

/** Receives one line, without a trailing newline; never a secret, token or link. */
export type EmulatorLog = (message: string) => void;

const silent: EmulatorLog = () => {};

/** Checks the `log` option; a logger that throws never turns a request into an error. */
export function resolveLog(value: unknown): EmulatorLog {
  if (value === undefined) return silent;
  if (typeof value !== 'function') throw new TypeError('log must be a function (message: string) => void');
  return (message) => {
    try {
      value(message);
    } catch {
      // a broken logger must not break the request that caused the line
    }
  };
}
