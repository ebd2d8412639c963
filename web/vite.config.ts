/**
 * The training page's and the notes page's build and servers. `npm run web` builds into web/dist (relative paths,
 * so any static server can serve it) and previews it on 127.0.0.1. Both the dev and the
 * preview server also serve the course data read-only from ../shared/datasets (or
 * $TSGRAD_DATA) at ./datasets/, so "Load the course data" works from a checkout; nothing is
 * copied into the repository or the build.
 */
import { createReadStream, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Connect, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
/** The only files served: the two the page asks for. */
const DATA_FILES = new Set(['train_catvnoncat.h5', 'test_catvnoncat.h5']);

/** Where the data lives: $TSGRAD_DATA, else ../shared/datasets beside the checkout. */
export function dataDir(): string {
  return resolve(process.env['TSGRAD_DATA'] ?? join(root, '..', 'shared', 'datasets'));
}

function serveDatasets(): Connect.NextHandleFunction {
  return (req, res, next) => {
    const match = /^(?:.*\/)?datasets\/([^/?#]+)(?:[?#].*)?$/.exec(req.url ?? '');
    const name = match?.[1];
    if (name === undefined || !DATA_FILES.has(name)) return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      res.end();
      return;
    }
    const file = join(dataDir(), name);
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      res.statusCode = 404;
      res.end(`${name} is not in ${dataDir()}`);
      return;
    }
    res.setHeader('Content-Type', 'application/x-hdf5');
    res.setHeader('Content-Length', String(size));
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  };
}

function datasets(): Plugin {
  return {
    name: 'tsgrad-datasets',
    configureServer(server) {
      server.middlewares.use(serveDatasets());
    },
    configurePreviewServer(server) {
      server.middlewares.use(serveDatasets());
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [datasets()],
  worker: { format: 'es' },
  build: {
    outDir: resolve(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    // h5wasm embeds its WebAssembly in its JS: one large chunk, loaded by the worker only.
    chunkSizeWarningLimit: 6000,
    // Two pages: the training page and the notes' figures, hands-on (notes.html).
    rollupOptions: { input: { index: resolve(here, 'index.html'), notes: resolve(here, 'notes.html') } },
  },
  server: { host: '127.0.0.1', fs: { allow: [root] } },
  preview: { host: '127.0.0.1' },
});
