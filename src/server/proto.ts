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
