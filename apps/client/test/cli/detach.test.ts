import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ParentChannel, ParentReport, type UpMessage } from '../../src/cli/detach.js';

/** A channel that records what was sent and can fail or be closed. */
function fakeChannel(failSend = false) {
  const sent: UpMessage[] = [];
  let connected = true;
  let disconnects = 0;
  const channel: ParentChannel = {
    get connected() {
      return connected;
    },
    send(message, done) {
      if (!connected) throw new Error('IPC channel is already disconnected');
      sent.push(message);
      queueMicrotask(() => done(failSend ? new Error('Channel closed') : null));
    },
    disconnect() {
      if (!connected) throw new Error('IPC channel is already disconnected');
      connected = false;
      disconnects++;
    },
  };
  return {
    channel,
    sent,
    close: () => {
      connected = false;
    },
    disconnects: () => disconnects,
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('ParentReport: the background copy tells its parent "up" once, then lets go', () => {
  it('reports the first up, disconnects, and ignores every later up (persist reconnects)', async () => {
    const c = fakeChannel();
    const report = new ParentReport(c.channel);
    report.up();
    await flush();
    for (let i = 0; i < 5; i++) report.up();
    await flush();
    expect(c.sent).toEqual([{ up: true }]);
    expect(c.disconnects()).toBe(1);
  });

  it('a parent that is already gone is no error', async () => {
    const c = fakeChannel();
    c.close();
    const report = new ParentReport(c.channel);
    expect(() => report.up()).not.toThrow();
    expect(() => report.up()).not.toThrow();
    await flush();
    expect(c.sent).toEqual([]);
  });

  it('a send that fails goes to its callback, not to an error event', async () => {
    const c = fakeChannel(true);
    const report = new ParentReport(c.channel);
    report.up();
    await flush();
    expect(c.sent).toHaveLength(1);
  });

  it('without a channel (foreground run) it does nothing', () => {
    expect(() => new ParentReport(undefined).up()).not.toThrow();
  });

  it('a real child process survives reporting up again after its parent disconnected', async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@pptpkit/source',
        join(here, 'fixtures/report-up-twice.ts'),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        env: { ...process.env, PPTPKIT_DETACHED: '1' },
      },
    );
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    const messages: unknown[] = [];
    child.on('message', (m) => {
      messages.push(m);
      // As `pptpkit up --background` does once the tunnel is up.
      child.disconnect();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(messages).toEqual([{ up: true }]);
    expect(out).toContain('survived');
    expect(code).toBe(0);
  });
});
