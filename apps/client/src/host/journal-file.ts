import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JournalEntry } from '@pptpkit/linux-net';
import type { FileSnapshot } from './file-snapshot.js';

/**
 * A host change we can undo: a network change, a file we rewrote (resolv.conf), or per-link
 * DNS settings given to systemd-resolved.
 */
export type HostEntry =
  | JournalEntry
  | {
      readonly type: 'file-replaced';
      /** The file as it was before, byte for byte (with its mode, and its link if it was one). */
      readonly snapshot: FileSnapshot;
    }
  | {
      readonly type: 'resolved-link';
      /** The interface whose DNS settings we gave to systemd-resolved (`resolvectl revert`). */
      readonly device: string;
    };

/** What the journal file holds. */
export interface JournalFileContent {
  /** Changes made, oldest first. */
  readonly entries: readonly HostEntry[];
  /** A change announced but not confirmed (the process may have died while making it). */
  readonly pending?: HostEntry;
}

/**
 * The on-disk journal of host changes (`/run/pptpkit/PEER.journal`): written (atomically, by
 * rename) before every change and after it, so that a start after a crash can undo them.
 */
export class JournalFile {
  /** The file's path. */
  readonly path: string;

  /** @param path - where the journal lives. */
  constructor(path: string) {
    this.path = path;
  }

  /** Reads a journal left behind, or `undefined` when there is none or it is unreadable. */
  read(): JournalFileContent | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = JSON.parse(text) as JournalFileContent;
      if (!Array.isArray(parsed.entries)) return undefined;
      return parsed;
    } catch {
      return undefined;
    }
  }

  /** Replaces the journal's content. */
  write(content: JournalFileContent): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(content)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
  }

  /** Removes the journal (everything was undone). */
  remove(): void {
    rmSync(this.path, { force: true });
  }
}
