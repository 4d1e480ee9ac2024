// A JSON value that is an object (not null, not an array): the shape every request and event body must have.
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
