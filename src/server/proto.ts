import { join } from 'node:path';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';
import { packageRoot } from '../common/package-info.js';
import type { ProtoGrpcType } from '../generated/api.js';

export const CRI_PROTO_PATH = join(packageRoot, 'proto', 'runtime', 'v1', 'api.proto');

/** Loader options shared by the server, the CLI client and the tests; generated types assume them. */
export const protoLoaderOptions = { keepCase: true, longs: String, enums: Number, defaults: true, oneofs: true } as const;

let cached: { definition: PackageDefinition; grpc: ProtoGrpcType } | undefined;

export function loadCriProto(): { definition: PackageDefinition; grpc: ProtoGrpcType } {
  if (!cached) {
    const definition = loadSync(CRI_PROTO_PATH, protoLoaderOptions);
    cached = { definition, grpc: loadPackageDefinition(definition) as unknown as ProtoGrpcType };
  }
  return cached;
}

export function criServiceDefinitions(): { runtime: ServiceDefinition; image: ServiceDefinition } {
  const { grpc } = loadCriProto();
  return { runtime: grpc.runtime.v1.RuntimeService.service, image: grpc.runtime.v1.ImageService.service };
}

/**
 * What gRPC reflection indexes: one entry per set of file descriptors.
 * proto-loader gives every type the same array of all of api.proto's
 * descriptors, and reflection decodes an entry's array for each entry (~300
 * ms of daemon start for the ~190 CRI types); one entry carries every
 * service, message and enum.
 */
export function criReflectionRoot(): PackageDefinition {
  const seen = new Set<Buffer[]>();
  const root: PackageDefinition = {};
  for (const [name, entry] of Object.entries(loadCriProto().definition)) {
    // A service has none of its own: its methods' types carry them.
    const files = (entry as { fileDescriptorProtos?: Buffer[] }).fileDescriptorProtos;
    if (files === undefined || seen.has(files)) continue;
    seen.add(files);
    root[name] = entry;
  }
  return root;
}
