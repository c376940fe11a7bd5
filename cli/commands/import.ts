import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SymgradError, type DType } from '../../compiler/index.js';
import { writeOutput, type Io } from '../io.js';
import { forFile } from '../report.js';

export function registerImport(program: Command, io: Io): void {
  program
    .command('import')
    .description('write an ONNX model as a spec, so its derivatives can be taken')
    .argument('<model>', 'the ONNX model (*.onnx)')
    .requiredOption('-o, --out <file>', 'output spec (*.graph.json), or - for stdout')
    .option('--dtype <dtype>', "float32 or float64 (default: the model's own)")
    .addHelpText(
      'after',
      '\nInitializers become params with their values as init, graph inputs become inputs; names are made\n' +
        "valid spec names (l1.weight -> l1_weight) and the renames are listed in the spec's name.\n" +
        '\nExample:\n  $ symgrad import model.onnx -o model.graph.json --dtype float64',
    )
    .action(async (modelFile: string, options: { out: string; dtype?: string }) => {
      const text = await forFile(io, modelFile, async () => {
        if (options.dtype !== undefined && options.dtype !== 'float32' && options.dtype !== 'float64') {
          throw new SymgradError('--dtype', `expected float32 or float64, got ${JSON.stringify(options.dtype)}`);
        }
        const { importOnnx } = await import('../../compiler/onnx/index.js');
        return importOnnx(readBytes(modelFile), { dtype: options.dtype as DType | undefined });
      });
      if (options.out === '-') io.out(text);
      else await forFile(io, options.out, () => writeOutput(options.out, text, modelFile));
    });
}

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SymgradError('', code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'unknown error'})`);
  }
}
