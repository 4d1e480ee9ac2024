// The `schema` step of the policy build: the data files parse as JSON, the company rules match their
// schema and the licence catalogue its own (with its dates no later than today). Runs before fmt so that a
// form's mistake is reported in the form's own words.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { catalogueProblems, companyCatalogueProblems } from '../data/catalogue-check.js';
import type { Catalogue } from '../data/catalogue-schema.js';
import { companySchema, crossReferenceProblems, type CompanyRules } from '../data/company-schema.js';
import type { StepReport } from './report.js';

const ajv = new Ajv({ allErrors: true, strict: true });
const checkCompany = ajv.compile<CompanyRules>(companySchema);

export const COMPANY_FILE = 'data/company.json';
export const LICENCES_FILE = 'data/licences.json';

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

/** Problems with the licence catalogue text (pure); `today` is YYYY-MM-DD. */
export function licenceProblems(text: string, today: string): Array<{ line: number | null; message: string }> {
  try {
    return catalogueProblems(JSON.parse(text), today).map((message) => ({ line: null, message }));
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    return [{ line: at ? lineAt(text, Number(at[1])) : null, message: `not valid JSON: ${message}` }];
  }
}

async function fileReport(dir: string, file: string, problemsOf: (text: string) => Array<{ line: number | null; message: string }>): Promise<{ ok: boolean; output: string }> {
  let text: string;
  try {
    text = await readFile(join(dir, file), 'utf8');
  } catch {
    return { ok: true, output: `no ${file}` };
  }
  const problems = problemsOf(text);
  const output = problems.map((p) => `${file}:${p.line ?? 0}: ${p.message}`).join('\n');
  return { ok: problems.length === 0, output: output || `${file} matches its schema` };
}

/** Once both files are sound on their own: what the company rules name in the catalogue exists. */
async function crossFileReport(dir: string): Promise<{ ok: boolean; output: string }> {
  const [company, licences] = await Promise.all([readFile(join(dir, COMPANY_FILE), 'utf8'), readFile(join(dir, LICENCES_FILE), 'utf8')]);
  const problems = companyCatalogueProblems(JSON.parse(company) as CompanyRules, JSON.parse(licences) as Catalogue);
  return { ok: problems.length === 0, output: problems.map((p) => `${COMPANY_FILE}:0: ${p}`).join('\n') || `${COMPANY_FILE} names only what ${LICENCES_FILE} holds` };
}

export async function schemaStep(dir: string, today = new Date().toISOString().slice(0, 10)): Promise<StepReport> {
  const reports = [await fileReport(dir, COMPANY_FILE, companyProblems), await fileReport(dir, LICENCES_FILE, (text) => licenceProblems(text, today))];
  const bothPresent = reports.every((r) => r.ok && !r.output.startsWith('no '));
  if (bothPresent) reports.push(await crossFileReport(dir));
  return { step: 'schema', ok: reports.every((r) => r.ok), output: reports.map((r) => r.output).join('\n') };
}
