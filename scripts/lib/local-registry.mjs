// A read-only npm registry on loopback that serves the tarballs of one directory, so that npm
// installs our packed packages as it would from the registry (dependencies between them
// included) while every other package still comes from the configured registry:
//   node scripts/lib/local-registry.mjs DIR   prints "http://127.0.0.1:PORT/" once listening
// Point one scope at it: npm install --@pptpkit:registry=http://127.0.0.1:PORT/ ...
// It answers GET /<name> (the packument) and GET /-/<file>.tgz; anything else is a 404.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const dir = process.argv[2];
const tarballs = new Map();
const packuments = new Map();

const server = createServer((request, response) => {
  const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
  const tarball = tarballs.get(path);
  const packument = packuments.get(path.slice(1));
  if (request.method === 'GET' && tarball !== undefined) {
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    response.end(tarball);
  } else if (request.method === 'GET' && packument !== undefined) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(packument));
  } else {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end('{"error":"not found"}');
  }
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const base = `http://127.0.0.1:${port}`;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.tgz'))) {
    const bytes = readFileSync(join(dir, file));
    const manifest = JSON.parse(
      execFileSync('tar', ['-xzOf', join(dir, file), 'package/package.json'], { encoding: 'utf8' }),
    );
    tarballs.set(`/-/${file}`, bytes);
    packuments.set(manifest.name, {
      name: manifest.name,
      'dist-tags': { latest: manifest.version },
      versions: {
        [manifest.version]: {
          ...manifest,
          dist: {
            tarball: `${base}/-/${file}`,
            shasum: createHash('sha1').update(bytes).digest('hex'),
            integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
          },
        },
      },
    });
  }
  console.log(`${base}/`);
});
