import { expect } from 'chai';
import { mountsUnder, parseMountInfo } from '../../../src/native/mountinfo.js';

const SAMPLE = [
  '26 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard',
  '41 26 254:0 /run/netns /run/netns rw,relatime shared:1 - ext4 /dev/vda rw',
  '90 26 0:50 / /tmp/x/with\\040space rw,nosuid,nodev master:3 propagate_from:2 - tmpfs tmpfs rw,size=1024k',
  '91 90 0:51 / /tmp/x/with\\040space/sub ro - overlay overlay ro,lowerdir=0:1',
  '92 26 0:52 / /tmp/xy rw - tmpfs tmpfs rw',
].join('\n');

describe('mountinfo parsing', function () {
  it('reads every field, propagation tags and octal escapes included', function () {
    const mounts = parseMountInfo(SAMPLE);
    expect(mounts).to.have.length(5);
    expect(mounts[1]).to.deep.include({ id: 41, parentId: 26, root: '/run/netns', mountPoint: '/run/netns', propagation: ['shared:1'], fsType: 'ext4' });
    expect(mounts[2]).to.deep.include({ mountPoint: '/tmp/x/with space', options: ['rw', 'nosuid', 'nodev'], propagation: ['master:3', 'propagate_from:2'], source: 'tmpfs' });
    expect(mounts[3]!.superOptions).to.deep.equal(['ro', 'lowerdir=0:1']);
  });

  it('lists the mounts at or below a directory, not its siblings with a common prefix', function () {
    const under = mountsUnder('/tmp/x', parseMountInfo(SAMPLE)).map((m) => m.id);
    expect(under).to.deep.equal([90, 91]);
  });

  it('refuses a malformed line', function () {
    expect(() => parseMountInfo('1 2 3')).to.throw(/malformed/);
  });
});
