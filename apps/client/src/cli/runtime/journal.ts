import type { Rtnetlink } from '@pptpkit/linux-net';
import { HostChanges } from '../../host/host-changes.js';
import type { JournalFile } from '../../host/journal-file.js';
import { APP_CODE } from '../../log/app-codes.js';
import type { Logger } from '../../log/logger.js';
import { files } from './files.js';

/** Undoes host changes an earlier run (or a failed stop) left in the journal. */
export async function recoverJournal(
  journal: JournalFile,
  rtnl: Rtnetlink,
  log: Logger,
): Promise<void> {
  const left = journal.read();
  if (left === undefined) return;
  log.warn('undoing host changes left by an earlier run', {
    journal: journal.path,
    changes: left.entries.length,
  });
  const report = await new HostChanges(rtnl, journal, files, left.entries).undo(left.pending);
  if (report.failures.length > 0)
    log.error('some earlier changes could not be undone', {
      code: APP_CODE.hostUndoFailed,
      failures: report.failures,
    });
}
