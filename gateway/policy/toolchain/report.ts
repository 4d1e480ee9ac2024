// What each step of the policy build reports, so that a refused bundle says why. Types only: the steps
// (steps.ts, data-check.ts) produce them and the store, the routes and the console read them.
export type StepName = 'schema' | 'fmt' | 'check' | 'test' | 'build';

export interface StepReport {
  step: StepName;
  ok: boolean;
  output: string;
}

export interface BuildReport {
  ok: boolean;
  revision: string;
  steps: StepReport[];
  /** Path of the built bundle.tar.gz when the build step ran and succeeded. */
  bundle?: string;
}
