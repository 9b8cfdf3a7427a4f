import { expect } from 'chai';
import { containerSpec } from '../../../src/container/container-spec.js';
import type { ContainerConfig__Output } from '../../../src/generated/runtime/v1/ContainerConfig.js';
import { fieldOf } from '../../helpers/invalid-field.js';

function config(over: Record<string, unknown> = {}): ContainerConfig__Output {
  return {
    metadata: { name: 'app', attempt: 1 },
    image: { image: 'busybox', annotations: {}, user_specified_image: '', runtime_handler: '', image_ref: '' },
    command: [],
    args: [],
    working_dir: '',
    envs: [{ key: 'A', value: Buffer.from('1=2') }],
    mounts: [],
    devices: [],
    labels: {},
    annotations: {},
    log_path: 'app/1.log',
    stdin: false,
    stdin_once: false,
    tty: false,
    linux: null,
    windows: null,
    CDI_devices: [],
    stop_signal: 0,
    ...over,
  } as ContainerConfig__Output;
}

const mount = (over: Record<string, unknown>) => ({ container_path: '/data', host_path: '/srv/data', readonly: false, selinux_relabel: false, propagation: 0, uidMappings: [], gidMappings: [], recursive_read_only: false, image: null, image_sub_path: '', mount_options: [], ...over });

describe('containerSpec (CreateContainer request checks)', () => {
  it('decodes env values (bytes on the wire) and keeps the log path relative', () => {
    const s = containerSpec(config());
    expect(s.env).to.deep.equal([{ key: 'A', value: '1=2' }]);
    expect(s.logPath).to.equal('app/1.log');
    expect(s.security.seccomp).to.deep.equal({ type: 'unconfined' });
  });

  it('maps mount propagation and read-only', () => {
    const s = containerSpec(config({ mounts: [mount({ propagation: 1, readonly: true }), mount({ propagation: 2, container_path: '/b' })] }));
    expect(s.mounts.map((m) => [m.propagation, m.readonly])).to.deep.equal([
      ['rslave', true],
      ['rshared', false],
    ]);
  });

  it('names hostile or missing fields', () => {
    expect(fieldOf(() => containerSpec(config({ metadata: null })))).to.equal('config.metadata');
    expect(fieldOf(() => containerSpec(config({ image: null })))).to.equal('config.image.image');
    expect(fieldOf(() => containerSpec(config({ log_path: '../../etc/passwd' })))).to.equal('config.log_path');
    expect(fieldOf(() => containerSpec(config({ log_path: '/abs.log' })))).to.equal('config.log_path');
    expect(fieldOf(() => containerSpec(config({ mounts: [mount({ host_path: 'rel' })] })))).to.equal('config.mounts[0].host_path');
    expect(fieldOf(() => containerSpec(config({ mounts: [mount({ container_path: '/a/../../x' })] })))).to.equal('config.mounts[0].container_path');
    expect(fieldOf(() => containerSpec(config({ devices: [{ container_path: '/dev/x', host_path: '/dev/null', permissions: 'rwx' }] })))).to.equal(
      'config.devices[0].permissions',
    );
    expect(fieldOf(() => containerSpec(config({ envs: [{ key: 'A=B', value: Buffer.from('') }] })))).to.equal('config.envs[0].key');
  });

  it('refuses run_as_group without a user to go with it', () => {
    const sc = { seccomp: null, seccomp_profile_path: '', run_as_group: { value: '5' }, run_as_user: null, run_as_username: '' };
    expect(fieldOf(() => containerSpec(config({ linux: { resources: null, security_context: sc } })))).to.equal('config.linux.security_context.run_as_group');
  });

  it('reads seccomp from the structured field or the legacy path', () => {
    const withSc = (sc: Record<string, unknown>) => config({ linux: { resources: null, security_context: { seccomp: null, seccomp_profile_path: '', ...sc } } });
    expect(containerSpec(withSc({ seccomp: { profile_type: 0, localhost_ref: '' } })).security.seccomp).to.deep.equal({ type: 'runtime-default' });
    expect(containerSpec(withSc({ seccomp: { profile_type: 2, localhost_ref: '/etc/p.json' } })).security.seccomp).to.deep.equal({ type: 'localhost', path: '/etc/p.json' });
    expect(containerSpec(withSc({ seccomp_profile_path: 'localhost//etc/q.json' })).security.seccomp).to.deep.equal({ type: 'localhost', path: '/etc/q.json' });
    expect(containerSpec(withSc({ seccomp_profile_path: 'runtime/default' })).security.seccomp).to.deep.equal({ type: 'runtime-default' });
    expect(fieldOf(() => containerSpec(withSc({ seccomp_profile_path: 'weird' })))).to.equal('config.linux.security_context.seccomp_profile_path');
  });
});
