#!/usr/bin/env node
// Entry point of the installed CLI: runs the compiled TypeScript (npm run build).
import('../dist/src/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/cli')) {
    console.error('husk: not built yet; run `npm run build` in the husk directory');
    process.exit(1);
  }
  throw err;
});
