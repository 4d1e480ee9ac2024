// Names of the reasons the gateway gives itself, beside the Rego rules' own: the log's readers (stats,
// the console) count them, so they are spelled once.
export const ADMISSION_RULE = 'training.provenance_admission';
