// The floor of a push from Node, for the image-push rows of bench/push-artifacts.mjs: the least a
// Node process can do to put a layout's layer blobs into a registry. Each blob in one streamed PATCH
// and a closing PUT (as our push and crane send them), `concurrency` at once, read in 1 MiB pieces
// into reused buffers, and NOT hashed (crane does not hash either: it sends the files with sendfile,
// which Node cannot). No manifest, no checks, no action around it. What stays is reading each byte
// into the process and writing it to the socket, which crane does not do.
//   node bench/node-upload-floor.mjs <registry url> <layout dir> [concurrency]
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';

const [base, layout, jobs = '4'] = process.argv.slice(2);
const agent = new Agent({ keepAlive: true, maxSockets: 32 });
const CHUNK = 1024 * 1024;

/** One exchange; `body(request)` writes the body and ends the request. */
function exchange(method, url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode >= 200 && res.statusCode < 300 ? resolve(res) : reject(new Error(`${method} ${url}: ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    if (body) body(req).catch(reject);
    else req.end();
  });
}

async function upload({ digest, size }) {
  const started = await exchange('POST', `${base}/v2/floor/app/blobs/uploads/`, { 'content-length': '0' });
  const location = new URL(started.headers.location, base);
  const file = await open(join(layout, 'blobs', ...digest.split(':')), 'r');
  const patched = await exchange(
    'PATCH',
    location,
    { 'content-length': String(size), 'content-type': 'application/octet-stream' },
    async (req) => {
      const free = [];
      let position = 0;
      while (position < size) {
        const buffer = free.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
        const { bytesRead } = await file.read(buffer, 0, Math.min(CHUNK, size - position), position);
        position += bytesRead;
        if (!req.write(buffer.subarray(0, bytesRead), (error) => error || free.push(buffer)))
          await new Promise((resolve) => req.once('drain', resolve));
      }
      req.end();
    },
  );
  await file.close();
  const close = new URL(patched.headers.location, base);
  close.searchParams.set('digest', digest);
  await exchange('PUT', close, { 'content-length': '0' });
}

const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(layout, 'blobs', ...index.manifests[0].digest.split(':')), 'utf8'));
const queue = [...manifest.layers];
await Promise.all(
  Array.from({ length: Number(jobs) }, async () => {
    for (let layer = queue.shift(); layer; layer = queue.shift()) await upload(layer);
  }),
);
agent.destroy();
