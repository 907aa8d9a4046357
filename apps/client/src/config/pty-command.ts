import { type ConfigLocation, configError } from './config-error.js';

/** pptp-linux options that take a value in the next word. */
const pptpOptionsWithValue = new Set([
  '--phone',
  '--loglevel',
  '--logstring',
  '--timeout',
  '--max-echo-wait',
  '--idle-wait',
  '--localbind',
  '--localport',
  '--rtmark',
  '--quirks',
]);

/** Splits a command line into words with shell-like quoting (`'...'`, `"..."`, `\x`). */
function splitCommand(cmd: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < cmd.length) word += cmd[++i]!;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < cmd.length) word = (word ?? '') + cmd[++i]!;
    else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * Finds the PPTP server in a pppd `pty` command such as `pptp 10.1.1.14 --nolaunchpppd`
 * (pptp-linux's usage: `pptp HOST [pptp-options]`). pptpkit speaks PPTP itself, so any other
 * pty program is an error.
 */
export function serverFromPty(cmd: string, at: ConfigLocation): string {
  const words = splitCommand(cmd);
  const program = words[0]?.split('/').pop();
  if (program !== 'pptp') {
    throw configError(
      'CONFIG_BAD_VALUE',
      at,
      'pty',
      `pptpkit can only replace "pptp HOST ..." here, not '${words[0] ?? ''}'`,
    );
  }
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w.startsWith('--')) {
      if (pptpOptionsWithValue.has(w)) i++;
      continue;
    }
    return w;
  }
  throw configError('CONFIG_NO_SERVER', at, 'pty', 'the pptp command names no server');
}
