import cliProgress from 'cli-progress';

export interface Progress {
  /** Rows (or customers) done so far, and the errors among them. */
  update(done: number, errors: number): void;
  setTotal(total: number): void;
  stop(): void;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * What a person watching sees: on a terminal a live bar (cli-progress) with done/total, rate,
 * ETA and errors; otherwise (a pipe, a log file, CI) plain lines: one at the start, one every
 * `intervalSeconds`, one at the end.
 * Both go to `stream` (standard error, so standard output stays the command's data).
 */
export function progress(options: {
  label: string;
  unit: string;
  total: number;
  approximate: boolean;
  stream: NodeJS.WriteStream;
  intervalSeconds: number;
}): Progress {
  const started = Date.now();
  let total = options.total;
  let done = 0;
  let errors = 0;
  const rate = () => done / Math.max((Date.now() - started) / 1000, 0.001);
  // Unknown until something is done; nothing left once everything is.
  const eta = () => (done >= total ? 0 : done === 0 ? Number.NaN : (total - done) / rate());

  if (options.stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${options.label} |{bar}| {percentage}% | {value}/{total}${options.approximate ? '~' : ''} ${options.unit} | {rate} ${options.unit}/s | ETA {etaText} | {errors} errors`,
        stream: options.stream,
        hideCursor: true,
        fps: 5,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(total, 1), 0, { rate: '0', etaText: '-', errors: 0 });
    return {
      update(n, e) {
        done = n;
        errors = e;
        bar.setTotal(Math.max(total, done, 1));
        bar.update(done, { rate: rate().toFixed(0), etaText: duration(eta()), errors });
      },
      setTotal(n) {
        total = n;
        bar.setTotal(Math.max(n, 1));
      },
      stop() {
        bar.update(done, { rate: rate().toFixed(0), etaText: '0s', errors });
        bar.stop();
      },
    };
  }

  const line = () => {
    const share = total > 0 ? ` (${Math.min(100, Math.floor((100 * done) / total))}%)` : '';
    options.stream.write(
      `${options.label}: ${done}/${total}${options.approximate ? '~' : ''} ${options.unit}${share}, ${rate().toFixed(0)} ${options.unit}/s, ETA ${duration(eta())}, ${errors} errors\n`,
    );
  };
  // A line at the start, every interval, and a last one at the end.
  line();
  const timer = setInterval(line, options.intervalSeconds * 1000);
  timer.unref();
  return {
    update(n, e) {
      done = n;
      errors = e;
    },
    setTotal(n) {
      total = n;
    },
    stop() {
      clearInterval(timer);
      line();
    },
  };
}

export { duration as formatDuration };
