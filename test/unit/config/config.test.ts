import { expect } from 'chai';
import { parseConfig, configPath } from '../../../src/config/load.js';
import { defaultConfig } from '../../../src/config/config.js';
import { defaultConfigToml } from '../../../src/config/default-toml.js';
import { ConfigError, parseHostPort } from '../../../src/config/validate.js';

function errorOf(text: string): ConfigError {
  try {
    parseConfig(text, 'husk.toml');
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('the printed default parses back to exactly the defaults', () => {
    expect(parseConfig(defaultConfigToml())).to.deep.equal(defaultConfig());
  });

  it('an empty file means all defaults', () => {
    expect(parseConfig('')).to.deep.equal(defaultConfig());
  });

  it('keys given override defaults and the rest keep theirs', () => {
    const c = parseConfig(`
root = "/srv/husk"
cgroup_driver = "systemd"
[metrics]
address = "[::1]:9100"
[registry.mirrors."docker.io"]
endpoints = ["http://127.0.0.1:5000", "https://mirror.example.com"]
`);
    expect(c.root).to.equal('/srv/husk');
    expect(c.cgroup_driver).to.equal('systemd');
    expect(c.metrics.address).to.equal('[::1]:9100');
    expect(c.state).to.equal('/run/husk');
    expect(c.registry.stall_timeout_seconds).to.equal(60);
    expect(c.registry.mirrors['docker.io']!.endpoints).to.deep.equal(['http://127.0.0.1:5000', 'https://mirror.example.com']);
  });

  it('names an unknown top-level or nested key', () => {
    expect(errorOf('rot = "/x"').message).to.equal('husk.toml: rot: unknown key');
    expect(errorOf('[metrics]\nadress = "x:1"').key).to.equal('metrics.adress');
  });

  it('names the key of a bad value and says what is expected', () => {
    const e = errorOf('cgroup_driver = "cgroupsfs"');
    expect(e.key).to.equal('cgroup_driver');
    expect(e.message).to.contain('"cgroupfs", "systemd"');
    expect(errorOf('root = "relative/dir"').key).to.equal('root');
    expect(errorOf('[metrics]\naddress = "nope"').key).to.equal('metrics.address');
    expect(errorOf('[cni]\nbin_dirs = ["/ok", 3]').key).to.equal('cni.bin_dirs[1]');
    expect(errorOf('[registry]\nstall_timeout_seconds = 0').key).to.equal('registry.stall_timeout_seconds');
    expect(errorOf('[registry.mirrors."docker.io"]\nendpoints = ["ftp://x"]').key).to.equal('registry.mirrors."docker.io".endpoints[0]');
    expect(errorOf('[registry.mirrors."docker.io"]\nendpoint = []').key).to.equal('registry.mirrors."docker.io".endpoint');
  });

  it('reports TOML syntax errors with the line', () => {
    expect(errorOf('root = "/x"\nstate = ').message).to.match(/^husk\.toml: line 2: /);
  });

  it('chooses --config over HUSK_CONFIG over the default path', () => {
    expect(configPath('/a.toml', { HUSK_CONFIG: '/b.toml' })).to.deep.equal({ path: '/a.toml', explicit: true });
    expect(configPath(undefined, { HUSK_CONFIG: '/b.toml' })).to.deep.equal({ path: '/b.toml', explicit: true });
    expect(configPath(undefined, {})).to.deep.equal({ path: '/etc/husk/husk.toml', explicit: false });
  });

  it('parses host:port addresses', () => {
    expect(parseHostPort('127.0.0.1:9090')).to.deep.equal({ host: '127.0.0.1', port: 9090 });
    expect(parseHostPort('[::1]:0')).to.deep.equal({ host: '::1', port: 0 });
    expect(parseHostPort('localhost:70000')).to.equal(undefined);
    expect(parseHostPort('[nothex]:1')).to.equal(undefined);
    expect(parseHostPort('9090')).to.equal(undefined);
  });
});
