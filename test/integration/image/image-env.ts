// Shared setup for image integration tests: one docker-registry with every
// test image, started once per test process, and fresh ImageService roots.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HuskConfig } from '../../../src/config/config.js';
import { ImageService } from '../../../src/image/image-service.js';
import { unpackLayer, UNPACK_BINARY } from '../../../src/image/unpack.js';
import { pino } from 'pino';
import { startRegistry, REGISTRY_BINARY, type TestRegistry, type RegistryAuth } from '../../helpers/registry.js';
import { pushTestImages, type PushedImage } from '../../helpers/test-images.js';
import { requireFile, requireRoot } from '../../helpers/requirements.js';

export interface ImageEnv {
  registry: TestRegistry;
  images: Record<string, PushedImage>;
}

let shared: Promise<ImageEnv> | undefined;
const started: TestRegistry[] = [];

/** Skips unless root, docker-registry and husk-unpack are there (unpacking makes device nodes and sets owners). */
export function requireImageEnv(ctx: Mocha.Context): void {
  requireRoot(ctx);
  requireFile(ctx, REGISTRY_BINARY, "Debian's docker-registry");
  requireFile(ctx, UNPACK_BINARY, 'the layer unpacker; build it with `make -C native`');
}

export function sharedRegistry(): Promise<ImageEnv> {
  shared ??= (async () => {
    const registry = await extraRegistry();
    const images = await pushTestImages(registry);
    return { registry, images };
  })();
  return shared;
}

/** A registry of its own (stopped by stopRegistries), e.g. one requiring credentials or acting as a mirror. */
export async function extraRegistry(auth?: RegistryAuth): Promise<TestRegistry> {
  const registry = await startRegistry(auth ? { auth } : {});
  started.push(registry);
  return registry;
}

export async function stopRegistries(): Promise<void> {
  shared = undefined;
  await Promise.all(started.splice(0).map((r) => r.stop()));
}

export type RegistryConfig = HuskConfig['registry'];

export interface ServiceRoot {
  root: string;
  service: ImageService;
  cleanup(): Promise<void>;
}

const quiet = pino({ level: process.env.HUSK_TEST_LOG ?? 'silent' });

export async function newService(registry: Partial<RegistryConfig> = {}, pauseImage = 'registry.k8s.io/pause:3.10'): Promise<ServiceRoot> {
  const root = await mkdtemp(join(tmpdir(), 'husk-image-it-'));
  const service = await ImageService.open({
    config: { root, pause_image: pauseImage, registry: { insecure: [], stall_timeout_seconds: 10, mirrors: {}, ...registry } },
    unpack: unpackLayer,
    log: quiet,
  });
  return { root, service, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/**
 * The usual image test setup: the shared registry for the describe block
 * (skipping without what it needs) and a fresh ImageService for each test.
 */
export function useImageService(): { readonly env: ImageEnv; readonly s: ServiceRoot } {
  let env: ImageEnv | undefined;
  let s: ServiceRoot | undefined;
  before(async function () {
    requireImageEnv(this);
    env = await sharedRegistry();
  });
  beforeEach(async () => {
    s = await newService();
  });
  afterEach(async () => s?.cleanup());
  after(() => stopRegistries());
  return {
    get env() {
      return env!;
    },
    get s() {
      return s!;
    },
  };
}
