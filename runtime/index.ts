export { loadModuleSource, type CompiledModule, type Feed, type Feeds, type Kernel, type Output, type Signature } from './module.js';
