// The CLI's client secret and control token stay the same from one start to the next, so the lines a user
// copied into `.env` keep working after a restart. They are random (a secret derived from the machine or the
// port could be derived by anyone else on it too) and kept in a small file readable by the user alone, under
// the platform's state directory: not a cache (a cleaner may empty that) and not /tmp (shared with others).
// `--new-credentials`, or deleting the file, makes new ones.
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, rename, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { isClientSecret, isControlToken, newClientSecret, newControlToken } from '../options.js';

export const CREDENTIALS_FILE = 'credentials.json';
const MAX_FILE = 64 * 1024;

export interface SavedCredentials {
  clientSecret: string;
  controlToken: string;
}

export interface CredentialsResult extends SavedCredentials {
  file: string;
  /** `loaded` from the file, `created` or `replaced` and saved, or `unsaved` (the file could not be written). */
  status: 'loaded' | 'created' | 'replaced' | 'unsaved';
  /** With `unsaved`: the error code, e.g. `EACCES`. */
  reason?: string;
}

/** Where the file lives: EMULATOR_STATE_DIR, else the platform's per-user state directory. */
export function stateDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  const explicit = env.EMULATOR_STATE_DIR;
  if (explicit !== undefined && explicit !== '') {
    if (explicit.length > 4096 || explicit.includes('\0')) throw new TypeError('EMULATOR_STATE_DIR must be a folder path');
    return resolve(explicit);
  }
  // XDG: a relative XDG_STATE_HOME is invalid and to be ignored.
  if (env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME)) return join(env.XDG_STATE_HOME, 'scalekit-emulator');
  if (platform === 'win32' && env.LOCALAPPDATA && isAbsolute(env.LOCALAPPDATA)) return join(env.LOCALAPPDATA, 'scalekit-emulator');
  if (!home) throw new TypeError('no home directory to keep the credentials in: set EMULATOR_STATE_DIR');
  if (platform === 'win32') return join(home, 'AppData', 'Local', 'scalekit-emulator');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'scalekit-emulator');
  return join(home, '.local', 'state', 'scalekit-emulator');
}

class CredentialsFileError extends Error {}

/**
 * `mkdir -p` with private folders. Not `mkdir(…, { recursive: true })`: under /proc, where mkdir answers ENOENT
 * for a parent that exists, Node 20's recursive mkdir never returns.
 */
async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { mode: 0o700 });
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return; // a file in the way shows up as ENOTDIR on the write
    if (code !== 'ENOENT' || dirname(dir) === dir) throw error;
  }
  await ensureDir(dirname(dir));
  await mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
}

/** The saved pair, or null when there is no file; throws a one-line error when it cannot be read or is damaged. */
async function read(file: string): Promise<SavedCredentials | null> {
  const fix = 'delete it or start with --new-credentials';
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new CredentialsFileError(`${file} is not a file: ${fix}`);
      if (info.size > MAX_FILE) throw new CredentialsFileError(`${file} is too large to be the emulator's credentials: ${fix}`);
      // Written readable by the user alone; put that back if something loosened it.
      if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) await chmod(file, 0o600).catch(() => {});
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof CredentialsFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new CredentialsFileError(`cannot read ${file} (${code ?? 'error'}): ${fix}, or set EMULATOR_STATE_DIR`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = null;
  }
  const saved = data as Record<string, unknown> | null;
  if (typeof saved !== 'object' || saved === null || saved.version !== 1 || !isClientSecret(saved.clientSecret) || !isControlToken(saved.controlToken)) {
    throw new CredentialsFileError(`${file} does not hold the emulator's credentials (damaged or edited): ${fix}`);
  }
  return { clientSecret: saved.clientSecret, controlToken: saved.controlToken };
}

/**
 * Writes the pair to a temporary file, then puts it in place: with `link`, which fails when another emulator
 * started at the same moment saved first (its pair is then used, so both print the same), or, to replace,
 * with `rename`. Either way no reader ever sees half a file.
 */
async function write(dir: string, file: string, pair: SavedCredentials, replace: boolean): Promise<'saved' | 'exists'> {
  await ensureDir(dir);
  const temp = join(dir, `.${CREDENTIALS_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const body = `${JSON.stringify({ version: 1, ...pair, createdAt: new Date().toISOString() }, null, 2)}\n`;
  await writeFile(temp, body, { mode: 0o600, flag: 'wx' });
  try {
    if (replace) {
      await rename(temp, file);
      return 'saved';
    }
    try {
      await link(temp, file);
      return 'saved';
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return 'exists';
      // A file system without hard links: a plain rename, which a simultaneous start may overwrite.
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EXDEV') {
        await rename(temp, file);
        return 'saved';
      }
      throw error;
    }
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/**
 * The saved client secret and control token, made and saved on first use (or with `renew`). A file that cannot
 * be read or is damaged throws (the user decides: delete it or renew); one that cannot be written is reported
 * as `unsaved`, and the new pair still serves this run.
 */
export async function loadCredentials(dir: string, { renew = false }: { renew?: boolean } = {}): Promise<CredentialsResult> {
  const file = join(dir, CREDENTIALS_FILE);
  if (!renew) {
    const saved = await read(file);
    if (saved) return { ...saved, file, status: 'loaded' };
  }
  const pair = { clientSecret: newClientSecret(), controlToken: newControlToken() };
  try {
    if ((await write(dir, file, pair, renew)) === 'exists') {
      const saved = await read(file);
      return saved ? { ...saved, file, status: 'loaded' } : { ...pair, file, status: 'unsaved', reason: 'ENOENT' };
    }
  } catch (error) {
    return { ...pair, file, status: 'unsaved', reason: (error as NodeJS.ErrnoException).code ?? 'error' };
  }
  return { ...pair, file, status: renew ? 'replaced' : 'created' };
}
