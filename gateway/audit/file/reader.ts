// Reads the records of a file-backed audit log in order without opening it for writing (the
// policy dry-run replays them). A torn tail is skipped; damage before it throws.
import type { AuditRecord } from '../../core/contracts.js';
import { decodeLeaf } from '../../tlog/leaf.js';
import { scanSegment } from './segment-scan.js';
import { listSegments } from './segment-store.js';
import { auditDir, segmentsDir } from './layout.js';

export async function* iterateRecords(dataDir: string): AsyncIterable<AuditRecord> {
  for (const { path } of listSegments(segmentsDir(auditDir(dataDir)))) {
    const it = scanSegment(path);
    for (;;) {
      const step = await it.next();
      if (step.done) {
        if (step.value.kind === 'corrupt') throw new Error(`audit segment ${path} is damaged at byte ${step.value.offset}: ${step.value.reason}`);
        break;
      }
      yield decodeLeaf(step.value.payload).record;
    }
  }
}
