/**
 * The stop of a session always finishes: each step of the teardown is made to fail in turn
 * (throw or reject), and the session still restores the host, resolves `run()` with the
 * status of why it stopped, and logs the step that failed. An exception thrown inside an I/O
 * callback ends the session in order with exit 1 instead of escaping to the event loop.
 */
import { udpPacket } from '@pptpkit/testkit';
import { describe, expect, it } from 'vitest';
import { defaultPeerSettings } from '../../src/config/index.js';
import { EXIT } from '../../src/exit-codes.js';
import { createLogger } from '../../src/log/logger.js';
import type { SessionIo } from '../../src/session/io.js';
import { Session } from '../../src/session/session.js';
import { FakeIo } from './fake-io.js';
import { until, useFakeClock } from './session-harness.js';

useFakeClock();

type Step = 'control write' | 'control close' | 'GRE write' | 'GRE close' | 'host restore';

/** The fake server's I/O with one step made to fail once the tunnel is up. */
function faultyIo(server: FakeIo, failing: Step, armed: () => boolean): SessionIo {
  const fail = (what: Step): void => {
    if (what === failing && armed()) throw new Error(`injected failure: ${what}`);
  };
  return {
    connectControl: async (host, port, timeout) => {
      const stream = await server.connectControl();
      void host;
      void port;
      void timeout;
      return {
        ...stream,
        write: (bytes) => {
          fail('control write');
          stream.write(bytes);
        },
        destroy: () => {
          fail('control close');
          stream.destroy();
        },
      };
    },
    openGre: () => {
      const port = server.openGre();
      return {
        ...port,
        write: (buf, offset, length) => {
          fail('GRE write');
          return port.write(buf, offset, length);
        },
        close: () => {
          fail('GRE close');
          port.close();
        },
      };
    },
    host: {
      prepare: (s) => server.host.prepare(s),
      pathMtu: (s) => server.host.pathMtu(s),
      setMtu: (m) => server.host.setMtu(m),
      bringUp: (a) => server.host.bringUp(a),
      restore: async () => {
        fail('host restore');
        await server.host.restore();
      },
    },
    now: () => server.now(),
    randomBytes: (n) => server.randomBytes(n),
  };
}

function sessionOn(io: SessionIo, signal: AbortSignal, lines: string[], onUp: () => void) {
  return new Session({
    peer: 'test',
    server: '10.0.0.1',
    settings: { ...defaultPeerSettings(), name: 'alice' },
    credentials: { user: 'alice', password: 'pw' },
    io,
    log: createLogger({
      format: 'json',
      level: 'debug',
      write: (l) => lines.push(l),
      clock: () => new Date(),
    }),
    signal,
    onUp,
    replyTimeoutMs: 300,
  });
}

const records = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('a stop that meets an error still finishes', () => {
  const steps: Step[] = [
    'control write',
    'control close',
    'GRE write',
    'GRE close',
    'host restore',
  ];
  for (const failing of steps) {
    it(`'${failing}' fails during the stop: run() resolves with the stop's status, the rest of the teardown runs`, async () => {
      const server = new FakeIo({ users: { alice: 'pw' } });
      let up = false;
      const io = faultyIo(server, failing, () => up);
      const root = new AbortController();
      const lines: string[] = [];
      const done = sessionOn(io, root.signal, lines, () => {
        up = true;
      }).run();
      await until(() => up);
      root.abort();
      let result: Awaited<typeof done> | undefined;
      void done.then((r) => {
        result = r;
      });
      await until(() => result !== undefined);
      expect(result).toMatchObject({ exitCode: EXIT.signal, wasUp: true });
      const log = records(lines);
      expect(log.at(-1)).toMatchObject({ message: 'ended' });
      // The host is restored unless restoring is the step that failed; then the failure is
      // logged by name (the process's journal replay takes over, see main.ts).
      if (failing === 'host restore') {
        expect(server.restored).toBe(false);
        expect(log).toContainEqual(
          expect.objectContaining({ message: 'stop step failed', step: 'host restore' }),
        );
      } else expect(server.restored).toBe(true);
      if (failing !== 'GRE close') expect(server.greClosed).toBe(true);
      server.dispose();
    });
  }
});

describe('an exception inside an I/O callback ends the session in order', () => {
  it('the TUN write throwing while a packet arrives: exit 1, the error logged, the host restored', async () => {
    const server = new FakeIo({ users: { alice: 'pw' } });
    const lines: string[] = [];
    let up = false;
    const io: SessionIo = {
      connectControl: () => server.connectControl(),
      openGre: () => server.openGre(),
      host: {
        prepare: (s) => server.host.prepare(s),
        pathMtu: (s) => server.host.pathMtu(s),
        setMtu: (m) => server.host.setMtu(m),
        bringUp: async (a) => {
          const tun = await server.host.bringUp(a);
          return {
            name: tun.name,
            port: {
              ...tun.port,
              write: () => {
                throw new TypeError('a bug in the TUN shell');
              },
            },
          };
        },
        restore: () => server.host.restore(),
      },
      now: () => server.now(),
      randomBytes: (n) => server.randomBytes(n),
    };
    const done = sessionOn(io, new AbortController().signal, lines, () => {
      up = true;
    }).run();
    await until(() => up);
    server.sendIp(udpPacket('192.168.77.1', '192.168.77.10', 1));
    let result: Awaited<typeof done> | undefined;
    void done.then((r) => {
      result = r;
    });
    await until(() => result !== undefined);
    if (result === undefined) throw new Error('not ended');
    expect(result.exitCode).toBe(EXIT.fatal);
    expect(result.reason).toMatch(/internal error in GRE receive: a bug in the TUN shell/);
    expect(server.restored).toBe(true);
    expect(records(lines)).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'internal error', where: 'GRE receive' }),
    );
    server.dispose();
  });

  it('the onUp reaction throwing (the IPC channel gone) is logged and the tunnel stays up', async () => {
    const server = new FakeIo({ users: { alice: 'pw' } });
    const lines: string[] = [];
    let up = false;
    const root = new AbortController();
    const session = sessionOn(server, root.signal, lines, () => {
      up = true;
      throw new Error('IPC channel is already disconnected');
    });
    const done = session.run();
    await until(() => up);
    await until(() => false, 50).catch(() => undefined);
    expect(session.state).toBe('up');
    expect(records(lines)).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'after-up step failed' }),
    );
    root.abort();
    let ended: Awaited<typeof done> | undefined;
    void done.then((r) => {
      ended = r;
    });
    await until(() => ended !== undefined);
    expect(ended?.exitCode).toBe(EXIT.signal);
    expect(server.restored).toBe(true);
    server.dispose();
  });

  it('a descriptor that fails for good (the GRE socket’s read error): exit 1, logged, host restored', async () => {
    const server = new FakeIo({ users: { alice: 'pw' } });
    const lines: string[] = [];
    let up = false;
    let fail: ((error: Error) => void) | undefined;
    const io: SessionIo = {
      connectControl: () => server.connectControl(),
      openGre: () => {
        const port = server.openGre();
        return {
          ...port,
          startReading: (reader, after, onError) => {
            fail = onError;
            port.startReading(reader, after, onError);
          },
        };
      },
      host: server.host,
      now: () => server.now(),
      randomBytes: (n) => server.randomBytes(n),
    };
    const done = sessionOn(io, new AbortController().signal, lines, () => {
      up = true;
    }).run();
    await until(() => up);
    expect(fail).toBeDefined();
    fail?.(new Error('recvmmsg: ENETDOWN'));
    let result: Awaited<typeof done> | undefined;
    void done.then((r) => {
      result = r;
    });
    await until(() => result !== undefined);
    expect(result).toMatchObject({ exitCode: EXIT.fatal, wasUp: true });
    expect(result?.reason).toMatch(/GRE socket failed: recvmmsg: ENETDOWN/);
    expect(server.restored).toBe(true);
    expect(records(lines)).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'GRE socket failed' }),
    );
    server.dispose();
  });
});
