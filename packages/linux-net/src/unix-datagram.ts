/**
 * AF_UNIX datagram sockets, which Node's `net` and `dgram` modules do not offer: one datagram
 * to a socket path (systemd's `NOTIFY_SOCKET`, syslog's `/dev/log`) and a bound receiver (for
 * tests, or anyone who plays the other side). A name starting with `@` is in the abstract
 * namespace (`unix(7)`), as systemd writes `NOTIFY_SOCKET`; abstract names belong to the
 * network namespace, paths to the file system.
 *
 * @module
 */
import { rmSync } from 'node:fs';
import { nativeAddon } from './addon.js';
import { closedError, errnoName, errnoNumber, errorFromErrno, LinuxNetError } from './errors.js';

/** Longest socket name in bytes: `sun_path` (108) less the path's NUL or the abstract NUL. */
export const MAX_UNIX_NAME_BYTES = 107;

/** A socket name as it appears in error details, capped. */
function shown(name: string): string {
  return name.length > 120 ? `${name.slice(0, 120)}…` : name;
}

/**
 * The `sun_path` bytes for `name`: a path as UTF-8 (the addon adds its NUL), `@name` as a NUL
 * byte followed by `name`. A name that cannot be one is a `LinuxNetError` with the errno the
 * kernel would give (`ENAMETOOLONG`, `ENOENT` for an empty path, `EINVAL` for a NUL inside).
 */
function encodeName(name: string, operation: string): Uint8Array {
  const abstract = name.startsWith('@');
  const text = new TextEncoder().encode(abstract ? name.slice(1) : name);
  const refuse = (errno: 'ENAMETOOLONG' | 'ENOENT' | 'EINVAL', why: string): LinuxNetError =>
    new LinuxNetError(
      errno === 'ENOENT' ? 'LINUXNET_NOT_FOUND' : 'LINUXNET_SYSCALL_FAILED',
      `${operation}: ${why}`,
      { operation, errno: errnoNumber(errno), errnoName: errno, socket: shown(name) },
    );
  if (text.length > MAX_UNIX_NAME_BYTES) {
    throw refuse('ENAMETOOLONG', `socket name of ${text.length} bytes (at most 107)`);
  }
  if (!abstract && text.length === 0) throw refuse('ENOENT', 'empty socket path');
  if (!abstract && text.includes(0)) throw refuse('EINVAL', 'socket path contains a NUL byte');
  if (!abstract) return text;
  const bytes = new Uint8Array(text.length + 1);
  bytes.set(text, 1);
  return bytes;
}

/**
 * The package's error for a failed unix-socket call. A refused permission is the socket file's
 * mode, not a missing network capability, so it is `LINUXNET_SYSCALL_FAILED` (`EACCES`), not
 * `LINUXNET_NO_CAPABILITY`.
 */
function unixError(error: unknown, operation: string, name: string): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const { errno, syscall } = error as { errno?: unknown; syscall?: unknown };
  if (typeof errno !== 'number') return error;
  const call = typeof syscall === 'string' ? syscall : undefined;
  const symbol = errnoName(errno);
  if (symbol === 'EACCES' || symbol === 'EPERM') {
    return new LinuxNetError(
      'LINUXNET_SYSCALL_FAILED',
      `${operation} (${call}): permission denied on ${shown(name)}`,
      { operation, syscall: call, errno, errnoName: symbol, socket: shown(name) },
      error,
    );
  }
  // The capability is required by the context's type but never named: EPERM/EACCES are above.
  return errorFromErrno(
    errno,
    call,
    { operation, capability: 'CAP_NET_ADMIN', extra: { socket: shown(name) } },
    error,
  );
}

/**
 * Sends `data` as one datagram to the unix socket `path` (`@name`: abstract namespace), from a
 * fresh unbound socket (`SOCK_CLOEXEC`, non-blocking, `MSG_NOSIGNAL`) closed right after. It
 * never waits: a receiver whose queue is full is `EAGAIN`.
 *
 * @param path - a socket path, or `@` and an abstract name; at most 107 bytes of UTF-8 (after
 *   the `@`).
 * @param data - the datagram.
 * @throws LinuxNetError with `details.errnoName`: `LINUXNET_NOT_FOUND` (`ENOENT`: no such
 *   path), `LINUXNET_SYSCALL_FAILED` (`ECONNREFUSED`: nobody bound to it; `EAGAIN`: its queue
 *   is full; `EACCES`; `EPROTOTYPE`: a stream socket; `EMSGSIZE`; `ENAMETOOLONG`: a name
 *   over 107 bytes; ...).
 */
export function sendUnixDatagram(path: string, data: Uint8Array): void {
  const address = encodeName(path, 'sendUnixDatagram');
  try {
    nativeAddon().unixSend(address, data);
  } catch (error) {
    throw unixError(error, 'sendUnixDatagram', path);
  }
}

/** Who sent the datagram last received (`SCM_CREDENTIALS`, checked by the kernel). */
export interface UnixSender {
  /** Its process id (as seen from this process's pid namespace). */
  readonly pid: number;
  /** Its user id. */
  readonly uid: number;
  /** Its group id. */
  readonly gid: number;
}

/** A bound unix datagram socket; see {@link bindUnixDatagram}. */
export class UnixDatagramSocket {
  /** The name it is bound to, as given (`@name` for an abstract one). */
  readonly path: string;
  #fd: number;
  readonly #sender = new Int32Array(3);

  /** @internal */
  constructor(path: string, fd: number) {
    this.path = path;
    this.#fd = fd;
  }

  /**
   * Waits at most `timeoutMs` for the next datagram, copies it into `buffer` and returns its
   * length; returns -1 when none arrived in time. Synchronous: it blocks the thread while it
   * waits (poll), so keep the timeout short on an event loop that has other work.
   *
   * @throws LinuxNetError `LINUXNET_SYSCALL_FAILED` (`EMSGSIZE`) for a datagram larger than
   *   `buffer` (it is consumed), `LINUXNET_CLOSED` after {@link UnixDatagramSocket.close}.
   */
  receive(buffer: Uint8Array, timeoutMs: number): number {
    if (this.#fd < 0) throw closedError('UnixDatagramSocket.receive');
    try {
      return nativeAddon().unixReceive(this.#fd, buffer, Math.max(0, timeoutMs), this.#sender);
    } catch (error) {
      throw unixError(error, 'UnixDatagramSocket.receive', this.path);
    }
  }

  /**
   * The sender of the datagram last returned by {@link UnixDatagramSocket.receive}, or
   * `undefined` before the first one or when the kernel attached no credentials.
   */
  get sender(): UnixSender | undefined {
    const [pid = -1, uid = -1, gid = -1] = this.#sender;
    return pid <= 0 ? undefined : { pid, uid, gid };
  }

  /**
   * Closes the socket and, for a path (not an abstract name), removes its file. Idempotent.
   */
  close(): void {
    if (this.#fd < 0) return;
    const fd = this.#fd;
    this.#fd = -1;
    nativeAddon().closeFd(fd);
    if (!this.path.startsWith('@')) rmSync(this.path, { force: true });
  }
}

/**
 * Binds a unix datagram socket (`SOCK_CLOEXEC`, non-blocking, `SO_PASSCRED`) to `path` (`@name`:
 * abstract namespace). A path must not exist yet; {@link UnixDatagramSocket.close} removes it.
 *
 * @param path - a socket path, or `@` and an abstract name; at most 107 bytes of UTF-8 (after
 *   the `@`).
 * @throws LinuxNetError `LINUXNET_SYSCALL_FAILED` (`EADDRINUSE`: the path exists or the
 *   abstract name is taken; `ENAMETOOLONG`; `EACCES`), `LINUXNET_NOT_FOUND` (`ENOENT`: the
 *   directory does not exist).
 */
export function bindUnixDatagram(path: string): UnixDatagramSocket {
  const address = encodeName(path, 'bindUnixDatagram');
  let fd: number;
  try {
    fd = nativeAddon().unixBind(address);
  } catch (error) {
    throw unixError(error, 'bindUnixDatagram', path);
  }
  return new UnixDatagramSocket(path, fd);
}
