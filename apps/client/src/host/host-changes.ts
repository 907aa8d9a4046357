import {
  type JournalEntry,
  NetworkJournal,
  type PointToPointAddress,
  type RouteSpec,
  type Rtnetlink,
} from '@pptpkit/linux-net';
import type { HostEntry, JournalFile } from './journal-file.js';

/** Reads and writes whole files (resolv.conf); injectable for tests. */
export interface FileAccess {
  /** The content, or `null` when the file does not exist. */
  read(path: string): string | null;
  /** Replaces the content; `null` removes the file. */
  write(path: string, content: string | null): void;
}

/** What an undo did. */
export interface RestoreReport {
  /** Changes undone. */
  readonly undone: number;
  /** Changes whose effect was already gone. */
  readonly alreadyUndone: number;
  /** Changes that could not be undone, described. */
  readonly failures: readonly string[];
}

const isFile = (e: HostEntry): e is Extract<HostEntry, { type: 'file-replaced' }> =>
  e.type === 'file-replaced';

/**
 * Every host change the tunnel makes, journaled to a file before it is made and after, and
 * undone newest first by {@link HostChanges.undo}. Network changes go through
 * `@pptpkit/linux-net`'s {@link NetworkJournal}; replaced files are kept in the journal too.
 */
export class HostChanges {
  readonly #rtnl: Rtnetlink;
  readonly #file: JournalFile;
  readonly #files: FileAccess;
  #entries: HostEntry[];

  /**
   * @param rtnl - where network changes go.
   * @param file - the persisted journal.
   * @param files - file access for replaced files.
   * @param entries - changes of an earlier run still to undo.
   */
  constructor(
    rtnl: Rtnetlink,
    file: JournalFile,
    files: FileAccess,
    entries: readonly HostEntry[] = [],
  ) {
    this.#rtnl = rtnl;
    this.#file = file;
    this.#files = files;
    this.#entries = [...entries];
  }

  /** The journaled changes, oldest first. */
  get entries(): readonly HostEntry[] {
    return [...this.#entries];
  }

  #persist(pending?: HostEntry): void {
    this.#file.write(
      pending === undefined ? { entries: this.#entries } : { entries: this.#entries, pending },
    );
  }

  async #network(
    intent: JournalEntry,
    change: (j: NetworkJournal) => Promise<void>,
  ): Promise<void> {
    this.#persist(intent);
    const journal = new NetworkJournal(this.#rtnl);
    try {
      await change(journal);
    } finally {
      this.#entries.push(...journal.entries);
      this.#persist();
    }
  }

  /** Adds a route. */
  addRoute(route: RouteSpec): Promise<void> {
    return this.#network({ type: 'route-added', route }, (j) => j.addRoute(route));
  }

  /** Deletes a route given exactly (as the kernel has it), so that undo restores it. */
  deleteRoute(route: RouteSpec): Promise<void> {
    return this.#network({ type: 'route-deleted', route }, (j) => j.deleteRoute(route));
  }

  /** Adds a point-to-point address. */
  addPointToPointAddress(address: PointToPointAddress): Promise<void> {
    return this.#network({ type: 'address-added', address }, (j) =>
      j.addPointToPointAddress(address),
    );
  }

  /** Sets an interface up. */
  setLinkUp(device: string): Promise<void> {
    return this.#network({ type: 'link-up-changed', device, wasUp: false }, (j) =>
      j.setLinkUp(device, true),
    );
  }

  /** Sets an interface's MTU. */
  setMtu(device: string, mtu: number): Promise<void> {
    return this.#network({ type: 'link-mtu-changed', device, previousMtu: mtu }, (j) =>
      j.setMtu(device, mtu),
    );
  }

  /** Replaces a file's content, keeping the previous content in the journal. */
  replaceFile(path: string, content: (previous: string | null) => string): void {
    const previous = this.#files.read(path);
    const entry: HostEntry = { type: 'file-replaced', path, previous };
    this.#persist(entry);
    this.#files.write(path, content(previous));
    this.#entries.push(entry);
    this.#persist();
  }

  /**
   * Undoes every change (and a pending one), newest first, carrying on past failures, then
   * removes the journal file when nothing failed.
   */
  async undo(pending?: HostEntry): Promise<RestoreReport> {
    let undone = 0;
    let alreadyUndone = 0;
    const failures: string[] = [];
    const all = pending === undefined ? this.#entries : [...this.#entries, pending];
    // Undo newest first, in runs: consecutive network entries go through one NetworkJournal.
    while (all.length > 0) {
      const last = all[all.length - 1]!;
      if (isFile(last)) {
        all.pop();
        try {
          this.#files.write(last.path, last.previous);
          undone++;
        } catch (error) {
          failures.push(`restore ${last.path}: ${(error as Error).message}`);
        }
      } else {
        const run: JournalEntry[] = [];
        while (all.length > 0 && !isFile(all[all.length - 1]!))
          run.unshift(all.pop() as JournalEntry);
        const report = await new NetworkJournal(this.#rtnl, { entries: run }).undo();
        undone += report.undone;
        alreadyUndone += report.alreadyUndone;
        for (const f of report.failures)
          failures.push(`${f.entry.type}: ${(f.error as Error).message}`);
      }
      this.#entries = [...all];
      this.#persist();
    }
    if (failures.length === 0) this.#file.remove();
    return { undone, alreadyUndone, failures };
  }
}
