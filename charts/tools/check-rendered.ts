// Checks in rendered chart output what kubeconform cannot: the gateway's config.yaml against the
// gateway's own loader (schema, defaults, cross-references), and ServiceMonitors against the
// prometheus-operator CRD schema. usage: npx tsx charts/tools/check-rendered.ts RENDERED.yaml...
import { readFileSync } from 'node:fs';
import { parseAllDocuments, parse } from 'yaml';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { validateConfig } from '../../gateway/config/load.js';

interface Manifest {
  kind?: string;
  metadata?: { name?: string };
  data?: Record<string, string>;
}

let failures = 0;
let configs = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const m = doc.toJS() as Manifest | null;
    if (!m) continue;
    const where = `${file}: ${m.kind}/${m.metadata?.name}`;
    try {
      if (m.kind === 'ConfigMap' && m.metadata?.name?.endsWith('-config') && m.data?.['config.yaml'] !== undefined) {
        validateConfig(parse(m.data['config.yaml']), '/etc/termsgate/config.yaml');
        configs++;
      } else if (m.kind === 'ServiceMonitor') {
        new ServiceMonitor(m as ConstructorParameters<typeof ServiceMonitor>[0]).validate();
      }
    } catch (err) {
      failures++;
      process.stderr.write(`${where}: ${(err as Error).message}\n`);
    }
  }
}
if (configs === 0) {
  process.stderr.write('no gateway config.yaml found in the rendered output\n');
  failures++;
}
process.exit(failures === 0 ? 0 : 1);
