// The one request every system gets: an OpenAI chat completion with a prompt of about 200 tokens,
// free of anything the classifier would flag (no personal data, no secrets).
const prompt = [
  'You are reviewing the design notes of a small internal service that schedules batch reports.',
  'The service reads a list of report definitions, each with a name, a cron expression and a query,',
  'and runs the queries against a read replica at the scheduled times. The results are rendered as',
  'tables and charts and stored in an object bucket, and a short summary is posted to a team channel.',
  'Recent changes added retries with exponential backoff, a per-report timeout, and a limit on how many',
  'reports may run at the same time. Some reports now finish later than their owners expect, and the',
  'queue grows during the first hour of each working day when many daily reports start together.',
  'Explain in plain words what is most likely causing the delays, which measurements would confirm it,',
  'and suggest three changes to the scheduling policy that would spread the load more evenly without',
  'making any single report late by more than a few minutes. Keep the answer short and practical, and',
  'list the trade-offs of each change in one sentence each.',
].join(' ');

export const model = 'gpt-4o-mini';

/**
 * The request body. `chunkDelayMs` paces a streamed answer through the mock provider's per-request
 * directive (`mock:chunk-delay=N` in the last user message), so streams arrive as separate writes
 * while non-streaming answers stay one write.
 */
export function chatBody(stream: boolean, chunkDelayMs = 0, variant?: number): string {
  const directive = stream && chunkDelayMs > 0 ? ` mock:chunk-delay=${chunkDelayMs}` : '';
  // A variant numbers the report, so the mock provider (seeded by the prompt) answers differently.
  const asked = variant === undefined ? prompt : prompt.replace('batch reports.', `batch reports (ticket ${variant}).`);
  return JSON.stringify({
    model,
    messages: [
      { role: 'system', content: 'You are a concise senior engineer.' },
      { role: 'user', content: asked + directive },
    ],
    max_tokens: 128,
    stream,
  });
}
