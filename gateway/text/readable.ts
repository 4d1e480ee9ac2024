// A text as training admission keeps it in its window and the meaning check reads it (training/admission.ts):
// encodings and escapes decoded in place (then as compact as plain text, six times smaller for entities,
// and pieces encoded apart join), where it reads as a cipher its plain reading after it (a ciphered piece
// after plain evidence of the same output would otherwise be read as it is: the search for a cipher
// samples the start of what it reads), and no marks: a record is judged on its marks as sent, and among
// decoded words a mark is out of place. Pure, so a worker thread can read a long one (provenance/detection-pool.ts).
import { unfolded } from './decoded-readings.js';
import { removeDefaultIgnorable } from './normalise.js';
import { plainReadings } from './readings.js';

export interface Readable {
  text: string;
  /** It reads otherwise than it is written (decoded, deciphered), marks aside. */
  hides: boolean;
}

const SEPARATOR = '\n\n';

export function readable(text: string): Readable {
  const unmarked = removeDefaultIgnorable(text);
  const unfoldedText = unfolded(unmarked).text;
  const [plain] = plainReadings(unfoldedText);
  return plain ? { text: `${unfoldedText}${SEPARATOR}${plain.text}`, hides: true } : { text: unfoldedText, hides: unfoldedText !== unmarked };
}
