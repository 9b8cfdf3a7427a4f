// Layer chain IDs (OCI image spec, "Layer ChainID"): a layer's identity
// together with every layer below it, so equal stacks share unpacked layers.
import { sha256Digest } from './digest.js';

export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const diffId of diffIds) {
    const parent = out[out.length - 1];
    out.push(parent === undefined ? diffId : sha256Digest(`${parent} ${diffId}`));
  }
  return out;
}
