// The `schema` step of the policy build: the data files parse as JSON and the company rules match
// their schema. Runs before fmt so that a form's mistake is reported in the form's own words.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { companySchema, crossReferenceProblems, type CompanyRules } from './company-schema.js';
import type { StepReport } from './toolchain.js';

const ajv = new Ajv({ allErrors: true, strict: true });
const checkCompany = ajv.compile<CompanyRules>(companySchema);

export const COMPANY_FILE = 'data/company.json';

/** Line of a character offset, for JSON syntax errors that name a position. */
const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** Problems with the company rules text, one `path: message` per entry (pure). */
export function companyProblems(text: string): Array<{ line: number | null; message: string }> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    return [{ line: at ? lineAt(text, Number(at[1])) : null, message: `not valid JSON: ${message}` }];
  }
  if (!checkCompany(value)) {
    return (checkCompany.errors ?? []).map((e) => ({
      line: null,
      message: `${e.instancePath || '/'}: ${e.message}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as string[]).join(', ')})` : ''}`,
    }));
  }
  return crossReferenceProblems(value).map((message) => ({ line: null, message }));
}

export async function schemaStep(dir: string): Promise<StepReport> {
  let text: string;
  try {
    text = await readFile(join(dir, COMPANY_FILE), 'utf8');
  } catch {
    return { step: 'schema', ok: true, output: `no ${COMPANY_FILE}` };
  }
  const problems = companyProblems(text);
  const output = problems.map((p) => `${COMPANY_FILE}:${p.line ?? 0}: ${p.message}`).join('\n');
  return { step: 'schema', ok: problems.length === 0, output: output || `${COMPANY_FILE} matches its schema` };
}
