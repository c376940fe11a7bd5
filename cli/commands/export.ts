import type { Command } from 'commander';
import { readText, refuseStdout, writeOutput, type Io } from '../io.js';
import { limitOptions, limitsFrom } from '../limits.js';
import { forFile } from '../report.js';

export function registerExport(program: Command, io: Io): void {
  const command = program
    .command('export')
    .description('write the graph, derivative nodes included, as an ONNX model (opset 18) for ONNX Runtime')
    .argument('<spec>', 'the *.graph.json spec')
    .requiredOption('-o, --out <file>', 'output model (*.onnx)')
    .option('--no-initializers', 'params as plain inputs, fed at every run, without their init (for onnxruntime-node, which cannot override an initializer)')
    .addHelpText(
      'after',
      '\nInputs and params become graph inputs (params with their init as initializers), every output a graph output.\n' +
        '\nExample:\n  $ symgrad export samples/xor.graph.json -o xor.onnx',
    );
  limitOptions(command).action(async (specFile: string, options: { out: string; initializers: boolean }) => {
    const bytes = await forFile(io, specFile, async () => {
      refuseStdout(options.out, '--out');
      const { exportOnnx } = await import('../../compiler/onnx/index.js');
      return exportOnnx(readText(specFile), { limits: limitsFrom(command.opts()), initializers: options.initializers });
    });
    await forFile(io, options.out, () => writeOutput(options.out, bytes, specFile));
  });
}
