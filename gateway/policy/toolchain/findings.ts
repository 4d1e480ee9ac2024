// Turns the policy toolchain's output into findings a reader can act on: which file, which line, and
// what is wrong in words. Pure: the step's output and the directory it ran in come as arguments.
import type { StepReport } from './report.js';

export interface Finding {
  step: StepReport['step'];
  /** Path relative to the policy directory. */
  file: string;
  line: number | null;
  message: string;
}

const KINDS: Record<string, string> = {
  rego_parse_error: 'Syntax error',
  rego_type_error: 'Type error',
  rego_unsafe_var_error: 'Unsafe variable (used without being bound)',
  rego_recursion_error: 'Recursive rule',
  rego_compile_error: 'Compile error',
};

const relative = (path: string, dir: string): string => {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path.replace(/^\.\//, '');
};

/** Findings of one step; a failed step whose output names no file gives one finding without a file. */
export function findingsOf(report: StepReport, dir: string): Finding[] {
  if (report.ok) return [];
  const lines = report.output.split('\n');
  const out: Finding[] = [];
  const seen = new Set<string>();
  const add = (f: Finding) => {
    const key = `${f.file}:${f.line}:${f.message}`;
    if (!seen.has(key)) out.push(f), seen.add(key);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    // `file.rego:12: rego_parse_error: unexpected eof token`
    const err = /^(.+?\.(?:rego|json)):(\d+)(?::\d+)?: (rego_[a-z_]+): (.*)$/.exec(line);
    if (err) {
      add({ step: report.step, file: relative(err[1], dir), line: Number(err[2]), message: `${KINDS[err[3]] ?? err[3]}: ${err[4]}` });
      continue;
    }
    // `data/company.json:3: not valid JSON: …` (the schema step; line 0 when the line is unknown)
    const data = report.step === 'schema' ? /^(.+?\.json):(\d+): (.*)$/.exec(line) : null;
    if (data) {
      add({ step: 'schema', file: data[1], line: Number(data[2]) || null, message: data[3] });
      continue;
    }
    // `file_test.rego:12:` followed by `data.pkg.test_name: FAIL (1ms)` (or ERROR)
    const loc = /^(.+?\.rego):(\d+):$/.exec(line);
    const test = loc ? /^data\.[\w.]+\.(test_\w+): (FAIL|ERROR)/.exec(lines[i + 1] ?? '') : null;
    if (loc && test) {
      const words = test[1].replace(/^test_/, '').replace(/_/g, ' ');
      add({ step: report.step, file: relative(loc[1], dir), line: Number(loc[2]), message: `Test "${words}" ${test[2] === 'FAIL' ? 'failed' : 'could not run'}` });
      i++;
      continue;
    }
    if (report.step === 'fmt' && /\.rego$/.test(line.trim())) {
      add({ step: 'fmt', file: relative(line.trim(), dir), line: null, message: 'Not formatted the standard way (an engineer can run `opa fmt -w`)' });
    }
  }
  if (out.length === 0) {
    const coverage = /coverage ([\d.]+)% \(threshold ([\d.]+)%\)/.exec(report.output);
    const message = coverage ? `The tests cover ${coverage[1]}% of the rules; at least ${coverage[2]}% is required` : report.output.trim().split('\n')[0] || `${report.step} failed`;
    add({ step: report.step, file: '', line: null, message });
  }
  return out;
}
