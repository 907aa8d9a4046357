import { afterEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/host/command-runner.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('runCommand', () => {
  it('passes our environment on, less systemd’s notification and watchdog variables', async () => {
    Object.assign(process.env, {
      NOTIFY_SOCKET: '@/org/freedesktop/systemd1/notify/1',
      WATCHDOG_USEC: '30000000',
      WATCHDOG_PID: String(process.pid),
      PPTPKIT_CHECK: 'kept',
    });
    const result = await runCommand('sh', [
      '-c',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion
      'echo "${NOTIFY_SOCKET-unset}|${WATCHDOG_USEC-unset}|${WATCHDOG_PID-unset}|$PPTPKIT_CHECK"',
    ]);
    expect(result).toEqual({ code: 0, stdout: 'unset|unset|unset|kept\n', stderr: '' });
  });
});
