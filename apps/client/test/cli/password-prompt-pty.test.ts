/**
 * The password prompt through a real pseudo-terminal (util-linux `script`), against a real
 * server: `pptpkit serve` in one network namespace, `pptpkit up` in another, joined by a veth
 * pair (tools/netns/veth-rig.ts; nothing touches the root namespace). No secrets file names
 * alice: the password typed at the prompt is what the server checks, so a right one brings the
 * tunnel up and a wrong one ends it with exit 19. Needs root and `script`.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cliCommand,
  type LoggedProcess,
  pptpkitCommand,
  startServe,
} from '../../../../tools/netns/pptpkit-procs.js';
import {
  createVethRig,
  RIG_SERVER_ADDRESS,
  type VethRig,
} from '../../../../tools/netns/veth-rig.js';
import { EXIT } from '../../src/exit-codes.js';

const PASSWORD = 'Typed-Passw0rd';

/** Why these tests cannot run here, or undefined. */
function unavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root (creates network namespaces)';
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'util-linux script is missing';
  }
  return undefined;
}
const reason = unavailable();
if (reason !== undefined) console.warn(`[password prompt pty] skipped: ${reason}`);

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A shell command in a pty: what it printed (the pty echoes nothing we do not print). */
interface PtyRun {
  readonly child: ChildProcess;
  output(): string;
  /** Waits until the output contains `text`. */
  waitFor(text: string, ms: number): Promise<void>;
  /** Types `keys` at the terminal. */
  type(keys: string): void;
  /** The shell's exit status. */
  readonly exited: Promise<number | null>;
}

/** Runs `shell` (sh syntax) in a new pty inside the rig's client namespace. */
function inPty(rig: VethRig, shell: string, env: NodeJS.ProcessEnv): PtyRun {
  const child = rig.spawn('client', ['script', '-qfec', shell, '/dev/null'], {
    env: { ...process.env, ...env },
    stdin: 'pipe',
  });
  let text = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    child,
    output: () => text,
    exited,
    type: (keys) => child.stdin?.write(keys),
    async waitFor(wanted, ms) {
      const end = Date.now() + ms;
      while (!text.includes(wanted)) {
        if (done || Date.now() > end) {
          throw new Error(`no '${wanted}' (${done ? 'exited' : `${ms} ms`}):\n${text}`);
        }
        await sleep(25);
      }
    },
  };
}

describe.skipIf(reason !== undefined)('the password prompt, typed at a real terminal', () => {
  let rig: VethRig;
  let dir = '';
  let serve: LoggedProcess | undefined;
  const runs: PtyRun[] = [];

  /** `pptpkit up work ...` in a pty, then the exit status and `stty -a` of the same terminal. */
  const up = (
    name: string,
    flags: readonly string[] = [],
    peerLines: readonly string[] = [],
    env: NodeJS.ProcessEnv = {},
  ): PtyRun => {
    const at = join(dir, name);
    mkdirSync(join(at, 'peers'), { recursive: true });
    writeFileSync(
      join(at, 'peers', 'work'),
      [
        `pty "pptp ${RIG_SERVER_ADDRESS} --nolaunchpppd"`,
        'name alice',
        'require-mppe-128',
        ...peerLines,
        '',
      ].join('\n'),
    );
    // A secrets file without alice, and no pap-secrets: nothing but the prompt has her secret.
    writeFileSync(join(at, 'chap-secrets'), 'bob * not-alice *\n', { mode: 0o600 });
    const args = [
      ...cliCommand,
      'up',
      'work',
      '--peers-dir',
      join(at, 'peers'),
      '--secrets',
      join(at, 'chap-secrets'),
      '--pap-secrets',
      join(at, 'no-pap-secrets'),
      ...flags,
    ];
    const run = inPty(rig, `${args.map(quote).join(' ')}; echo "exit=$?"; stty -a`, {
      PPTPKIT_RUN_DIR: join(at, 'run'),
      ...env,
    });
    runs.push(run);
    return run;
  };
  /** The server's `authentication failed` log records so far. */
  const failures = () =>
    serve?.records.filter((r) => r['message'] === 'authentication failed').length ?? 0;
  const down = (name: string) => pptpkitCommand(rig, 'client', join(dir, name, 'run'), ['down']);

  beforeAll(async () => {
    rig = createVethRig();
    dir = mkdtempSync(join(tmpdir(), 'pptpkit-prompt-'));
    serve = await startServe(rig, dir, {
      options: ['name pptpd', 'require-mschap-v2', 'require-mppe-128'],
      localIp: '10.88.0.1',
      remoteIp: '10.88.0.10-20',
      chapSecrets: `alice pptpd ${PASSWORD} *\n`,
    });
  }, 60_000);

  afterAll(async () => {
    for (const r of runs) r.child.kill('SIGKILL');
    await serve?.stop(5_000);
    rig?.remove();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  /** The terminal after pptpkit ended: echo and canonical mode back on. */
  const cooked = (output: string) => {
    const stty = output.slice(output.indexOf('exit='));
    expect(stty).toMatch(/(^|\s)echo(\s|$)/m);
    expect(stty).toMatch(/(^|\s)icanon(\s|$)/m);
  };

  it('the typed password brings the tunnel up; it is never echoed or logged', async () => {
    const run = up('right', ['--log-format', 'text']);
    await run.waitFor('Password for alice@work: ', 30_000);
    run.type(`${PASSWORD}\r`);
    await run.waitFor('tunnel up', 30_000);
    expect(run.output()).toMatch(/authenticated.*method=MS-CHAPv2/);
    expect((await down('right')).code).toBe(EXIT.ok);
    await run.exited;
    expect(run.output()).toContain('exit=0');
    expect(run.output()).not.toContain(PASSWORD);
    cooked(run.output());
  }, 90_000);

  it('a systemd credential (CREDENTIALS_DIRECTORY/password) comes before the prompt', async () => {
    const creds = join(dir, 'credentials');
    mkdirSync(creds, { recursive: true });
    writeFileSync(join(creds, 'password'), `${PASSWORD}\n`, { mode: 0o400 });
    const run = up('credential', [], ['debug'], { CREDENTIALS_DIRECTORY: creds });
    await run.waitFor('tunnel up', 30_000);
    expect(run.output()).toMatch(/authenticating as user=alice from=credential/);
    expect(run.output()).not.toContain('Password for');
    expect((await down('credential')).code).toBe(EXIT.ok);
    await run.exited;
    expect(run.output()).not.toContain(PASSWORD);
  }, 90_000);

  it('password-file: its first line is the password; a file others may read is warned about', async () => {
    const file = join(dir, 'work.password');
    writeFileSync(file, `${PASSWORD}\nignored second line\n`);
    chmodSync(file, 0o644);
    const run = up('password-file', [], [`password-file ${file}`]);
    await run.waitFor('tunnel up', 30_000);
    expect(run.output()).toContain(`warn the password file is readable by others file=${file}`);
    expect(run.output()).not.toContain('Password for');
    expect((await down('password-file')).code).toBe(EXIT.ok);
    await run.exited;
  }, 90_000);

  it('a wrong password typed is what the server checks, and refuses: no tunnel', async () => {
    const failedBefore = failures();
    const run = up('wrong');
    await run.waitFor('Password for alice@work: ', 30_000);
    run.type('not-the-password\r');
    await run.exited;
    expect(run.output()).not.toContain('tunnel up');
    expect(run.output()).not.toContain('exit=0');
    expect(failures()).toBe(failedBefore + 1);
    cooked(run.output());
  }, 90_000);

  it('--background: the parent prompts, the detached copy gets the password over IPC', async () => {
    const run = up('background', ['--background']);
    await run.waitFor('Password for alice@work: ', 30_000);
    run.type(`${PASSWORD}\r`);
    await run.exited;
    expect(run.output()).toContain('tunnel up; it runs in the background');
    expect(run.output()).toContain('exit=0');
    cooked(run.output());
    expect((await down('background')).code).toBe(EXIT.ok);
  }, 90_000);

  it('Ctrl-C at the prompt: exit 2, a clear message, the terminal restored', async () => {
    const run = up('abort');
    await run.waitFor('Password for alice@work: ', 30_000);
    run.type('half\x03');
    await run.exited;
    expect(run.output()).toMatch(
      /error password prompt aborted \(Ctrl-C\); no password given code=PROMPT_ABORTED/,
    );
    expect(run.output()).toContain(`exit=${EXIT.config}`);
    cooked(run.output());
  }, 60_000);
});
