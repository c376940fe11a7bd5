import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import { suggest, SymgradError } from '../../compiler/errors.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { toJsonValue } from '../../compiler/spec/values.js';
import { createSession } from '../../runtime/compile.js';
import { checkData } from '../../runtime/data.js';
import { DEFAULT_LR, OPTIMIZERS, type OptimizerName } from '../../runtime/optimizers.js';
import type { Session } from '../../runtime/session.js';
import { readFeeds, repeatable } from '../feeds.js';
import { checkWritable, ExitError, readText, refuseToOverwrite, writeFileAtomic, type Io } from '../io.js';
import { limitOptions, limitsFrom } from '../limits.js';
import { lineChart, sparkline } from '../plot.js';
import { forFile } from '../report.js';
import { sample } from '../package.js';

interface TrainOptions {
  loss: string;
  feed: string[];
  set: string[];
  optimizer: OptimizerName;
  lr?: string;
  epochs: string;
  batch?: string;
  seed: string;
  save?: string;
  plot?: string;
}

export function registerTrain(program: Command, io: Io): void {
  const command = program
    .command('train')
    .description('minimise a scalar node over all params with generated kernels; progress on stderr, a summary as JSON on stdout')
    .argument('<spec>', 'the *.graph.json spec')
    .requiredOption('--loss <name>', 'the scalar node to minimise')
    .option('--feed <file>', 'data: a JSON object of input name to value; params in it set the starting point (repeatable)', repeatable, [])
    .option('--set <name=json>', 'feed one input or param (repeatable)', repeatable, [])
    .addOption(new Option('--optimizer <name>', 'the update rule').choices(OPTIMIZERS).default('sgd'))
    .option('--lr <x>', `learning rate (default ${OPTIMIZERS.map((o) => `${DEFAULT_LR[o]} for ${o}`).join(', ')})`)
    .option('--epochs <n>', 'passes over the data', '100')
    .option('--batch <b>', 'rows per step, split along the first named dimension (default: all rows)')
    .option('--seed <s>', 'seed for shuffling the mini-batches', '0')
    .option('--save <file>', 'write the trained params as a JSON object of name to value')
    .option('--plot <file>', 'write the loss curve as an SVG chart')
    .addHelpText('after', `\nExample:\n  $ symgrad train ${sample('xor-train.graph.json')} --loss loss --feed ${sample('data/xor.json')} --lr 0.1 --epochs 500 --save xor-params.json`);
  limitOptions(command).action(async (specFile: string, options: TrainOptions) => {
    // Refuse before training, not after: the checks writeFileAtomic makes, and that the file can be written.
    for (const out of [options.save, options.plot]) {
      if (!out) continue;
      await forFile(io, out, () => {
        refuseToOverwrite(out, specFile);
        checkWritable(out);
      });
    }
    const { session, data, rows, epochs, batch, seed } = await forFile(io, specFile, async () => {
      const epochs = whole('--epochs', options.epochs, 1);
      const batch = options.batch === undefined ? undefined : whole('--batch', options.batch, 1);
      const seed = whole('--seed', options.seed, 0);
      const lr = options.lr === undefined ? undefined : positive('--lr', options.lr);
      const limits = limitsFrom(command.opts());
      const session = await createSession(readText(specFile), { loss: options.loss, optimizer: options.optimizer, lr, limits });
      const { data, rows } = splitFeeds(session, readFeeds(options.feed, options.set), options.feed.join(', ') || specFile);
      return { session, data, rows, epochs, batch, seed };
    });

    const { optimizer } = session;
    const every = Math.ceil(epochs / 20);
    let since = { rows: 0, seconds: 0 };
    const started = performance.now();
    const { initial, result } = await forFile(io, specFile, () => {
      const initial = session.evaluate(data);
      io.err(`training ${options.loss} on ${rows} rows: ${optimizer.name}, lr ${optimizer.lr}, ${epochs} epochs, batch ${batch ?? 'all'}\n`);
      const result = session.fit(data, {
        epochs,
        batch,
        seed,
        onEpoch: ({ epoch, loss, seconds }) => {
          since = { rows: since.rows + rows, seconds: since.seconds + seconds };
          if (epoch % every !== 0 && epoch !== 1 && epoch !== epochs && Number.isFinite(loss)) return;
          const rate = since.seconds > 0 ? `  ${count(since.rows / since.seconds)} rows/s` : '';
          io.err(`epoch ${String(epoch).padStart(String(epochs).length)}/${epochs}  loss ${show(loss)}${rate}\n`);
          since = { rows: 0, seconds: 0 };
        },
      });
      return { initial, result };
    });
    const seconds = (performance.now() - started) / 1000;

    if (options.plot) {
      const plot = options.plot;
      const chart = lineChart({
        title: `${basename(specFile)}: ${options.loss} (${optimizer.name}, lr ${optimizer.lr}${batch ? `, batch ${batch}` : ''})`,
        xLabel: 'epoch',
        yLabel: options.loss,
        series: [{ name: options.loss, points: result.losses.map((loss, k) => [k + 1, loss] as const) }],
      });
      await forFile(io, plot, () => writeFileAtomic(plot, chart, specFile));
    }
    if (result.outcome === 'diverged') {
      const last = result.losses.length;
      io.err(`${options.loss} ${sparkline(result.losses)}\n`);
      io.err(`error: ${specFile}: training diverged: ${options.loss} was ${result.losses[last - 1]} at epoch ${last}; try a smaller --lr (params not saved)\n`);
      throw new ExitError(1);
    }
    const final = session.evaluate(data);
    io.err(`trained in ${seconds.toFixed(2)} s (${result.steps} steps): ${options.loss} ${show(initial)} -> ${show(final)} on all ${rows} rows\n`);
    io.err(`${options.loss} ${sparkline(result.losses)}\n`);
    if (options.save) {
      const save = options.save;
      const values = Object.fromEntries(Object.entries(session.paramValues()).map(([name, { data, shape }]) => [name, toJsonValue(data, shape)]));
      await forFile(io, save, () => writeFileAtomic(save, `${JSON.stringify(values, null, 2)}\n`, specFile));
    }
    io.out(`${JSON.stringify({ loss: options.loss, epochs, steps: result.steps, initial, final }, null, 2)}\n`);
  });
}

/** Params in the feeds set the starting point; the rest is data. Errors about the data name the data files. */
function splitFeeds(session: Session, feeds: Record<string, Tensor>, source: string): { data: Record<string, Tensor>; rows: number } {
  const { signature } = session.trainer;
  const params = signature.params.map((p) => p.name);
  const inputs = signature.inputs.map((i) => i.name);
  const data: Record<string, Tensor> = {};
  for (const [name, value] of Object.entries(feeds)) {
    if (params.includes(name)) session.setParams({ [name]: value });
    else if (inputs.includes(name)) data[name] = value;
    else throw new SymgradError(`${source}: feeds.${name}`, `not an input or param of the spec${suggest(name, [...inputs, ...params])}`);
  }
  try {
    return { data, rows: checkData(signature, data).rows };
  } catch (error) {
    const match = error instanceof RangeError ? /^(feeds\.\w+): (.*)$/s.exec(error.message) : null;
    throw match ? new SymgradError(`${source}: ${match[1]}`, match[2]) : error;
  }
}

function whole(flag: string, text: string, least: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < least) {
    throw new SymgradError(flag, `expected a whole number of at least ${least}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function positive(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new SymgradError(flag, `expected a positive number, got ${JSON.stringify(text)}`);
  return value;
}

function show(loss: number): string {
  return Number.isFinite(loss) && loss !== 0 && (Math.abs(loss) < 1e-3 || Math.abs(loss) >= 1e6) ? loss.toExponential(3) : String(Number(loss.toPrecision(6)));
}

function count(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)}M`;
  return perSecond >= 1e3 ? `${(perSecond / 1e3).toFixed(1)}k` : perSecond.toFixed(0);
}
