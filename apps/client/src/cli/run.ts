import { main } from './main.js';

/**
 * Exits once stdout has taken everything written: `process.exit` right after a large write to
 * a pipe (`status --json` of a server with 1,000 sessions) would cut the output short.
 */
function exitAfterStdout(code: number): void {
  if (process.stdout.writableLength === 0) process.exit(code);
  process.stdout.once('drain', () => process.exit(code));
  process.stdout.once('error', () => process.exit(code));
}

main(process.argv.slice(2)).then(exitAfterStdout, (error: unknown) => {
  process.stderr.write(`pptpkit: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
