// Timing: warm up (long enough for V8 to optimize, which happens on a background thread), then
// take the fastest of several rounds, each running the function for about roundMs: on a shared
// machine the minimum is the least disturbed measurement.

export const options = { rounds: 9, roundMs: 80, warmupMs: 400 };

/** Seconds per call of fn (fastest round). */
export function secondsPerCall(fn) {
  return secondsPerCallEach({ fn }).fn;
}

/**
 * Seconds per call of each function, measured in interleaved rounds (one round of each in turn),
 * so that a change of machine load during the measurement affects all of them alike.
 */
export function secondsPerCallEach(fns) {
  const perRound = {};
  for (const [name, fn] of Object.entries(fns)) {
    const start = performance.now();
    let calls = 0;
    while (performance.now() - start < options.warmupMs || calls < 2) {
      fn();
      calls++;
    }
    perRound[name] = Math.max(1, Math.round((calls * options.roundMs) / (performance.now() - start)));
  }
  const best = Object.fromEntries(Object.keys(fns).map((name) => [name, Infinity]));
  for (let r = 0; r < options.rounds; r++) {
    for (const [name, fn] of Object.entries(fns)) {
      const t0 = performance.now();
      for (let i = 0; i < perRound[name]; i++) fn();
      best[name] = Math.min(best[name], (performance.now() - t0) / perRound[name]);
    }
  }
  return Object.fromEntries(Object.entries(best).map(([name, ms]) => [name, ms / 1000]));
}

/** A duration in the unit that suits it. */
export function format(seconds) {
  if (seconds >= 1) return `${seconds.toFixed(2)} s`;
  if (seconds >= 1e-3) return `${(seconds * 1e3).toFixed(2)} ms`;
  if (seconds >= 1e-6) return `${(seconds * 1e6).toFixed(2)} µs`;
  return `${(seconds * 1e9).toFixed(1)} ns`;
}

/**
 * Prints a table: per row its time, the measure `unit` derived from it by `scale` (GFLOP/s,
 * ns/point), and its time as a multiple of the first row's.
 */
export function report(title, rows, { unit, scale } = {}) {
  console.log(`\n${title}`);
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const row of rows) {
    const measure = unit ? `  ${scale(row.seconds).toFixed(unit.digits ?? 2).padStart(9)} ${unit.name}` : '';
    const ratio = `${(row.seconds / rows[0].seconds).toFixed(2).padStart(6)}× ${rows[0].name}`;
    console.log(`  ${row.name.padEnd(width)}  ${format(row.seconds).padStart(11)}${measure}  ${ratio}${row.note ? `  (${row.note})` : ''}`);
  }
}
