// A CNI bridge network of its own (unique bridge name and /24), written as a
// conflist for a runtime's conf_dir; its bridge is deleted at the end.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface BridgeNetwork {
  bridge: string;
  subnet: string;
  /** Deletes the bridge device (the plugins leave it behind). */
  remove(): void;
}

/** Writes `<confDir>/10-<name>.conflist`; host-local keeps its leases in `ipamDir`. */
export function writeBridgeConflist(confDir: string, ipamDir: string, prefix: string): BridgeNetwork {
  const tag = randomBytes(3).toString('hex');
  const bridge = `${prefix}-${tag}`.slice(0, 15);
  const subnet = `10.${200 + (parseInt(tag.slice(0, 2), 16) % 50)}.${parseInt(tag.slice(2, 4), 16)}.0/24`;
  mkdirSync(confDir, { recursive: true });
  writeFileSync(
    join(confDir, `10-${prefix}.conflist`),
    JSON.stringify({
      cniVersion: '1.0.0',
      name: `${prefix}-${tag}`,
      plugins: [{ type: 'bridge', bridge, isGateway: true, ipam: { type: 'host-local', ranges: [[{ subnet }]], dataDir: ipamDir } }],
    }),
  );
  return {
    bridge,
    subnet,
    remove() {
      try {
        execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' });
      } catch {
        // never created (no pod got that far)
      }
    },
  };
}
