// The ImageService gRPC handlers: request checks, one domain call, reply mapping.
import { expect } from 'chai';
import { pino } from 'pino';
import type { ImageService, ImageView } from '../../../src/image/image-service.js';
import type { CallContext } from '../../../src/server/rpc-types.js';
import type { Domains } from '../../../src/server/domains.js';
import { PullImage } from '../../../src/server/image/pull-image.js';
import { ImageStatus } from '../../../src/server/image/image-status.js';
import { ListImages, StreamImages } from '../../../src/server/image/list-images.js';
import { RemoveImage } from '../../../src/server/image/remove-image.js';
import { ImageFsInfo } from '../../../src/server/image/image-fs-info.js';
import { InvalidArgumentError } from '../../../src/common/errors.js';

const ID = `sha256:${'a'.repeat(64)}`;
const view = (over: Partial<ImageView> = {}): ImageView => ({ id: ID, repoTags: ['docker.io/library/busybox:latest'], repoDigests: [], size: 1234, username: '', pinned: false, ...over });

function ctxWith(images: Partial<ImageService> | undefined): CallContext {
  const domains = (images ? { images } : {}) as unknown as Domains;
  return { log: pino({ level: 'silent' }), requestId: 'r', method: 'm', signal: new AbortController().signal, domains };
}

const spec = (image: string) => ({ image, annotations: {}, user_specified_image: '', runtime_handler: '', image_ref: '' });

describe('image gRPC handlers', () => {
  it('PullImage passes the reference and auth and returns the image id', async () => {
    let got: unknown[] = [];
    const ctx = ctxWith({ pull: async (...args: unknown[]) => ((got = args), ID) } as Partial<ImageService>);
    const auth = { username: 'u', password: 'p', auth: '', server_address: '', identity_token: '', registry_token: '' };
    const res = await PullImage({ image: spec('busybox'), auth, sandbox_config: null }, ctx);
    expect(res).to.deep.equal({ image_ref: ID });
    expect(got.slice(0, 2)).to.deep.equal(['busybox', auth]);
  });

  it('PullImage without an image names the field', async () => {
    const ctx = ctxWith({});
    const err = await PullImage({ image: null, auth: null, sandbox_config: null }, ctx).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(InvalidArgumentError);
    expect((err as Error).message).to.match(/^image:/);
    const err2 = await PullImage({ image: spec(''), auth: null, sandbox_config: null }, ctx).catch((e: unknown) => e);
    expect((err2 as Error).message).to.match(/^image\.image:/);
  });

  it('ImageStatus maps uid as an Int64Value and answers empty for an unknown image', async () => {
    const ctx = ctxWith({ status: (ref: string) => (ref === 'busybox' ? view({ uid: 1002n, pinned: true }) : undefined), statusInfo: async () => ({ info: '{}' }) } as Partial<ImageService>);
    const res = await ImageStatus({ image: spec('busybox'), verbose: true }, ctx);
    expect(res.image).to.deep.include({ id: ID, size: '1234', uid: { value: '1002' }, username: '', pinned: true });
    expect(res.info).to.deep.equal({ info: '{}' });
    expect(await ImageStatus({ image: spec('nope'), verbose: false }, ctx)).to.deep.equal({ image: null, info: {} });
  });

  it('ImageStatus leaves uid unset for a named user', async () => {
    const ctx = ctxWith({ status: () => view({ username: 'www-data' }) } as Partial<ImageService>);
    const res = await ImageStatus({ image: spec('x'), verbose: false }, ctx);
    expect(res.image?.uid).to.equal(null);
    expect(res.image?.username).to.equal('www-data');
  });

  it('ListImages and StreamImages pass the filter through', async () => {
    const filters: Array<string | undefined> = [];
    const ctx = ctxWith({ list: (f?: string) => (filters.push(f), [view()]) } as Partial<ImageService>);
    expect((await ListImages({ filter: null }, ctx)).images).to.have.length(1);
    await ListImages({ filter: { image: spec('busybox') } }, ctx);
    const streamed = [];
    for await (const batch of StreamImages({ filter: { image: spec('') } }, ctx)) streamed.push(batch);
    expect(streamed).to.have.length(1);
    expect(filters).to.deep.equal([undefined, 'busybox', undefined]);
  });

  it('RemoveImage calls remove with the reference', async () => {
    const removed: string[] = [];
    const ctx = ctxWith({ remove: async (r: string) => void removed.push(r) } as Partial<ImageService>);
    expect(await RemoveImage({ image: spec(ID) }, ctx)).to.deep.equal({});
    expect(removed).to.deep.equal([ID]);
  });

  it('ImageFsInfo reports both filesystems', async () => {
    const usage = (mountpoint: string) => ({ mountpoint, timestampNs: 5n, bytes: 10, inodes: 2 });
    const ctx = ctxWith({ fsInfo: async () => ({ image: usage('/var/lib/husk'), containers: usage('/var/lib/husk/containers') }) } as Partial<ImageService>);
    const res = await ImageFsInfo({}, ctx);
    expect(res.image_filesystems).to.deep.equal([{ timestamp: '5', fs_id: { mountpoint: '/var/lib/husk' }, used_bytes: { value: '10' }, inodes_used: { value: '2' } }]);
    expect(res.container_filesystems![0]!.fs_id).to.deep.equal({ mountpoint: '/var/lib/husk/containers' });
  });
});
