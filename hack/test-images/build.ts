// Builds the test images from Debian's busybox-static and pushes them:
//   npx tsx hack/test-images/build.ts --registry 127.0.0.1:5000 [--username U --password P]
import { parseArgs } from 'node:util';
import { pushAll } from './push-all.js';

const { values } = parseArgs({
  options: {
    registry: { type: 'string' },
    username: { type: 'string' },
    password: { type: 'string' },
  },
});
if (!values.registry) {
  console.error('usage: build.ts --registry HOST:PORT [--username U --password P]');
  process.exit(2);
}
const pushed = await pushAll({ registry: values.registry, username: values.username, password: values.password });
for (const image of Object.values(pushed)) console.log(`${values.registry}/${image.name}\t${image.digest}`);
