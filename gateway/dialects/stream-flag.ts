// `stream` as a call asks for it. Only true, false, null or no field at all: a provider that reads "true",
// 1 or "yes" as true (vLLM's request models do) would stream to a call the gateway reads as asking for
// JSON, so anything else is the caller's mistake (400), as OpenAI's and Anthropic's own APIs answer it.
export function streamFlag(body: Record<string, unknown>): boolean | string {
  const stream = body.stream;
  if (stream === undefined || stream === null || stream === false) return false;
  if (stream === true) return true;
  return '`stream` must be true or false';
}
