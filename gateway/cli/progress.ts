// Progress of a long CLI job on the terminal (cli-progress), and nothing at all when stderr is not
// a terminal, so scripts and pipes see only the result lines.
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

export function progress(label: string, unit: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { stream, format: `${label} | {value} ${unit} | {duration_formatted}`, hideCursor: true, clearOnComplete: true, fps: 5 },
    cliProgress.Presets.shades_classic,
  );
  // The count is known as it grows, not in advance: the bar shows how far it has come.
  bar.start(0, 0);
  return {
    update: (done) => bar.update(done),
    stop: () => bar.stop(),
  };
}
