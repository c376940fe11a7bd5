import { Option, type Command } from 'commander';
import { DEFAULT_LIMITS, type Limits, SymgradError } from '../compiler/index.js';

const FLAGS: Record<Exclude<keyof Limits, 'deadline'>, string> = {
  maxNodes: '--max-nodes <n>',
  maxElements: '--max-elements <n>',
  maxTotalElements: '--max-total-elements <n>',
  maxRank: '--max-rank <n>',
  maxDerivativeOrder: '--max-derivative-order <n>',
  maxExpressionLength: '--max-expression-length <n>',
  maxExpressionDepth: '--max-expression-depth <n>',
  maxSeconds: '--max-seconds <s>',
};

/** The spec limits as options of a command (hidden from the short help, listed with their defaults). */
export function limitOptions(command: Command): Command {
  for (const [key, flag] of Object.entries(FLAGS)) {
    command.addOption(new Option(flag, `limit: ${key.replace(/[A-Z]/g, (c) => ' ' + c.toLowerCase())}`).default(String(DEFAULT_LIMITS[key as keyof typeof FLAGS])));
  }
  return command;
}

/** The limits the options give, with the `--max-seconds` clock started. */
export function limitsFrom(options: Record<string, unknown>): Limits {
  const limits: Record<string, number> = {};
  for (const [key, flag] of Object.entries(FLAGS)) {
    const text = String(options[key]);
    const value = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
      throw new SymgradError(flag.split(' ')[0], `expected a positive whole number, got ${JSON.stringify(text)}`);
    }
    limits[key] = value;
  }
  return { ...(limits as unknown as Limits), deadline: performance.now() + limits.maxSeconds * 1000 };
}
