export { loadModuleSource, type CompiledModule, type Feed, type Feeds, type Kernel, type Output, type Signature } from './module.js';
export { compileGraph, compileModule, createSession, trainerSource, type CompileOptions } from './compile.js';
export { gradName, Session, type EpochReport, type FitOptions, type FitResult, type SessionOptions } from './session.js';
export { createOptimizer, DEFAULT_LR, OPTIMIZERS, type Optimizer, type OptimizerName, type OptimizerOptions } from './optimizers.js';
export { Batches, checkData, type Column, type Dataset } from './data.js';
export { seededRandom } from '../common/random.js';
