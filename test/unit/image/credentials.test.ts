import { expect } from 'chai';
import { credentialsFromAuthConfig, credentialsKey, hostOfServerAddress } from '../../../src/image/registry/credentials.js';
import { InvalidArgumentError } from '../../../src/common/errors.js';

describe('pull credentials from AuthConfig', () => {
  it('nothing usable means anonymous', () => {
    expect(credentialsFromAuthConfig(undefined)).to.equal(undefined);
    expect(credentialsFromAuthConfig(null)).to.equal(undefined);
    expect(credentialsFromAuthConfig({ username: '', password: '', auth: '', server_address: '', identity_token: '', registry_token: '' })).to.equal(undefined);
  });

  it('username and password', () => {
    expect(credentialsFromAuthConfig({ username: 'u', password: 'p' })).to.deep.equal({ credentials: { kind: 'basic', username: 'u', password: 'p' } });
  });

  it('base64 auth, with a colon inside the password', () => {
    const auth = Buffer.from('user:pa:ss').toString('base64');
    expect(credentialsFromAuthConfig({ auth })).to.deep.equal({ credentials: { kind: 'basic', username: 'user', password: 'pa:ss' } });
  });

  it('auth that is not user:password is an invalid argument', () => {
    expect(() => credentialsFromAuthConfig({ auth: Buffer.from('nocolon').toString('base64') })).to.throw(InvalidArgumentError, /auth\.auth/);
  });

  it('identity token is a refresh token, registry token a bearer token', () => {
    expect(credentialsFromAuthConfig({ username: 'u', identity_token: 'rt' })?.credentials).to.deep.equal({ kind: 'refresh', username: 'u', refreshToken: 'rt' });
    expect(credentialsFromAuthConfig({ username: 'u', password: 'p', registry_token: 'bt' })?.credentials).to.deep.equal({ kind: 'bearer', token: 'bt' });
  });

  it('server_address limits the credentials to that registry', () => {
    expect(credentialsFromAuthConfig({ username: 'u', password: 'p', server_address: 'https://index.docker.io/v1/' })?.host).to.equal('docker.io');
    expect(hostOfServerAddress('registry.example.com:5000')).to.equal('registry.example.com:5000');
    expect(hostOfServerAddress('http://127.0.0.1:5000/')).to.equal('127.0.0.1:5000');
  });

  it('cache keys depend on the secret but do not contain it', () => {
    const a = credentialsKey({ kind: 'basic', username: 'u', password: 'secret1' });
    const b = credentialsKey({ kind: 'basic', username: 'u', password: 'secret2' });
    expect(a).to.not.equal(b);
    expect(a).to.not.include('secret1');
    expect(credentialsKey(undefined)).to.equal('anonymous');
  });
});
