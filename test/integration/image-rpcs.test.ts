// The ImageService over the real gRPC socket of a real `husk serve`, pulling
// from Debian's docker-registry on loopback.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { status as Code, type ServiceError } from '@grpc/grpc-js';
import { startHusk, type HuskUnderTest } from '../helpers/husk-daemon.js';
import { unary } from '../../src/client/cri-client.js';
import { requireTools } from '../helpers/requirements.js';
import { requireImageEnv, sharedRegistry, stopRegistries, type ImageEnv } from './image/image-env.js';
import { startProxy } from './image/http-proxy.js';

describe('ImageService over gRPC', function () {
  this.timeout(120_000);
  let env: ImageEnv;
  let husk: HuskUnderTest;
  let ref: (repoTag: string) => string;

  before(async function () {
    requireImageEnv(this);
    env = await sharedRegistry();
    ref = (repoTag) => `${env.registry.host}/${repoTag}`;
    husk = await startHusk();
  });
  after(async () => {
    if (husk) {
      await husk.stop();
      husk.cleanup();
    }
    await stopRegistries();
  });

  it('pulls by tag and returns the image ID (the config digest)', async () => {
    const res = await unary(husk.cri.image, 'PullImage', { image: { image: ref('husk-test/busybox:latest') } });
    expect(res.image_ref).to.equal(env.images['husk-test/busybox:latest']!.configDigest);
  });

  it('reports the image as kubelet and crictl read it, with the config in verbose info', async () => {
    await unary(husk.cri.image, 'PullImage', { image: { image: ref('husk-test/user:uidgid') } });
    const st = await unary(husk.cri.image, 'ImageStatus', { image: { image: ref('husk-test/user:uidgid') }, verbose: true });
    expect(st.image!.repo_tags).to.deep.equal([ref('husk-test/user:uidgid')]);
    expect(st.image!.repo_digests[0]).to.match(new RegExp(`^${env.registry.host}/husk-test/user@sha256:[0-9a-f]{64}$`));
    expect(st.image!.uid!.value).to.equal('1002');
    expect(Number(st.image!.size)).to.be.greaterThan(0);
    expect(JSON.parse(st.info.info!)).to.have.nested.property('imageSpec.config');
  });

  it('answers an unknown image with an empty status, not an error', async () => {
    const st = await unary(husk.cri.image, 'ImageStatus', { image: { image: ref('husk-test/none:latest') } });
    expect(st.image).to.equal(null);
  });

  it('lists, filters and removes one tag of several', async () => {
    for (const tag of ['latest', '1.0']) await unary(husk.cri.image, 'PullImage', { image: { image: ref(`husk-test/busybox:${tag}`) } });
    const all = await unary(husk.cri.image, 'ListImages', {});
    const busybox = all.images.find((i) => i.repo_tags.includes(ref('husk-test/busybox:latest')))!;
    expect(busybox.repo_tags).to.include(ref('husk-test/busybox:1.0'));
    const filtered = await unary(husk.cri.image, 'ListImages', { filter: { image: { image: ref('husk-test/busybox:1.0') } } });
    expect(filtered.images.map((i) => i.id)).to.deep.equal([busybox.id]);
    await unary(husk.cri.image, 'RemoveImage', { image: { image: ref('husk-test/busybox:1.0') } });
    const after = await unary(husk.cri.image, 'ImageStatus', { image: { image: ref('husk-test/busybox:latest') } });
    expect(after.image!.repo_tags).to.deep.equal([ref('husk-test/busybox:latest')]);
    await unary(husk.cri.image, 'RemoveImage', { image: { image: ref('husk-test/never-pulled:x') } });
  });

  it('rejects a malformed reference as INVALID_ARGUMENT naming the field', async () => {
    const err = (await unary(husk.cri.image, 'PullImage', { image: { image: 'UPPER/Case:bad tag' } }).catch((e: unknown) => e)) as ServiceError;
    expect(err.code).to.equal(Code.INVALID_ARGUMENT);
    expect(err.details).to.match(/^image\.image: /);
  });

  it('reports image and container filesystem usage', async () => {
    const res = await unary(husk.cri.image, 'ImageFsInfo', {});
    expect(Number(res.image_filesystems[0]!.used_bytes!.value)).to.be.greaterThan(0);
    expect(res.image_filesystems[0]!.fs_id!.mountpoint).to.contain(husk.root);
    expect(res.container_filesystems).to.have.length(1);
  });

  it('works with crictl pull, images and rmi', function () {
    requireTools(this, 'crictl');
    const crictl = (...args: string[]) => execFileSync('crictl', ['--image-endpoint', `unix://${husk.socket}`, ...args], { encoding: 'utf8', timeout: 20_000 });
    expect(crictl('pull', ref('husk-test/other:latest'))).to.contain('Image is up to date for sha256:');
    expect(crictl('images')).to.contain(`${env.registry.host}/husk-test/other`);
    expect(crictl('rmi', ref('husk-test/other:latest'))).to.contain('Deleted');
  });

  it('lets an in-flight pull finish when husk gets SIGTERM, then exits 0', async () => {
    let sawManifest!: () => void;
    const manifestRequested = new Promise<void>((resolve) => (sawManifest = resolve));
    const slow = await startProxy(env.registry.url, {
      intercept: async (req) => {
        if (req.url?.includes('/manifests/')) {
          sawManifest();
          await new Promise((r) => setTimeout(r, 1500));
        }
        return false;
      },
    });
    const other = await startHusk();
    try {
      const pull = unary(other.cri.image, 'PullImage', { image: { image: `${slow.host}/husk-test/config:latest` } });
      await manifestRequested;
      other.proc.kill('SIGTERM');
      const res = await pull;
      expect(res.image_ref).to.equal(env.images['husk-test/config:latest']!.configDigest);
      expect((await other.waitExit()).code).to.equal(0);
      expect(other.output()).to.contain('husk stopped');
    } finally {
      await other.stop();
      other.cleanup();
      await slow.close();
    }
  });
});
