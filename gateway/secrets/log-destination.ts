// Every log line passes the secret scrubber on its way out: whatever a logged object or error holds.
import type { DestinationStream } from 'pino';
import type { SecretScrubber } from './scrubber.js';

export function scrubbingDestination(scrubber: SecretScrubber, target: DestinationStream): DestinationStream {
  return { write: (line: string) => target.write(scrubber.scrub(line)) };
}
