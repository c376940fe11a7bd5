import { Batches, checkData, toColumn, type Column } from './data.js';
import type { CompiledModule, Feed, Feeds, Kernel, Output } from './module.js';
import { createOptimizer, type Optimizer, type OptimizerOptions } from './optimizers.js';

type Data = Float64Array | Float32Array;

/** The trainer module's output holding d(loss)/d(param): the expression that would compute it. */
export const gradName = (loss: string, param: string): string => `grad(${loss}, ${param})`;

export interface SessionOptions extends OptimizerOptions {
  /** The scalar to minimise: an output of the trainer, which also outputs `grad(LOSS, P)` for every param P. */
  readonly loss: string;
}

export interface FitOptions {
  /** Passes over the data (default 1). */
  readonly epochs?: number;
  /** Rows per step along the first named dimension (default: all rows, one step per epoch). */
  readonly batch?: number;
  /** Seeds the shuffling of mini-batches (default 0). */
  readonly seed?: number;
  /** Called after every epoch; returning false stops training. */
  readonly onEpoch?: (report: EpochReport) => void | boolean;
}

export interface EpochReport {
  readonly epoch: number;
  /** The mean of the epoch's batch losses, weighted by their rows. */
  readonly loss: number;
  readonly steps: number;
  readonly rows: number;
  readonly seconds: number;
}

export interface FitResult {
  /** The loss of every epoch run. */
  readonly losses: readonly number[];
  readonly steps: number;
  /** `diverged` when an epoch's loss was not finite (training stops there). */
  readonly outcome: 'done' | 'stopped' | 'diverged';
}

/**
 * Params, held as typed arrays and started from the module's `initialParams`, with a model module
 * to run outputs and a trainer module (loss and all its param gradients, one backward pass) to
 * step an optimizer. Deterministic: the same inputs, options and seed give the same bits.
 */
export class Session {
  readonly params: { readonly [name: string]: Data };
  readonly optimizer: Optimizer;
  readonly loss: string;
  /** Runs the spec's outputs. */
  readonly model: CompiledModule;
  /** Outputs the loss and its gradient for every param. */
  readonly trainer: CompiledModule;
  readonly #names: readonly string[];
  #modelKernel: Kernel | undefined;
  #trainKernel: Kernel | undefined;

  constructor(model: CompiledModule, trainer: CompiledModule, options: SessionOptions) {
    this.model = model;
    this.trainer = trainer;
    this.loss = options.loss;
    this.#names = trainer.signature.params.map((p) => p.name);
    const outputs = new Set(trainer.signature.outputs.map((o) => o.name));
    for (const name of [this.loss, ...this.#names.map((p) => gradName(this.loss, p))]) {
      if (!outputs.has(name)) throw new RangeError(`loss: the trainer module has no output '${name}'`);
    }
    this.params = Object.fromEntries(this.#names.map((name) => [name, trainer.initialParams[name].slice()]));
    this.optimizer = createOptimizer(options);
  }

  /** Copy values into params (a number, nested arrays, a flat array or `{ data, shape }` each). */
  setParams(values: { readonly [name: string]: Feed }): void {
    for (const [name, value] of Object.entries(values)) {
      const param = this.trainer.signature.params.find((p) => p.name === name);
      if (!param) throw new RangeError(`feeds.${name}: not a param (params: ${this.#names.join(', ')})`);
      const column = toColumn(value, param.shape, `feeds.${name}`, this.trainer.signature.dtype);
      if (column.shape.join() !== param.shape.join()) {
        throw new RangeError(`feeds.${name}: expected shape [${param.shape.join(', ')}], got [${column.shape.join(', ')}]`);
      }
      this.params[name].set(column.data);
    }
  }

  /** The params as `{ data, shape }` copies. */
  paramValues(): { [name: string]: { data: Data; shape: readonly number[] } } {
    const shapes = new Map(this.trainer.signature.params.map((p) => [p.name, p.shape as readonly number[]]));
    return Object.fromEntries(this.#names.map((name) => [name, { data: this.params[name].slice(), shape: shapes.get(name)! }]));
  }

  /** Run the model's outputs with the current params (a fed param overrides it for this run). Views valid until the next run. */
  run(feeds: Feeds = {}): { readonly [name: string]: Output } {
    this.#modelKernel ??= this.model.createKernel();
    return this.#modelKernel.run({ ...this.params, ...feeds });
  }

  /** The loss on the given data with the current params. */
  evaluate(data: Feeds): number {
    this.#trainKernel ??= this.trainer.createKernel();
    const dataset = checkData(this.trainer.signature, data);
    return this.#trainKernel.run({ ...dataset.columns, ...this.params })[this.loss].data[0];
  }

  /** One optimizer step on the given data; returns the loss before the step. */
  step(data: Feeds): number {
    this.#trainKernel ??= this.trainer.createKernel();
    return this.#stepWith(this.#trainKernel, checkData(this.trainer.signature, data).columns);
  }

  /** Train for some epochs, on mini-batches if `batch` is less than the number of rows. */
  fit(data: Feeds, options: FitOptions = {}): FitResult {
    const dataset = checkData(this.trainer.signature, data);
    if (dataset.rows === 0) {
      const { inputs } = this.trainer.signature;
      const dim = inputs.flatMap((i) => i.shape).find((d) => typeof d === 'string')!;
      throw new RangeError(`feeds.${inputs.find((i) => i.shape.includes(dim))!.name}: no rows to train on (${dim} is 0)`);
    }
    const epochs = whole('epochs', options.epochs ?? 1);
    const size = options.batch === undefined ? dataset.rows : whole('batch', options.batch);
    const batches = size < dataset.rows ? new Batches(dataset, size, whole('seed', options.seed ?? 0, 0)) : undefined;
    const full = [{ rows: dataset.rows, columns: dataset.columns }];
    // One kernel per batch size, so a smaller last batch does not make buffers reallocate.
    const kernels = new Map<number, Kernel>();
    const losses: number[] = [];
    let steps = 0;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const started = performance.now();
      let total = 0;
      for (const { rows, columns } of batches ? batches.epoch() : full) {
        let kernel = kernels.get(rows);
        if (!kernel) kernels.set(rows, (kernel = this.trainer.createKernel()));
        total += this.#stepWith(kernel, columns) * rows;
        steps += 1;
      }
      const loss = total / dataset.rows;
      losses.push(loss);
      const carryOn = options.onEpoch?.({ epoch, loss, steps, rows: dataset.rows, seconds: (performance.now() - started) / 1000 });
      if (!Number.isFinite(loss)) return { losses, steps, outcome: 'diverged' };
      if (carryOn === false) return { losses, steps, outcome: 'stopped' };
    }
    return { losses, steps, outcome: 'done' };
  }

  #stepWith(kernel: Kernel, columns: Readonly<Record<string, Column>>): number {
    const outputs = kernel.run({ ...columns, ...this.params });
    const loss = outputs[this.loss].data[0];
    this.optimizer.update(
      this.#names.map((name) => this.params[name]),
      this.#names.map((name) => outputs[gradName(this.loss, name)].data),
    );
    return loss;
  }
}

function whole(name: string, value: number, least = 1): number {
  if (!Number.isSafeInteger(value) || value < least) throw new RangeError(`${name}: expected a whole number of at least ${least}, got ${value}`);
  return value;
}
