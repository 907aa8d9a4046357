import {
  type JournalEntry,
  NetworkJournal,
  type PointToPointAddress,
  type RouteSpec,
  type Rtnetlink,
} from '@pptpkit/linux-net';
import { PptpkitError } from '@pptpkit/wire';
import { type CommandRunner, runCommand } from './command-runner.js';
import { restoreSnapshot, takeSnapshot } from './file-snapshot.js';
import type { HostEntry, JournalFile } from './journal-file.js';

/**
 * Reads and writes the text of whole files (resolv.conf). Writing goes in place, through a
 * symbolic link; the byte-exact copy the undo puts back is taken separately
 * ({@link takeSnapshot}).
 */
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

type HostOnlyEntry = Extract<HostEntry, { type: 'file-replaced' | 'resolved-link' }>;

const isHostOnly = (e: HostEntry): e is HostOnlyEntry =>
  e.type === 'file-replaced' || e.type === 'resolved-link';

/**
 * Every host change the tunnel makes, journaled to a file before it is made and after, and
 * undone newest first by {@link HostChanges.undo}. Network changes go through
 * `@pptpkit/linux-net`'s {@link NetworkJournal}; replaced files are kept in the journal too.
 */
export class HostChanges {
  readonly #rtnl: Rtnetlink;
  readonly #file: JournalFile;
  readonly #files: FileAccess;
  readonly #run: CommandRunner;
  #entries: HostEntry[];

  /**
   * @param rtnl - where network changes go.
   * @param file - the persisted journal.
   * @param files - file access for replaced files.
   * @param entries - changes of an earlier run still to undo.
   * @param run - runs `resolvectl` (default: the real one).
   */
  constructor(
    rtnl: Rtnetlink,
    file: JournalFile,
    files: FileAccess,
    entries: readonly HostEntry[] = [],
    run: CommandRunner = runCommand,
  ) {
    this.#rtnl = rtnl;
    this.#file = file;
    this.#files = files;
    this.#entries = [...entries];
    this.#run = run;
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

  /**
   * Replaces a file's content, keeping an exact copy of the file (bytes, mode, symbolic link)
   * in the journal. A symbolic link stays one: the file it points at is written.
   */
  replaceFile(path: string, content: (previous: string | null) => string): void {
    const entry: HostEntry = { type: 'file-replaced', snapshot: takeSnapshot(path) };
    const previous = this.#files.read(path);
    this.#persist(entry);
    this.#files.write(path, content(previous));
    this.#entries.push(entry);
    this.#persist();
  }

  /**
   * Gives systemd-resolved DNS servers for one link (`resolvectl dns DEVICE ...`) and, when
   * `allDomains`, makes that link take every query (`resolvectl domain DEVICE '~.'`). Undone
   * with `resolvectl revert DEVICE`.
   * @throws {@link PptpkitError} `HOST_RESOLVECTL_FAILED` when resolvectl fails.
   */
  async setLinkDns(device: string, dns: readonly string[], allDomains: boolean): Promise<void> {
    const entry: HostEntry = { type: 'resolved-link', device };
    this.#persist(entry);
    this.#entries.push(entry);
    try {
      await this.#resolvectl(['dns', device, ...dns]);
      if (allDomains) await this.#resolvectl(['domain', device, '~.']);
    } finally {
      this.#persist();
    }
  }

  async #resolvectl(args: readonly string[]): Promise<void> {
    const result = await this.#run('resolvectl', args);
    if (result.code !== 0) {
      throw new PptpkitError(
        'HOST_RESOLVECTL_FAILED',
        `resolvectl ${args.join(' ')}: ${result.stderr.trim() || `exit ${result.code}`}`,
      );
    }
  }

  /** Undoes one non-network entry; returns whether its effect was already gone. */
  async #undoHostOnly(entry: HostOnlyEntry): Promise<boolean> {
    if (entry.type === 'file-replaced') {
      restoreSnapshot(entry.snapshot);
      return false;
    }
    const result = await this.#run('resolvectl', ['revert', entry.device]);
    if (result.code === 0) return false;
    // resolved forgets a link's settings when the link goes: nothing left to revert then.
    const exists = await this.#rtnl.link(entry.device).then(
      () => true,
      () => false,
    );
    if (!exists) return true;
    throw new Error(result.stderr.trim() || `resolvectl revert: exit ${result.code}`);
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
      if (isHostOnly(last)) {
        all.pop();
        try {
          if (await this.#undoHostOnly(last)) alreadyUndone++;
          else undone++;
        } catch (error) {
          const what = last.type === 'file-replaced' ? last.snapshot.path : last.device;
          failures.push(`${last.type} ${what}: ${(error as Error).message}`);
        }
      } else {
        const run: JournalEntry[] = [];
        while (all.length > 0 && !isHostOnly(all[all.length - 1]!))
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
