import { expect } from 'chai';
import { layoutFromMountinfo } from '../../../src/cgroups/detect.js';
import { FailedPreconditionError } from '../../../src/common/errors.js';

const HYBRID = `30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;

const V2 = `22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`;

const V1_COMOUNTED = `25 20 0:21 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:8 - cgroup cgroup rw,cpu,cpuacct
26 20 0:22 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid shared:9 - cgroup cgroup rw,net_cls,net_prio
27 20 0:23 /sub /mnt/mem\\040bind rw - cgroup cgroup rw,memory
28 20 0:23 / /sys/fs/cgroup/my\\040memory rw - cgroup cgroup rw,memory
`;

describe('cgroup layout detection', () => {
  it('recognises a hybrid host (v1 controllers plus an empty cgroup2)', () => {
    const l = layoutFromMountinfo(HYBRID);
    expect(l.mode).to.equal('hybrid');
    expect(l.v2Mount).to.equal('/sys/fs/cgroup/unified');
    expect(Object.fromEntries(l.v1Mounts)).to.deep.equal({
      cpu: '/sys/fs/cgroup/cpu',
      cpuacct: '/sys/fs/cgroup/cpuacct',
      memory: '/sys/fs/cgroup/memory',
      pids: '/sys/fs/cgroup/pids',
    });
  });

  it('recognises a unified v2 host', () => {
    const l = layoutFromMountinfo(V2);
    expect(l.mode).to.equal('v2');
    expect(l.v2Mount).to.equal('/sys/fs/cgroup');
    expect(l.v1Mounts.size).to.equal(0);
  });

  it('handles co-mounted controllers, escaped mount points and prefers whole-hierarchy mounts', () => {
    const l = layoutFromMountinfo(V1_COMOUNTED);
    expect(l.mode).to.equal('v1');
    expect(l.v1Mounts.get('cpu')).to.equal('/sys/fs/cgroup/cpu,cpuacct');
    expect(l.v1Mounts.get('cpuacct')).to.equal('/sys/fs/cgroup/cpu,cpuacct');
    expect(l.v1Mounts.get('net_prio')).to.equal('/sys/fs/cgroup/net_cls,net_prio');
    expect(l.v1Mounts.get('memory')).to.equal('/sys/fs/cgroup/my memory');
  });

  it('fails clearly without any cgroup mount', () => {
    expect(() => layoutFromMountinfo('22 1 8:1 / / rw - ext4 /dev/sda1 rw\n')).to.throw(FailedPreconditionError, /no cgroup filesystem/);
  });
});
