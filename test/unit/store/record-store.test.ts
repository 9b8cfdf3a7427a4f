import { expect } from 'chai';
import { mkdtempSync, rmSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { RecordStore } from '../../../src/store/record-store.js';
import { newId } from '../../../src/common/ids.js';

interface Rec {
  id: string;
  n: number;
}

describe('RecordStore', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'husk-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('saves, reloads and removes records, leaving no temp files', async () => {
    const store = new RecordStore<Rec>(join(dir, 'pods'), 'pod');
    await store.init();
    const a = { id: newId(), n: 1 };
    const b = { id: newId(), n: 2 };
    await Promise.all([store.save(a), store.save(b)]);
    await store.save({ ...a, n: 3 });
    const loaded = (await new RecordStore<Rec>(join(dir, 'pods'), 'pod').load()).live;
    expect(loaded.sort((x, y) => x.n - y.n)).to.deep.equal([b, { ...a, n: 3 }]);
    await store.remove(b.id);
    await store.remove(b.id);
    expect(readdirSync(join(dir, 'pods'))).to.deep.equal([`${a.id}.json`]);
  });

  it('syncs saves, tombstones and purges to disk in the background, then settles', async () => {
    const store = new RecordStore<Rec>(join(dir, 'bg'), 'pod');
    await store.init();
    const ids = Array.from({ length: 5 }, () => newId());
    await Promise.all(ids.map((id, n) => store.save({ id, n })));
    await store.tombstone(ids[0]!);
    await store.purge(ids[0]!);
    await store.synced();
    await store.synced(); // nothing pending: settles at once
    expect(readdirSync(join(dir, 'bg')).sort()).to.deep.equal(ids.slice(1).map((id) => `${id}.json`).sort());
  });

  it('lands the last of many concurrent writes to one record', async () => {
    const store = new RecordStore<Rec>(join(dir, 'c'), 'container');
    await store.init();
    const id = newId();
    await Promise.all(Array.from({ length: 20 }, (_, n) => store.save({ id, n })));
    expect((await store.load()).live).to.deep.equal([{ id, n: 19 }]);
  });

  it('moves an unreadable record aside instead of failing the load', async () => {
    const store = new RecordStore<Rec>(join(dir, 'c'), 'container');
    await store.init();
    const id = newId();
    writeFileSync(join(dir, 'c', `${id}.json`), '{"id": "torn');
    expect((await store.load()).live).to.deep.equal([]);
    expect(readdirSync(join(dir, 'c'))).to.deep.equal([`${id}.json.corrupt`]);
  });

  it('refuses IDs that are not 64 hex characters (no path tricks)', async () => {
    const store = new RecordStore<Rec>(join(dir, 'c'), 'container');
    await store.init();
    const err = await store.save({ id: '../../etc/passwd', n: 1 }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).to.match(/malformed ID/);
    expect(readdirSync(join(dir, 'c'))).to.deep.equal([]);
  });
});
