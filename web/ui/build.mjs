// Builds the served UI: the sources as they are (plain ES modules, no bundling) and
// Leaflet's files from node_modules, into one directory the server can serve.
//   node build.mjs OUT_DIR
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(process.argv[2] || path.join(here, 'dist'));
const leaflet = path.join(here, 'node_modules', 'leaflet', 'dist');

if (!fs.existsSync(path.join(leaflet, 'leaflet-src.esm.js'))) {
  console.error(`build.mjs: ${leaflet} is missing; run "npm ci" in ${here} first`);
  process.exit(1);
}

// A fresh copy each time, so that a file removed from the sources is not served.
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
fs.cpSync(path.join(here, 'src'), out, { recursive: true });
const vendor = path.join(out, 'vendor', 'leaflet');
fs.mkdirSync(vendor, { recursive: true });
for (const f of ['leaflet-src.esm.js', 'leaflet.css']) fs.copyFileSync(path.join(leaflet, f), path.join(vendor, f));
fs.cpSync(path.join(leaflet, 'images'), path.join(vendor, 'images'), { recursive: true });
fs.copyFileSync(path.join(here, 'node_modules', 'leaflet', 'LICENSE'), path.join(vendor, 'LICENSE.txt'));
console.log(`built the UI into ${out}`);
