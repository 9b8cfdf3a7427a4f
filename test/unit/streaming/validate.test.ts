import { expect } from 'chai';
import { validateAttachRequest, validateExecRequest, validatePortForwardRequest } from '../../../src/streaming/validate.js';
import { fieldOf } from '../../helpers/invalid-field.js';

describe('streaming request validation', () => {
  const exec = { container_id: 'c', cmd: ['ls'], stdout: true };

  it('accepts a well-formed exec, attach and port-forward', () => {
    expect(() => validateExecRequest(exec)).not.to.throw();
    expect(() => validateAttachRequest({ container_id: 'c', stdin: true, tty: true })).not.to.throw();
    expect(() => validatePortForwardRequest({ pod_sandbox_id: 'p', port: [80, 65535] })).not.to.throw();
    expect(() => validatePortForwardRequest({ pod_sandbox_id: 'p' })).not.to.throw();
  });

  it('needs a container id', () => {
    expect(fieldOf(() => validateExecRequest({ ...exec, container_id: '' }))).to.equal('container_id');
    expect(fieldOf(() => validateAttachRequest({ stdout: true }))).to.equal('container_id');
  });

  it('needs a command for exec', () => {
    expect(fieldOf(() => validateExecRequest({ ...exec, cmd: [] }))).to.equal('cmd');
    expect(fieldOf(() => validateExecRequest({ container_id: 'c', stdout: true }))).to.equal('cmd');
  });

  it('needs at least one of stdin, stdout, stderr', () => {
    expect(fieldOf(() => validateExecRequest({ container_id: 'c', cmd: ['ls'] }))).to.equal('stdin');
    expect(fieldOf(() => validateAttachRequest({ container_id: 'c', tty: true }))).to.equal('stdin');
  });

  it('refuses tty together with stderr', () => {
    expect(fieldOf(() => validateExecRequest({ ...exec, tty: true, stderr: true }))).to.equal('stderr');
    expect(fieldOf(() => validateAttachRequest({ container_id: 'c', tty: true, stderr: true }))).to.equal('stderr');
  });

  it('needs a pod sandbox id and real ports for port-forward', () => {
    expect(fieldOf(() => validatePortForwardRequest({ port: [80] }))).to.equal('pod_sandbox_id');
    expect(fieldOf(() => validatePortForwardRequest({ pod_sandbox_id: 'p', port: [80, 0] }))).to.equal('port[1]');
    expect(fieldOf(() => validatePortForwardRequest({ pod_sandbox_id: 'p', port: [70000] }))).to.equal('port[0]');
  });
});
