// TensorFlow.js with its cpu and wasm backends (float32 only; tfjs-node is not used).
import { fileURLToPath } from 'node:url';

let tf;

/** Loads TensorFlow.js once (quietly: it prints a hint about tfjs-node on import). */
export async function loadTf() {
  if (tf) return tf;
  const warn = console.warn;
  const log = console.log;
  console.warn = console.log = () => {};
  try {
    tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(fileURLToPath(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
  } finally {
    console.warn = warn;
    console.log = log;
  }
  return tf;
}

/** Runs fn with the named backend active ('cpu' or 'wasm'). */
export async function withBackend(name, fn) {
  const tf = await loadTf();
  const log = console.log;
  console.log = () => {};
  try {
    await tf.setBackend(name);
    await tf.ready();
  } finally {
    console.log = log;
  }
  return fn(tf);
}

/**
 * Runs fn (which returns tensors) and reads every result back to JS, then frees them. Reading
 * inside tf.tidy is much slower on the wasm backend, so the read happens after it.
 */
export function evaluate(tf, fn) {
  const results = tf.tidy(fn);
  for (const t of results) t.dataSync();
  tf.dispose(results);
}
