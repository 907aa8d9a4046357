/**
 * Finding the native addon, pure: where it may be, in which order, and what to tell a user
 * when none of it loads. `addon.ts` (and the package's install script, `scripts/install.mjs`)
 * supply the file system and `require`.
 *
 * Order: a binary compiled on this machine (`build/Release`, which exists only after a
 * compile: a source checkout, or an install that had no loadable prebuild or was asked to
 * build from source), then the prebuilt N-API binary shipped for this platform, architecture
 * and C library (`prebuilds/linux-x64/pptpkit_linux_net.glibc.node`). In an installed package
 * nothing is compiled when the prebuild loads, so the prebuild is what loads; in a checkout the
 * fresh compile wins over a prebuild left from an earlier pack.
 *
 * @module
 */

/** The addon's file name without `.node` (the `target_name` in `binding.gyp`). */
const ADDON_NAME = 'pptpkit_linux_net';

/** The C library a binary must be linked against to load here. */
export type Libc = 'glibc' | 'musl';

/** What the addon must be built for. */
export interface AddonTarget {
  /** `process.platform`. */
  readonly platform: string;
  /** `process.arch`. */
  readonly arch: string;
  /** The C library of the running Node. */
  readonly libc: Libc;
}

/** The prebuild for `target`, relative to the package directory. */
export function prebuildPath(target: AddonTarget): string {
  return `prebuilds/${target.platform}-${target.arch}/${ADDON_NAME}.${target.libc}.node`;
}

/** Where node-gyp puts a compiled addon, relative to the package directory. */
const COMPILED_PATH: string = `build/Release/${ADDON_NAME}.node`;

/** The files to try, in order, relative to the package directory. */
export function addonCandidates(target: AddonTarget): readonly string[] {
  return [COMPILED_PATH, prebuildPath(target)];
}

/** One candidate that did not load. */
export interface LoadAttempt {
  /** The path tried. */
  readonly path: string;
  /** Why it failed: `not found`, or the first line of the loader's error. */
  readonly reason: string;
}

/** The first candidate that loaded, or every failure. */
export type LoadOutcome<T> =
  | { readonly loaded: true; readonly addon: T; readonly path: string }
  | { readonly loaded: false; readonly attempts: readonly LoadAttempt[] };

/** Tries `load` on each candidate in order and returns the first success. */
export function loadFirst<T>(
  candidates: readonly string[],
  load: (path: string) => T,
): LoadOutcome<T> {
  const attempts: LoadAttempt[] = [];
  for (const path of candidates) {
    try {
      return { loaded: true, addon: load(path), path };
    } catch (error) {
      const { code, message } = error as { code?: unknown; message?: unknown };
      const reason =
        code === 'MODULE_NOT_FOUND'
          ? 'not found'
          : (String(message ?? error).split('\n')[0] ?? 'failed to load');
      attempts.push({ path, reason });
    }
  }
  return { loaded: false, attempts };
}

/** Context for {@link missingAddonMessage}. */
export interface MissingAddonContext {
  /** What the addon was needed for. */
  readonly target: AddonTarget;
  /** `process.version`. */
  readonly nodeVersion: string;
  /** What was tried. */
  readonly attempts: readonly LoadAttempt[];
  /** The prebuilds the package ships (`linux-x64/pptpkit_linux_net.glibc.node`, ...). */
  readonly shipped: readonly string[];
}

/**
 * The message of `LINUXNET_ADDON_MISSING`, written for someone who installed the package:
 * what was tried and why it failed, which prebuilds exist, and how to compile the addon.
 */
export function missingAddonMessage(context: MissingAddonContext): string {
  const { target } = context;
  const lines = [
    `@pptpkit/linux-net: no native addon loads on ${target.platform}-${target.arch} (${target.libc}), Node ${context.nodeVersion}. Tried:`,
    ...context.attempts.map((attempt) => `  - ${attempt.path}: ${attempt.reason}`),
  ];
  if (target.platform !== 'linux') {
    lines.push('@pptpkit/linux-net works on Linux only.');
    return lines.join('\n');
  }
  lines.push(
    context.shipped.length > 0
      ? `Prebuilt binaries in this package: ${context.shipped.join(', ')}.`
      : 'This copy of the package has no prebuilt binaries.',
    'Compile the addon from source: install Python 3, make and a C++ compiler (Debian/Ubuntu: `apt-get install build-essential python3`; Alpine: `apk add build-base python3 linux-headers`), then run',
    '  npm rebuild @pptpkit/linux-net --build-from-source',
    'or, with pnpm (which skips dependencies\u2019 build scripts unless approved): `pnpm approve-builds`, then `pnpm rebuild @pptpkit/linux-net`.',
  );
  return lines.join('\n');
}

/**
 * The C library of a Linux executable, from its first bytes (the ELF program interpreter is
 * named there): `musl` when it is musl's dynamic loader (`/lib/ld-musl-<arch>.so.1`), else
 * `glibc`.
 */
export function libcOfExecutable(head: Uint8Array): Libc {
  return new TextDecoder('latin1').decode(head).includes('/ld-musl-') ? 'musl' : 'glibc';
}
