import {
  chmodSync,
  lstatSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';

/**
 * Exactly what a file was before we rewrote it, so that it can be put back byte for byte:
 * its content (base64), its mode and, when it was a symbolic link, the link itself (which is
 * kept: we write through it, to the file it points at, and never replace it by a regular file).
 */
export type FileSnapshot =
  | { readonly path: string; readonly kind: 'missing' }
  | {
      readonly path: string;
      readonly kind: 'file';
      /** Permission bits. */
      readonly mode: number;
      /** The bytes, base64. */
      readonly content: string;
    }
  | {
      readonly path: string;
      readonly kind: 'symlink';
      /** The link's text, as `readlink` gives it. */
      readonly link: string;
      /** The file it resolves to, which is the one we write. */
      readonly target: string;
      /** The target's permission bits. */
      readonly mode: number;
      /** The target's bytes, base64. */
      readonly content: string;
    };

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Records `path` as it is now. A dangling symbolic link throws (ENOENT): writing through it
 * would create a file somewhere else.
 */
export function takeSnapshot(path: string): FileSnapshot {
  let link: string | undefined;
  try {
    if (lstatSync(path).isSymbolicLink()) link = readlinkSync(path);
  } catch (error) {
    if (isMissing(error)) return { path, kind: 'missing' };
    throw error;
  }
  if (link === undefined) {
    return {
      path,
      kind: 'file',
      mode: statSync(path).mode & 0o7777,
      content: readFileSync(path).toString('base64'),
    };
  }
  const target = realpathSync(path);
  return {
    path,
    kind: 'symlink',
    link,
    target,
    mode: statSync(target).mode & 0o7777,
    content: readFileSync(target).toString('base64'),
  };
}

/** Writes bytes in place (no rename: the file may be a bind mount, as under `ip netns exec`). */
function putBack(path: string, content: string, mode: number): void {
  writeFileSync(path, Buffer.from(content, 'base64'));
  if ((statSync(path).mode & 0o7777) !== mode) chmodSync(path, mode);
}

/** Removes a symbolic link or a file at `path` when it is not what the snapshot had. */
function removeIfLink(path: string): void {
  try {
    if (lstatSync(path).isSymbolicLink()) rmSync(path);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}

/** Puts a file back as {@link takeSnapshot} found it: content, mode, and the link if it was one. */
export function restoreSnapshot(snapshot: FileSnapshot): void {
  switch (snapshot.kind) {
    case 'missing':
      rmSync(snapshot.path, { force: true });
      return;
    case 'file':
      // Someone made it a link meanwhile: writing through it would change another file.
      removeIfLink(snapshot.path);
      putBack(snapshot.path, snapshot.content, snapshot.mode);
      return;
    case 'symlink': {
      let current: string | undefined;
      try {
        current = lstatSync(snapshot.path).isSymbolicLink()
          ? readlinkSync(snapshot.path)
          : undefined;
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
      if (current !== snapshot.link) {
        rmSync(snapshot.path, { force: true });
        symlinkSync(snapshot.link, snapshot.path);
      }
      putBack(snapshot.target, snapshot.content, snapshot.mode);
      return;
    }
  }
}
