import { constants } from 'node:os';
// Test-only relative import: the brand contract with @pptpkit/wire (not a dependency of this package).
import { PptpkitError } from '@pptpkit/wire';
import { describe, expect, it } from 'vitest';
import { errnoName, errorFromErrno, errorFromNative, LinuxNetError } from '../src/errors.js';

const context = { operation: 'openTun', capability: 'CAP_NET_ADMIN' as const };

describe('LinuxNetError mapping from errno', () => {
  it.each([
    ['EPERM', 'LINUXNET_NO_CAPABILITY'],
    ['EACCES', 'LINUXNET_NO_CAPABILITY'],
    ['EEXIST', 'LINUXNET_EXISTS'],
    ['EBUSY', 'LINUXNET_BUSY'],
    ['ESRCH', 'LINUXNET_NOT_FOUND'],
    ['ENODEV', 'LINUXNET_NOT_FOUND'],
    ['EADDRNOTAVAIL', 'LINUXNET_NOT_FOUND'],
    ['ENETUNREACH', 'LINUXNET_NO_ROUTE'],
    ['EHOSTUNREACH', 'LINUXNET_NO_ROUTE'],
    ['EINVAL', 'LINUXNET_SYSCALL_FAILED'],
  ] as const)('%s → %s', (name, code) => {
    const error = errorFromErrno(constants.errno[name], 'ioctl(TUNSETIFF)', context);
    expect(error.code).toBe(code);
    expect(error.details).toMatchObject({
      operation: 'openTun',
      syscall: 'ioctl(TUNSETIFF)',
      errnoName: name,
    });
    expect(error.details.errno).toBe(constants.errno[name]);
  });

  it('names the capability in the message and details for EPERM', () => {
    const error = errorFromErrno(constants.errno.EPERM, 'socket(AF_INET, SOCK_RAW)', {
      operation: 'openGreSocket',
      capability: 'CAP_NET_RAW',
    });
    expect(error.details.capability).toBe('CAP_NET_RAW');
    expect(error.message).toContain('CAP_NET_RAW');
  });

  it('maps errors carrying errno and passes anything else through unchanged', () => {
    const native = Object.assign(new Error('open(/dev/net/tun): No such file'), {
      errno: constants.errno.ENOENT,
      syscall: 'open(/dev/net/tun)',
    });
    const mapped = errorFromNative(native, context);
    expect(mapped).toBeInstanceOf(LinuxNetError);
    expect((mapped as LinuxNetError).cause).toBe(native);
    const plain = new TypeError('x');
    expect(errorFromNative(plain, context)).toBe(plain);
    expect(errorFromNative('text', context)).toBe('text');
  });

  it('is a PptpkitError for @pptpkit/wire (shared Symbol.for brand), with a stable code', () => {
    const error = errorFromErrno(constants.errno.EPERM, undefined, context);
    expect(error).toBeInstanceOf(PptpkitError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('LinuxNetError');
  });
});

describe('errnoName', () => {
  it('calls 11 EAGAIN, not its alias EWOULDBLOCK', () => {
    expect(constants.errno.EWOULDBLOCK).toBe(constants.errno.EAGAIN);
    expect(errnoName(constants.errno.EAGAIN)).toBe('EAGAIN');
    expect(errnoName(constants.errno.ECONNREFUSED)).toBe('ECONNREFUSED');
    expect(errnoName(100_000)).toBe('E100000');
  });
});
