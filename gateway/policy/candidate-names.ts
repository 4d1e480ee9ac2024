// A candidate's file names and revision ids, checked before anything touches the filesystem.
import { PolicyRefusedError } from './store-types.js';
import { isSourceFile } from './revision.js';

/** Longest file name a candidate may carry: per path segment (most filesystems' NAME_MAX) and in all. */
const MAX_FILE_SEGMENT = 255;
const MAX_FILE_PATH = 1024;

/** A bad or over-long name is refused (422) here, for every caller, never left to the filesystem (500). */
export function checkedPath(path: string): string {
  const tooLong = Buffer.byteLength(path) > MAX_FILE_PATH || path.split('/').some((seg) => Buffer.byteLength(seg) > MAX_FILE_SEGMENT);
  if (tooLong) throw new PolicyRefusedError('stage', `file path ${JSON.stringify(path.slice(0, 64))}… is too long (at most ${MAX_FILE_SEGMENT} bytes a segment, ${MAX_FILE_PATH} in all)`);
  const ok = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*(\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$/.test(path) && !path.split('/').includes('..') && isSourceFile(path);
  if (!ok) throw new PolicyRefusedError('stage', `file path ${JSON.stringify(path)} must be relative, without '..', ending in .rego or .json`);
  return path;
}

export function checkedId(id: string): string {
  if (!/^[0-9a-zA-Z_.-]{1,64}$/.test(id) || /^\.+$/.test(id)) throw new PolicyRefusedError('stage', `invalid revision id ${JSON.stringify(id)}`);
  return id;
}
