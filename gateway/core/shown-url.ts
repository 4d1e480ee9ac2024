// How a configured URL appears in status, errors, logs and change records. A URL can carry a credential in
// its user information, its query (a presigned object-store URL's signature) or its path (a Slack or Teams
// incoming webhook is its own secret), so only what names the place is shown.
/** The origin (scheme, host, port) and, with `path`, the path; never user information, query or fragment. */
export function shownUrl(url: string, opts: { path: boolean }): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '(a URL that does not parse)';
  }
  return opts.path ? u.origin + u.pathname : u.origin;
}
