import { expect } from 'chai';
import { cgroupDir, containerCgroupPath, expandSlice, normalizeCgroupPath, pathPrefixes, podCgroupPath } from '../../../src/cgroups/path.js';
import { InvalidArgumentError } from '../../../src/common/errors.js';

describe('cgroup paths and systemd slice names', () => {
  it('expands a slice name into its nested path', () => {
    expect(expandSlice('kubepods-burstable-podX.slice')).to.equal('/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podX.slice');
    expect(expandSlice('kubepods.slice')).to.equal('/kubepods.slice');
    expect(expandSlice('system.slice')).to.equal('/system.slice');
    expect(expandSlice('-.slice')).to.equal('/');
    expect(expandSlice('kubepods-besteffort-pod0f3c_11aa.slice')).to.equal(
      '/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0f3c_11aa.slice',
    );
  });

  it('rejects malformed slice names, naming linux.cgroup_parent', () => {
    for (const bad of ['kubepods', '.slice', 'a--b.slice', '-a.slice', 'a-.slice', 'a/b.slice', '../x.slice', 'a-..-b.slice', 'a b.slice']) {
      expect(() => expandSlice(bad), bad).to.throw(InvalidArgumentError, /linux\.cgroup_parent/);
    }
  });

  it('builds pod and container paths for both drivers', () => {
    expect(podCgroupPath('cgroupfs', '/kubepods/burstable/pod1')).to.equal('/kubepods/burstable/pod1');
    expect(podCgroupPath('cgroupfs', 'kubepods//burstable/pod1/')).to.equal('/kubepods/burstable/pod1');
    expect(podCgroupPath('cgroupfs', '')).to.equal('/husk');
    expect(podCgroupPath('systemd', '')).to.equal('/husk.slice');
    expect(podCgroupPath('systemd', 'kubepods-pod1.slice')).to.equal('/kubepods.slice/kubepods-pod1.slice');
    expect(podCgroupPath('systemd', '/kubepods.slice/kubepods-pod1.slice')).to.equal('/kubepods.slice/kubepods-pod1.slice');
    expect(containerCgroupPath('cgroupfs', '/kubepods/pod1', 'abc')).to.equal('/kubepods/pod1/husk-abc');
    expect(containerCgroupPath('systemd', '/kubepods.slice/kubepods-pod1.slice', 'abc')).to.equal('/kubepods.slice/kubepods-pod1.slice/husk-abc.scope');
  });

  it('never lets a path climb out of the mount', () => {
    for (const bad of ['/a/../..', '..', '/a/./b', 'a/\nb', 'a\0b']) {
      expect(() => normalizeCgroupPath(bad), JSON.stringify(bad)).to.throw(InvalidArgumentError);
    }
    expect(() => podCgroupPath('cgroupfs', '/kubepods/../../etc')).to.throw(InvalidArgumentError, /linux\.cgroup_parent/);
    expect(() => podCgroupPath('systemd', '/x.slice/../../etc')).to.throw(InvalidArgumentError);
    expect(() => containerCgroupPath('cgroupfs', '/pod', '../x')).to.throw(InvalidArgumentError, /container_id/);
    expect(() => cgroupDir('/sys/fs/cgroup/memory', '/../cpu')).to.throw(InvalidArgumentError);
    expect(cgroupDir('/sys/fs/cgroup/memory', '/a/b')).to.equal('/sys/fs/cgroup/memory/a/b');
    expect(cgroupDir('/sys/fs/cgroup', '/')).to.equal('/sys/fs/cgroup');
  });

  it('lists the prefixes of a path from the top', () => {
    expect(pathPrefixes('/a/b/c')).to.deep.equal(['/a', '/a/b', '/a/b/c']);
    expect(pathPrefixes('/')).to.deep.equal([]);
  });
});
