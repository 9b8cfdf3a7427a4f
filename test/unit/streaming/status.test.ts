import { expect } from 'chai';
import { encodeStatus, internalErrorStatus, nonZeroExitStatus, successStatus } from '../../../src/streaming/status.js';

describe('remote command status', () => {
  it('encodes a non-zero exit as the Status client-go reads an exit code from', () => {
    const json = JSON.parse(encodeStatus(nonZeroExitStatus(['sh', '-c', 'exit 3'], 3), true)!.toString());
    expect(json.status).to.equal('Failure');
    expect(json.reason).to.equal('NonZeroExitCode');
    expect(json.details.causes).to.deep.equal([{ reason: 'ExitCode', message: '3' }]);
    expect(json.message).to.match(/^command terminated with non-zero exit code: .*exit code 3$/);
  });

  it('sends Success on v4 and nothing on older protocols', () => {
    expect(encodeStatus(successStatus(), true)!.toString()).to.equal('{"metadata":{},"status":"Success"}');
    expect(encodeStatus(successStatus(), false)).to.equal(undefined);
  });

  it('sends only the message text on older protocols', () => {
    const status = internalErrorStatus('error executing command in container', new Error('no such container'));
    expect(encodeStatus(status, false)!.toString()).to.equal('Internal error occurred: error executing command in container: no such container');
    expect(JSON.parse(encodeStatus(status, true)!.toString())).to.include({ reason: 'InternalError', code: 500 });
  });
});
