import { expect } from 'chai';
import { sandboxSpec } from '../../../src/pod/sandbox-spec.js';
import type { PodSandboxConfig__Output } from '../../../src/generated/runtime/v1/PodSandboxConfig.js';
import { fieldOf } from '../../helpers/invalid-field.js';

function config(over: Record<string, unknown> = {}): PodSandboxConfig__Output {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'u-1', attempt: 0 },
    hostname: '',
    log_directory: '/var/log/pods/default_web_u-1',
    dns_config: null,
    port_mappings: [],
    labels: { app: 'web' },
    annotations: {},
    linux: null,
    windows: null,
    ...over,
  } as PodSandboxConfig__Output;
}

describe('sandboxSpec (RunPodSandbox request checks)', () => {
  it('builds the reserved name kubelet expects and defaults the hostname to the pod name', () => {
    const s = sandboxSpec(config(), '');
    expect(s.reservedName).to.equal('web_default_u-1_0');
    expect(s.hostname).to.equal('web');
    expect(s.namespaces).to.deep.equal({ network: 'pod', pid: 'pod', ipc: 'pod', targetId: '' });
  });

  it('names the missing or bad field', () => {
    expect(fieldOf(() => sandboxSpec(null, ''))).to.equal('config');
    expect(fieldOf(() => sandboxSpec(config({ metadata: null }), ''))).to.equal('config.metadata');
    expect(fieldOf(() => sandboxSpec(config({ metadata: { name: '', namespace: 'd', uid: '', attempt: 0 } }), ''))).to.equal('config.metadata.name');
    expect(fieldOf(() => sandboxSpec(config({ metadata: { name: '../x', namespace: 'd', uid: '', attempt: 0 } }), ''))).to.equal('config.metadata.name');
    expect(fieldOf(() => sandboxSpec(config({ log_directory: 'relative' }), ''))).to.equal('config.log_directory');
    expect(fieldOf(() => sandboxSpec(config({ log_directory: '/var/log/../../etc' }), ''))).to.equal('config.log_directory');
    expect(fieldOf(() => sandboxSpec(config({ hostname: 'bad_host!' }), ''))).to.equal('config.hostname');
    expect(fieldOf(() => sandboxSpec(config(), 'kata'))).to.equal('runtime_handler');
  });

  it('checks port mappings and drops those without a host port', () => {
    const s = sandboxSpec(
      config({
        port_mappings: [
          { protocol: 0, container_port: 80, host_port: 8080, host_ip: '' },
          { protocol: 1, container_port: 53, host_port: 0, host_ip: '' },
        ],
      }),
      '',
    );
    expect(s.portMappings).to.deep.equal([{ containerPort: 80, hostPort: 8080, protocol: 'tcp' }]);
    expect(fieldOf(() => sandboxSpec(config({ port_mappings: [{ protocol: 0, container_port: 0, host_port: 1, host_ip: '' }] }), ''))).to.equal(
      'config.port_mappings[0].container_port',
    );
    expect(fieldOf(() => sandboxSpec(config({ port_mappings: [{ protocol: 0, container_port: 1, host_port: 1, host_ip: 'x' }] }), ''))).to.equal('config.port_mappings[0].host_ip');
  });

  it('allows only namespaced sysctls, and no net.* on the host network', () => {
    const linux = (sysctls: Record<string, string>, network = 0) => ({
      linux: { cgroup_parent: '', sysctls, security_context: { namespace_options: { network, pid: 0, ipc: 0, target_id: '' } } },
    });
    expect(sandboxSpec(config(linux({ 'net.ipv4.ip_unprivileged_port_start': '0', 'kernel.shmmax': '1' })), '').sysctls).to.have.keys(
      'net.ipv4.ip_unprivileged_port_start',
      'kernel.shmmax',
    );
    expect(fieldOf(() => sandboxSpec(config(linux({ 'vm.swappiness': '1' })), ''))).to.equal('config.linux.sysctls["vm.swappiness"]');
    expect(fieldOf(() => sandboxSpec(config(linux({ 'net.core.somaxconn': '1' }, 2)), ''))).to.equal('config.linux.sysctls["net.core.somaxconn"]');
  });

  it('maps namespace options, and TARGET needs a target', () => {
    const opts = (pid: number, target_id = '') => ({ linux: { cgroup_parent: '', sysctls: {}, security_context: { namespace_options: { network: 2, pid, ipc: 2, target_id } } } });
    const s = sandboxSpec(config(opts(1)), '');
    expect(s.namespaces).to.include({ network: 'node', pid: 'container', ipc: 'node' });
    expect(fieldOf(() => sandboxSpec(config(opts(3)), ''))).to.equal('config.linux.security_context.namespace_options.target_id');
  });
});
