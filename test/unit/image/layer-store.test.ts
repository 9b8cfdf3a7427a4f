import { expect } from 'chai';
import { mkdtemp, readdir, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LayerStore } from '../../../src/image/layer-store.js';

const chain = `sha256:${'c'.repeat(64)}`;
const diff = `sha256:${'d'.repeat(64)}`;

describe('layer store', () => {
  let dir: string;
  let store: LayerStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'husk-image-ls-'));
    store = new LayerStore(join(dir, 'layers'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('fills a temp dir and renames it to <chainhex>/fs', async () => {
    await store.create(chain, diff, async (dest) => {
      expect(await readdir(dest)).to.deep.equal([]);
      await writeFile(join(dest, 'hello'), 'hi');
      return { diffId: diff, size: 2 };
    });
    expect(store.fsPath(chain)).to.equal(join(dir, 'layers', 'c'.repeat(64), 'fs'));
    expect(await readFile(join(store.fsPath(chain), 'hello'), 'utf8')).to.equal('hi');
    expect(await store.has(chain)).to.equal(true);
    expect(await store.list()).to.deep.equal([chain]);
    expect(await store.meta(chain)).to.deep.equal({ chainId: chain, diffId: diff, size: 2 });
  });

  it('unpacks a layer once', async () => {
    let fills = 0;
    const fill = async () => {
      fills++;
      return { diffId: diff, size: 0 };
    };
    await store.create(chain, diff, fill);
    await store.create(chain, diff, fill);
    expect(fills).to.equal(1);
  });

  it('rejects a diffID that differs from the config and leaves nothing', async () => {
    const err = await store.create(chain, diff, async () => ({ diffId: `sha256:${'e'.repeat(64)}`, size: 0 })).catch((e: unknown) => e);
    expect((err as Error).message).to.match(/diffID mismatch/);
    expect(await store.has(chain)).to.equal(false);
    expect(await readdir(join(dir, 'layers'))).to.deep.equal([]);
  });

  it('cleans a failed fill and leftovers of a crash', async () => {
    await store.create(chain, diff, async () => {
      throw new Error('boom');
    }).catch(() => undefined);
    expect(await readdir(join(dir, 'layers'))).to.deep.equal([]);
    await writeFile(join(dir, 'layers', '.tmp-leftover'), '');
    await store.cleanupTemp();
    expect(await readdir(join(dir, 'layers'))).to.deep.equal([]);
  });

  it('removes a layer', async () => {
    await store.create(chain, diff, async () => ({ diffId: diff, size: 0 }));
    await store.remove(chain);
    expect(await store.has(chain)).to.equal(false);
    expect(await readdir(join(dir, 'layers'))).to.deep.equal([]);
  });
});
