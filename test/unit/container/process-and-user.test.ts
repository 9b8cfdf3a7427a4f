import { expect } from 'chai';
import { processArgs, mergeEnv, workingDir } from '../../../src/container/process-args.js';
import { parsePasswd, parseGroup, resolveUser } from '../../../src/container/user.js';

const image = { entrypoint: ['/entry'], cmd: ['--default'], env: ['PATH=/bin', 'A=image'], workingDir: '/app' };

describe('command, args and env (kubelet semantics)', () => {
  it('uses ENTRYPOINT + CMD when neither is given', () => expect(processArgs([], [], image)).to.deep.equal(['/entry', '--default']));
  it('args replace CMD only', () => expect(processArgs([], ['x'], image)).to.deep.equal(['/entry', 'x']));
  it('command replaces ENTRYPOINT and drops CMD', () => expect(processArgs(['/bin/sh'], [], image)).to.deep.equal(['/bin/sh']));
  it('command and args together', () => expect(processArgs(['/bin/sh'], ['-c', 'true'], image)).to.deep.equal(['/bin/sh', '-c', 'true']));
  it('request env overrides the image env by key, keeping order', () => {
    expect(mergeEnv(image.env, [{ key: 'A', value: 'req' }, { key: 'B', value: '2' }])).to.deep.equal(['PATH=/bin', 'A=req', 'B=2']);
  });
  it('working dir: request, else image, else /', () => {
    expect(workingDir('/w', image)).to.equal('/w');
    expect(workingDir('', image)).to.equal('/app');
    expect(workingDir('', { ...image, workingDir: '' })).to.equal('/');
  });
});

describe('user resolution against the image /etc/passwd and /etc/group', () => {
  const passwd = parsePasswd('root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www:/var/www:/bin/false\napp:x:1002:1003::/home/app:/bin/sh\n');
  const groups = parseGroup('root:x:0:\nwww-data:x:33:\ngrp:x:1003:\nextra:x:2000:app,www-data\n');
  const base = { supplementalGroups: [] as number[], imageUser: '' };

  it('defaults to root', () => expect(resolveUser(base, passwd, groups)).to.include({ uid: 0, gid: 0 }));
  it('image USER by uid takes the passwd group and groups listing the user', () => {
    expect(resolveUser({ ...base, imageUser: '1002' }, passwd, groups)).to.deep.include({ uid: 1002, gid: 1003, additionalGids: [2000], username: 'app' });
  });
  it('image USER uid:gid', () => expect(resolveUser({ ...base, imageUser: '1002:33' }, passwd, groups)).to.include({ uid: 1002, gid: 33 }));
  it('image USER name and name:group', () => {
    expect(resolveUser({ ...base, imageUser: 'www-data' }, passwd, groups)).to.include({ uid: 33, gid: 33 });
    expect(resolveUser({ ...base, imageUser: 'www-data:grp' }, passwd, groups)).to.include({ uid: 33, gid: 1003 });
  });
  it('run_as_user/run_as_group override the image, supplemental groups are added', () => {
    const u = resolveUser({ runAsUser: 5000, runAsGroup: 6000, supplementalGroups: [7000], imageUser: 'www-data' }, passwd, groups);
    expect(u).to.deep.include({ uid: 5000, gid: 6000, additionalGids: [7000] });
  });
  it('an unknown user name is a clear error', () => {
    expect(() => resolveUser({ ...base, runAsUsername: 'nobody-here' }, passwd, groups)).to.throw(/no user "nobody-here"/);
  });
});
