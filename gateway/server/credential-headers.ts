// A request carrying a credential header twice is ambiguous: Node keeps the first authorization and joins
// x-api-key values, while a proxy in front may have checked the other one. Such a request is refused.
const CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-key', 'api-key', 'x-goog-api-key']);

/** The first credential header that appears more than once in Node's rawHeaders (name, value, name, value…). */
export function duplicatedCredential(rawHeaders: readonly string[]): string | undefined {
  let seen: string[] | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (!CREDENTIAL_HEADERS.has(name)) continue;
    if (seen?.includes(name)) return name;
    (seen ??= []).push(name);
  }
  return undefined;
}
