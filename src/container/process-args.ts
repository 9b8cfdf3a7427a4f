// How kubelet's command/args combine with the image's ENTRYPOINT/CMD, and
// how environments merge: exactly Docker's and containerd's rules.

export interface ImageProcessDefaults {
  entrypoint: string[];
  cmd: string[];
  env: string[];
  workingDir: string;
}

/**
 * command replaces ENTRYPOINT (and then CMD is dropped); args replace CMD.
 * Result: entrypoint-or-command followed by args-or-cmd.
 */
export function processArgs(command: string[], args: string[], image: ImageProcessDefaults): string[] {
  if (command.length > 0) return [...command, ...args];
  return [...image.entrypoint, ...(args.length > 0 ? args : image.cmd)];
}

/** Image env first; request env overrides by key and adds new keys, in order. */
export function mergeEnv(imageEnv: string[], requestEnv: { key: string; value: string }[]): string[] {
  const out = new Map<string, string>();
  for (const kv of imageEnv) {
    const eq = kv.indexOf('=');
    out.set(eq < 0 ? kv : kv.slice(0, eq), kv);
  }
  for (const { key, value } of requestEnv) out.set(key, `${key}=${value}`);
  return [...out.values()];
}

export function workingDir(requested: string, image: ImageProcessDefaults): string {
  return requested || image.workingDir || '/';
}
