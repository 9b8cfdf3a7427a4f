import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageAccountFiles, readImageFile } from '../../../src/container/image-files.js';

describe('image files', () => {
  let dir: string;
  let lower: string;
  let upper: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'husk-image-files-'));
    lower = join(dir, 'lower');
    upper = join(dir, 'upper');
    for (const d of [lower, upper]) mkdirSync(join(d, 'etc'), { recursive: true });
    writeFileSync(join(lower, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\n');
    writeFileSync(join(lower, 'etc/group'), 'root:x:0:\n');
    writeFileSync(join(upper, 'etc/group'), 'root:x:0:\napp:x:1000:\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file from the topmost layer that has it', async () => {
    expect(await readImageFile([lower, upper], 'etc/group')).to.equal('root:x:0:\napp:x:1000:\n');
    expect(await readImageFile([lower, upper], 'etc/passwd')).to.equal('root:x:0:0::/root:/bin/sh\n');
    expect(await readImageFile([lower, upper], 'etc/shadow')).to.equal('');
  });

  it('reads passwd and group once per image and keeps only the most recent images', async () => {
    const files = new ImageAccountFiles(1);
    const first = await files.get('sha256:a', [lower, upper]);
    expect(first).to.deep.equal({ passwd: 'root:x:0:0::/root:/bin/sh\n', group: 'root:x:0:\napp:x:1000:\n' });
    writeFileSync(join(upper, 'etc/group'), 'changed\n');
    expect((await files.get('sha256:a', [lower, upper])).group, 'cached').to.equal(first.group);
    await files.get('sha256:b', [lower, upper]);
    expect((await files.get('sha256:a', [lower, upper])).group, 'evicted, read again').to.equal('changed\n');
  });
});
