import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { parseTerminalSize, resizeEvents, splitJsonValues } from '../../../src/streaming/resize.js';

describe('terminal resize messages', () => {
  it('splits back-to-back and newline-separated JSON objects, keeping a partial one', () => {
    const { values, rest } = splitJsonValues('{"Width":80,"Height":24}\n{"Width":100,"Height":40}{"Width":1');
    expect(values).to.deep.equal(['{"Width":80,"Height":24}', '{"Width":100,"Height":40}']);
    expect(rest).to.equal('{"Width":1');
  });

  it('is not fooled by braces inside strings', () => {
    expect(splitJsonValues('{"x":"}{","Width":1}').values).to.deep.equal(['{"x":"}{","Width":1}']);
  });

  it('matches field names in any case, like Go', () => {
    expect(parseTerminalSize('{"width":120,"HEIGHT":30}')).to.deep.equal({ width: 120, height: 30 });
  });

  it('rejects sizes that are not 16-bit unsigned integers', () => {
    expect(() => parseTerminalSize('{"Width":-1,"Height":2}')).to.throw();
    expect(() => parseTerminalSize('{"Width":70000,"Height":2}')).to.throw();
    expect(() => splitJsonValues('garbage')).to.throw();
  });

  it('yields each size from a stream cut at arbitrary places, and ends with it', async () => {
    const source = new PassThrough();
    const events = resizeEvents(source);
    source.write('{"Width":80,"He');
    source.write('ight":24}\n{"Width":132,"Height":43}\n');
    source.end();
    const got = [];
    for await (const size of events) got.push(size);
    expect(got).to.deep.equal([
      { width: 80, height: 24 },
      { width: 132, height: 43 },
    ]);
  });
});
