// Runs one CNI plugin the way the CNI spec's exec protocol says: the command
// and its arguments in the environment, the configuration on stdin, the
// result (or an error object) on stdout.
import { HuskError, DeadlineExceededError } from '../common/errors.js';
import { spawnChild } from '../native/index.js';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION';

export interface CniInvocation {
  command: CniCommand;
  pluginPath: string;
  containerId: string;
  netnsPath: string;
  ifName: string;
  /** `K=V;K=V` */
  args: string;
  /** CNI_PATH: where plugins find other plugins (IPAM). */
  path: string[];
  config: object;
  timeoutMs: number;
}

export class CniPluginError extends HuskError {
  constructor(
    readonly plugin: string,
    readonly command: CniCommand,
    readonly code: number | undefined,
    detail: string,
  ) {
    super('Internal', `CNI plugin ${plugin} ${command} failed${code !== undefined ? ` (code ${code})` : ''}: ${detail}`);
  }
}

export async function invokePlugin(inv: CniInvocation): Promise<unknown> {
  const plugin = inv.pluginPath.split('/').pop()!;
  const child = await spawnChild(inv.pluginPath, [], {
    env: {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      CNI_COMMAND: inv.command,
      CNI_CONTAINERID: inv.containerId,
      CNI_NETNS: inv.netnsPath,
      CNI_IFNAME: inv.ifName,
      CNI_ARGS: inv.args,
      CNI_PATH: inv.path.join(':'),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin!.on('error', () => undefined); // a plugin may exit before reading its config
  child.stdin!.end(JSON.stringify(inv.config));

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, inv.timeoutMs);
  const { code: exitCode } = await child.exited.finally(() => clearTimeout(timer));

  if (timedOut) throw new DeadlineExceededError(`CNI plugin ${plugin} ${inv.command} did not finish within ${inv.timeoutMs} ms`);
  if (exitCode !== 0) {
    const err = parseJson(stdout) as { code?: number; msg?: string; details?: string } | undefined;
    const detail = err?.msg ? `${err.msg}${err.details ? `: ${err.details}` : ''}` : (stderr || stdout).trim() || `exit status ${exitCode}`;
    throw new CniPluginError(plugin, inv.command, err?.code, detail);
  }
  if (inv.command !== 'ADD' && inv.command !== 'VERSION') return undefined;
  const result = parseJson(stdout);
  if (result === undefined) throw new CniPluginError(plugin, inv.command, undefined, `unparsable result: ${stdout.slice(0, 200)}`);
  return result;
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
