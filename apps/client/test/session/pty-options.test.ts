/**
 * The `pty` command's pptp-linux options reach the session's sockets and the tunnel core: the
 * session shell against a fake pptpd on a fake clock.
 */
import { describe, expect, it } from 'vitest';
import { parsePptpCommand } from '../../src/config/index.js';
import { FakeIo } from './fake-io.js';
import { settings, startSession, until, useFakeClock } from './session-harness.js';

useFakeClock();

const at = { file: '/etc/ppp/peers/vpn', line: 1 };
const withPty = (cmd: string) => settings({ pptp: { ...parsePptpCommand(cmd, at).options, at } });

describe('pty "pptp HOST ..." options in a session', () => {
  it('--localbind and --rtmark bind and mark both sockets', async () => {
    const io = new FakeIo();
    const t = startSession(io, {
      settings: withPty('pptp 10.0.0.1 --localbind 10.0.0.7 --rtmark 42'),
    });
    await until(() => t.up() !== undefined);
    expect(io.bindings).toEqual([
      { socket: 'gre', binding: { localAddress: '10.0.0.7', mark: 42 } },
      { socket: 'tcp', binding: { localAddress: '10.0.0.7', mark: 42 } },
    ]);
    t.root.abort();
    await until(() => t.result() !== undefined);
    io.dispose();
  });

  it('without them both sockets are left to the kernel', async () => {
    const io = new FakeIo();
    const t = startSession(io);
    await until(() => t.up() !== undefined);
    expect(io.bindings).toEqual([
      { socket: 'gre', binding: {} },
      { socket: 'tcp', binding: {} },
    ]);
    t.root.abort();
    await until(() => t.result() !== undefined);
    io.dispose();
  });

  it('--timeout shows as the fixed reorder hold in status', async () => {
    const io = new FakeIo();
    const t = startSession(io, { settings: withPty('pptp 10.0.0.1 --timeout 0.25') });
    await until(() => t.up() !== undefined);
    expect(t.session.status().reorder?.ms).toBe(250);
    t.root.abort();
    await until(() => t.result() !== undefined);
    io.dispose();
  });
});
