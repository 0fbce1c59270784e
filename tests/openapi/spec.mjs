// docs/openapi.json for the tests: the document, its references resolved, and a JSON
// Schema 2020-12 validator (Ajv, from web/ui's devDependencies) that knows its schemas.
//   validator(schema)            -> (value) => errors or null
//   operation(method, template)  -> the operation object
//   documentedResponse(op, status) -> the response object (references resolved)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const docPath = path.join(root, 'docs', 'openapi.json');
export const doc = JSON.parse(fs.readFileSync(docPath, 'utf8'));

// The validator is a development dependency of the UI, installed by `npm ci` there.
const require = createRequire(path.join(root, 'web', 'ui', 'package.json'));
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats');

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// A `$ref` inside the document, followed (JSON Pointer, local only).
export function resolve(node) {
  let seen = 0;
  while (node && typeof node === 'object' && typeof node.$ref === 'string') {
    if (!node.$ref.startsWith('#/')) throw new Error(`a reference outside the document: ${node.$ref}`);
    const target = pointer(node.$ref.slice(1));
    if (target === undefined) throw new Error(`a reference to nothing: ${node.$ref}`);
    // A Reference Object's own summary and description win over the target's.
    const { $ref, ...own } = node;
    node = Object.keys(own).length && !('type' in target) ? { ...target, ...own } : target;
    if (++seen > 20) throw new Error(`a cycle of references at ${$ref}`);
  }
  return node;
}

export function pointer(p) {
  let node = doc;
  for (const raw of p.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

// Schemas are compiled against one bundle of components.schemas, so that their
// `#/components/schemas/X` references find each other.
const BASE = 'https://gridkeeper.invalid/openapi/schemas';
const rebase = (node) => {
  if (Array.isArray(node)) return node.map(rebase);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')
      ? `${BASE}#/$defs/${v.slice('#/components/schemas/'.length)}`
      : rebase(v);
  }
  return out;
};

// Strict: an unknown keyword or a misspelt one is an error, not ignored.
export const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
addFormats(ajv);
// OpenAPI's own formats of numbers.
for (const f of ['int32', 'int64']) ajv.addFormat(f, { type: 'number', validate: Number.isInteger });
for (const f of ['float', 'double']) ajv.addFormat(f, { type: 'number', validate: () => true });
ajv.addKeyword({ keyword: 'example' });  // deprecated in 3.1 schemas, still allowed
ajv.addSchema({ $id: BASE, $defs: rebase(doc.components?.schemas ?? {}) });

const compiled = new Map();
export function validator(schema) {
  const key = JSON.stringify(schema);
  if (!compiled.has(key)) {
    const validate = ajv.compile(rebase(schema));
    compiled.set(key, (value) => (validate(value) ? null : validate.errors));
  }
  return compiled.get(key);
}

// A schema in components.schemas, at a JSON Pointer below it: for examples kept in schemas.
export function schemaAt(ptr) {
  return validator({ $ref: `#/components/schemas${ptr}` });
}

export function describe(errors) {
  return (errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`).join('; ');
}

export function operations() {
  const out = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) if (item[m]) out.push({ method: m.toUpperCase(), template, op: item[m], item });
  }
  return out;
}

// The operation whose template matches a concrete path (`/api/v1/cases/17`). A segment with
// a parameter matches any segment, as the router's `*` does (`requests/17.xml` is routed to
// `requests/{service_request_id}.json`, which answers 404).
export function match(method, urlPath) {
  for (const o of operations()) {
    if (o.method !== method) continue;
    const segment = (s) => (s.includes('{') ? '[^/]+' : s.replace(/[.]/g, '\\.'));
    const re = new RegExp(`^${o.template.split('/').map(segment).join('/')}$`);
    if (re.test(urlPath)) return o;
  }
  return null;
}

export function documentedResponse(op, status) {
  const responses = op.responses ?? {};
  const r = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  return r ? resolve(r) : null;
}

// The media type of a documented content map that fits a Content-Type header.
export function mediaType(content, contentType) {
  const bare = (t) => t.split(';')[0].trim().toLowerCase();
  const wanted = bare(contentType ?? '');
  for (const [type, media] of Object.entries(content ?? {})) if (bare(type) === wanted) return { type, media };
  return null;
}

export const isJson = (type) => /^application\/([a-z.+-]*\+)?json/.test(type.split(';')[0].trim().toLowerCase());
