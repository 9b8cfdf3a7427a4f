import { readFile } from 'node:fs/promises';
import { defaultConfigToml } from '../config/default-toml.js';
import { parseConfig } from '../config/load.js';

export function printDefaultConfig(): void {
  process.stdout.write(defaultConfigToml());
}

/** `husk config check FILE`: exit 0 and say so when valid; the error names the key otherwise. */
export async function checkConfigFile(file: string): Promise<void> {
  const text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  parseConfig(text, file);
  process.stdout.write(`${file}: ok\n`);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
