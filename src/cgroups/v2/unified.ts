import { InvalidArgumentError } from '../../common/errors.js';
import { isCgroupFsError, writeLimit, type CgroupFs } from '../fs-ops.js';
import { RESOURCE_FIELDS as F, type CgroupResources } from '../resources.js';

/**
 * The CRI `unified` map: interface file -> value, written verbatim after the
 * typed limits so an explicit key wins. Keys were checked to be plain file
 * names by validateResources; a missing file means the controller is off.
 */
export async function applyUnified(fs: CgroupFs, dir: string, r: CgroupResources): Promise<void> {
  for (const [key, value] of Object.entries(r.unified ?? {})) {
    const field = `${F.unified}[${key}]`;
    try {
      await writeLimit(fs, dir, key, value, field);
    } catch (e) {
      if (isCgroupFsError(e, 'ENOENT')) {
        throw new InvalidArgumentError(field, `${dir}/${key} does not exist (is the "${key.split('.')[0]}" controller available?)`);
      }
      throw e;
    }
  }
}
