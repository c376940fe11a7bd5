import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import { suggest, SymgradError, type Tensor, toJsonValue } from '../../compiler/index.js';
import { checkData, createSession, DEFAULT_LR, type OptimizerName, OPTIMIZERS, type Session } from '../../runtime/index.js';
import { accuracyOf } from '../accuracy.js';
import { holdOut } from '../split.js';
import { readFeeds, repeatable } from '../feeds.js';
import { checkWritable, ExitError, readText, refuseStdout, refuseToOverwrite, writeOutput, type Io } from '../io.js';
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
  validation?: string;
  patience?: string;
  json?: boolean;
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
    .option('--validation <fraction>', 'hold out this fraction of the rows, drawn with --seed, and report the loss on them each epoch; --save then keeps the best epoch')
    .option('--patience <n>', 'stop when the validation loss (the training loss without --validation) has not improved for n epochs')
    .option('--json', 'add the history, one entry per epoch, to the JSON summary')
    .addHelpText('after', `\nExample:\n  $ symgrad train ${sample('xor-train.graph.json')} --loss loss --feed ${sample('data/xor.json')} --lr 0.1 --epochs 500 --save xor-params.json`);
  limitOptions(command).action(async (specFile: string, options: TrainOptions) => {
    // Refuse before training, not after: the checks writeOutput makes, and that the file can be written.
    for (const [flag, out] of [['--save', options.save], ['--plot', options.plot]]) {
      if (!out) continue;
      await forFile(io, specFile, () => refuseStdout(out, flag));
      await forFile(io, out, () => {
        refuseToOverwrite(out, specFile);
        checkWritable(out);
      });
    }
    const { session, train, validation, rows, epochs, batch, seed, patience, accuracy } = await forFile(io, specFile, async () => {
      const epochs = whole('--epochs', options.epochs, 1);
      const batch = options.batch === undefined ? undefined : whole('--batch', options.batch, 1);
      const seed = whole('--seed', options.seed, 0);
      const lr = options.lr === undefined ? undefined : positive('--lr', options.lr);
      const fraction = options.validation === undefined ? undefined : between('--validation', options.validation);
      const patience = options.patience === undefined ? undefined : whole('--patience', options.patience, 1);
      const limits = limitsFrom(command.opts());
      const text = readText(specFile);
      const session = await createSession(text, { loss: options.loss, optimizer: options.optimizer, lr, limits });
      const { data, rows } = splitFeeds(session, readFeeds(options.feed, options.set), options.feed.join(', ') || specFile);
      const parts = fraction === undefined ? { train: data, validation: undefined } : holdOut(session.trainer.signature, data, fraction, seed);
      const held = parts.validation ? checkData(session.trainer.signature, parts.validation).rows : 0;
      return { session, ...parts, rows: rows - held, epochs, batch, seed, patience, accuracy: await accuracyOf(text, options.loss, limits) };
    });

    const { optimizer } = session;
    const every = Math.ceil(epochs / 20);
    let since = { rows: 0, seconds: 0 };
    const history: Epoch[] = [];
    // The epoch whose params are kept: lowest validation loss (training loss without --validation).
    let best: { epoch: number; loss: number; params: Record<string, Tensor> } | undefined;
    const started = performance.now();
    const { initial, result } = await forFile(io, specFile, () => {
      const initial = session.evaluate(train);
      const held = validation ? `, ${checkData(session.trainer.signature, validation).rows} held out for validation` : '';
      io.err(`training ${options.loss} on ${rows} rows${held}: ${optimizer.name}, lr ${optimizer.lr}, ${epochs} epochs, batch ${batch ?? 'all'}\n`);
      const result = session.fit(train, {
        epochs,
        batch,
        seed,
        onEpoch: ({ epoch, loss, seconds }) => {
          const row: Epoch = { epoch, loss };
          if (accuracy) row.accuracy = accuracy(session.params, train);
          if (validation) row.validationLoss = session.evaluate(validation);
          if (validation && accuracy) row.validationAccuracy = accuracy(session.params, validation);
          history.push(row);
          const watched = row.validationLoss ?? loss;
          if (Number.isFinite(watched) && (!best || watched < best.loss)) best = { epoch, loss: watched, params: session.paramValues() };
          const stop = patience !== undefined && epoch - (best?.epoch ?? 0) >= patience;
          since = { rows: since.rows + rows, seconds: since.seconds + seconds };
          if (epoch % every === 0 || epoch === 1 || epoch === epochs || !Number.isFinite(loss) || stop) {
            const rate = since.seconds > 0 ? `  ${count(since.rows / since.seconds)} rows/s` : '';
            io.err(`epoch ${String(epoch).padStart(String(epochs).length)}/${epochs}  ${measures(row)}${rate}\n`);
            since = { rows: 0, seconds: 0 };
          }
          return !stop;
        },
      });
      return { initial, result };
    });
    const seconds = (performance.now() - started) / 1000;

    if (options.plot) {
      const plot = options.plot;
      const series = [{ name: options.loss, points: history.map((h) => [h.epoch, h.loss] as const) }];
      if (validation) series.push({ name: `validation ${options.loss}`, points: history.map((h) => [h.epoch, h.validationLoss!] as const) });
      const chart = lineChart({
        title: `${basename(specFile)}: ${options.loss} (${optimizer.name}, lr ${optimizer.lr}${batch ? `, batch ${batch}` : ''})`,
        xLabel: 'epoch',
        yLabel: options.loss,
        series,
      });
      await forFile(io, plot, () => writeOutput(plot, chart, specFile));
    }
    if (result.outcome === 'diverged') {
      const last = result.losses.length;
      io.err(`${options.loss} ${sparkline(result.losses)}\n`);
      io.err(`error: ${specFile}: training diverged: ${options.loss} was ${result.losses[last - 1]} at epoch ${last}; try a smaller --lr (params not saved)\n`);
      throw new ExitError(1);
    }
    const final = session.evaluate(train);
    const ran = history.length;
    if (result.outcome === 'stopped') {
      io.err(`stopped at epoch ${ran}: ${validation ? 'validation ' : ''}${options.loss} has not improved for ${patience} epochs (best ${show(best!.loss)} at epoch ${best!.epoch})\n`);
    }
    io.err(`trained in ${seconds.toFixed(2)} s (${result.steps} steps): ${options.loss} ${show(initial)} -> ${show(final)} on all ${rows} ${validation ? 'training ' : ''}rows\n`);
    io.err(`${options.loss} ${sparkline(result.losses)}\n`);
    // With --validation, the best epoch's params are saved; without, the last epoch's.
    const kept = validation && best ? best : undefined;
    if (options.save) {
      const save = options.save;
      const params = kept?.params ?? session.paramValues();
      const values = Object.fromEntries(Object.entries(params).map(([name, { data, shape }]) => [name, toJsonValue(data, shape)]));
      await forFile(io, save, () => writeOutput(save, `${JSON.stringify(values, null, 2)}\n`, specFile));
      if (kept) io.err(`saved the params of epoch ${kept.epoch}, the lowest validation ${options.loss} (${show(kept.loss)})\n`);
    }
    const last = history[ran - 1];
    const summary: Record<string, unknown> = { loss: options.loss, epochs: ran, steps: result.steps, initial, final };
    if (last.accuracy !== undefined) summary.accuracy = last.accuracy;
    if (validation) summary.validation = { rows: checkData(session.trainer.signature, validation).rows, loss: last.validationLoss, accuracy: last.validationAccuracy, bestEpoch: best?.epoch, bestLoss: best?.loss };
    if (options.json) summary.history = history;
    io.out(`${JSON.stringify(summary, null, 2)}\n`);
  });
}

/** One epoch as `--json` reports it: its loss, then the metrics after it. */
interface Epoch {
  epoch: number;
  loss: number;
  accuracy?: number;
  validationLoss?: number;
  validationAccuracy?: number;
}

function measures(row: Epoch): string {
  const parts = [`loss ${show(row.loss)}`];
  if (row.accuracy !== undefined) parts.push(`accuracy ${show(row.accuracy)}`);
  if (row.validationLoss !== undefined) parts.push(`val loss ${show(row.validationLoss)}`);
  if (row.validationAccuracy !== undefined) parts.push(`val accuracy ${show(row.validationAccuracy)}`);
  return parts.join('  ');
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

function between(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !(value > 0 && value < 1)) throw new SymgradError(flag, `expected a fraction between 0 and 1, got ${JSON.stringify(text)}`);
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
