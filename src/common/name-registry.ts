import { AlreadyExistsError } from './errors.js';

/**
 * Reserved object names (pod `name_namespace_uid_attempt`, container
 * `name_pod_attempt`). kubelet relies on ALREADY_EXISTS for a name still
 * reserved, and on the message naming the holder.
 */
export class NameRegistry {
  private readonly byName = new Map<string, string>();

  constructor(private readonly what: string) {}

  reserve(name: string, id: string): void {
    const holder = this.byName.get(name);
    if (holder !== undefined && holder !== id) {
      throw new AlreadyExistsError(`${this.what} name "${name}" is reserved for "${holder}"`);
    }
    this.byName.set(name, id);
  }

  release(name: string, id: string): void {
    if (this.byName.get(name) === id) this.byName.delete(name);
  }

  holder(name: string): string | undefined {
    return this.byName.get(name);
  }
}
