import type { CgroupFs } from '../fs-ops.js';
import type { DeviceRule } from '../resources.js';

export function deviceRuleText(r: DeviceRule): string {
  return r.type === 'a' ? 'a' : `${r.type} ${r.major}:${r.minor} ${r.access}`;
}

/** Deny every device, then allow the rules, in order (what runc writes). */
export async function applyDevices(fs: CgroupFs, dir: string, rules: DeviceRule[]): Promise<void> {
  await fs.writeFile(`${dir}/devices.deny`, 'a');
  for (const rule of rules) await fs.writeFile(`${dir}/devices.allow`, deviceRuleText(rule));
}
