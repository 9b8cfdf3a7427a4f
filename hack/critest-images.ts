// Builds the critest stand-in images and pushes them, under their upstream
// paths, to a registry that husk uses as mirror of registry.k8s.io and gcr.io:
//   npx tsx hack/critest-images.ts --registry 127.0.0.1:5000
import { parseArgs } from 'node:util';
import { buildCritestCatalog } from './test-images/critest-catalog.js';
import { topDigest } from './test-images/image-builder.js';
import { pushImage } from './test-images/push.js';

const { values } = parseArgs({ options: { registry: { type: 'string' } } });
if (!values.registry) {
  console.error('usage: critest-images.ts --registry HOST:PORT');
  process.exit(2);
}
const target = { registry: values.registry };
// one at a time per repository: pushes of one repository share blobs
for (const { host, repo, tags, image } of buildCritestCatalog()) {
  await pushImage(target, repo, tags, image);
  for (const tag of tags) console.log(`${host}/${repo}:${tag}\t${topDigest(image)}`);
}
