// Backstage's own TypeScript client, @backstage/catalog-client from npm, driven
// unchanged against a running Portico: every call it makes to /api/catalog.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogClient, CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { startServer, waitUntil } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'portico-client-'));
mkdirSync(join(dir, 'extra'));
writeFileSync(join(dir, 'org.yaml'), `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: ada, title: Ada}
spec: {memberOf: [team-a]}
`);
writeFileSync(join(dir, 'services.yaml'), `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: billing, tags: [java]}
spec: {type: service, lifecycle: production, owner: team-a, providesApis: [billing-api]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: storefront, title: Store Front}
spec: {type: website, lifecycle: experimental, owner: team-a, consumesApis: [billing-api]}
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: billing-api}
spec: {type: openapi, lifecycle: production, owner: team-a, definition: "openapi: 3.0.0"}
`);
writeFileSync(join(dir, 'extra', 'moved.yaml'), `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: moved-service}
spec: {type: service, lifecycle: production, owner: team-a}
`);
writeFileSync(join(dir, 'extra', 'catalog-info.yaml'), `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: extra-service}
spec: {type: service, lifecycle: production, owner: team-a}
`);

let server;
let client;

before(async () => {
  server = await startServer(`catalog:
  processingInterval: false
  registrableLocationTypes: [url, file]
  rules:
    - allow: [Component, API, Group, User, Location]
  locations:
    - type: file
      target: ${join(dir, 'org.yaml')}
    - type: file
      target: ${join(dir, 'services.yaml')}
`);
  client = new CatalogClient({
    discoveryApi: { getBaseUrl: async () => `${server.url}/api/catalog` },
    fetchApi: { fetch },
  });
  // Config locations are read in the background at start.
  await waitUntil(async () => {
    const { items } = await client.getEntities({ filter: { kind: 'component' } });
    return items.length === 2;
  }, () => `not ingested: ${server.log()}`);
});

after(async () => { await server?.stop(); });

test('getEntities: filters (AND, OR, exists), fields, order, offset and limit', async () => {
  const all = await client.getEntities();
  assert.equal(all.items.length, 2 + 2 + 1 + 2, 'entities plus the two generated locations');
  const components = await client.getEntities({ filter: { kind: 'Component', 'spec.type': 'service' } });
  assert.deepEqual(components.items.map((e) => e.metadata.name), ['billing']);
  const either = await client.getEntities({ filter: [{ kind: 'api' }, { kind: 'user' }], fields: ['metadata.name'] });
  assert.deepEqual(either.items.map((e) => e.metadata.name).sort(), ['ada', 'billing-api']);
  assert.deepEqual(Object.keys(either.items[0]), ['metadata']);
  const titled = await client.getEntities({ filter: { 'metadata.title': CATALOG_FILTER_EXISTS } });
  assert.deepEqual(titled.items.map((e) => e.metadata.name).sort(), ['ada', 'storefront']);
  const ordered = await client.getEntities({ filter: { kind: 'component' }, order: { field: 'metadata.name', order: 'desc' }, limit: 1, offset: 1 });
  assert.deepEqual(ordered.items.map((e) => e.metadata.name), ['billing']);
});

test('getEntityByRef, getEntityByName and getEntitiesByRefs', async () => {
  const billing = await client.getEntityByRef('component:default/billing');
  assert.equal(billing.metadata.name, 'billing');
  assert.ok(billing.relations.some((r) => r.type === 'ownedBy' && r.targetRef === 'group:default/team-a'));
  assert.equal(await client.getEntityByRef('component:default/nope'), undefined);
  const byName = await client.getEntityByName({ kind: 'Group', namespace: 'default', name: 'team-a' });
  assert.ok(byName.relations.some((r) => r.type === 'hasMember' && r.targetRef === 'user:default/ada'));
  const byRefs = await client.getEntitiesByRefs({ entityRefs: ['api:default/billing-api', 'component:default/missing', 'user:ada'], fields: ['kind', 'metadata.name'] });
  assert.deepEqual(byRefs.items, [{ kind: 'API', metadata: { name: 'billing-api' } }, undefined, undefined]);
  const filtered = await client.getEntitiesByRefs({ entityRefs: ['component:default/billing', 'component:default/storefront'], filter: { 'spec.type': 'website' } });
  assert.deepEqual(filtered.items.map((e) => e?.metadata.name), [undefined, 'storefront']);
});

test('queryEntities: totalItems, cursors both ways, full-text filter, and streamEntities', async () => {
  const first = await client.queryEntities({ filter: { kind: 'component' }, limit: 1, orderFields: { field: 'metadata.name', order: 'asc' } });
  assert.equal(first.totalItems, 2);
  assert.deepEqual(first.items.map((e) => e.metadata.name), ['billing']);
  const second = await client.queryEntities({ cursor: first.pageInfo.nextCursor });
  assert.deepEqual(second.items.map((e) => e.metadata.name), ['storefront']);
  assert.equal(second.pageInfo.nextCursor, undefined);
  const back = await client.queryEntities({ cursor: second.pageInfo.prevCursor });
  assert.deepEqual(back.items.map((e) => e.metadata.name), ['billing']);
  const text = await client.queryEntities({ fullTextFilter: { term: 'store', fields: ['metadata.name', 'metadata.title'] } });
  assert.deepEqual(text.items.map((e) => e.metadata.name), ['storefront']);
  const pages = [];
  for await (const page of client.streamEntities({ filter: { kind: 'component' }, pageSize: 1 })) pages.push(page.map((e) => e.metadata.name));
  assert.deepEqual(pages.flat().sort(), ['billing', 'storefront']);
});

test('predicates: queryEntities, getEntitiesByRefs and getEntityFacets with a query, paged through POST', async () => {
  const production = { $all: [{ kind: 'component' }, { $not: { 'spec.lifecycle': 'experimental' } }] };
  const one = await client.queryEntities({ query: production, fields: ['metadata.name'] });
  assert.equal(one.totalItems, 1);
  assert.deepEqual(one.items, [{ metadata: { name: 'billing' } }]);
  const query = { $any: [{ kind: 'api' }, { 'metadata.tags': { $contains: 'java' } }] };
  const first = await client.queryEntities({ query, limit: 1, orderFields: { field: 'metadata.name', order: 'asc' } });
  assert.equal(first.totalItems, 2);
  assert.deepEqual(first.items.map((e) => e.metadata.name), ['billing']);
  const second = await client.queryEntities({ cursor: first.pageInfo.nextCursor });
  assert.deepEqual(second.items.map((e) => e.metadata.name), ['billing-api'], 'the cursor kept the predicate');
  const prefixed = await client.queryEntities({ query: { 'metadata.name': { $hasPrefix: 'STORE' } } });
  assert.deepEqual(prefixed.items.map((e) => e.metadata.name), ['storefront']);
  const owned = await client.queryEntities({ query: { relations: { $contains: { type: 'ownedBy', targetRef: 'group:default/team-a' } } }, filter: { kind: 'component' } });
  assert.deepEqual(owned.items.map((e) => e.metadata.name).sort(), ['billing', 'storefront'], 'query and filter together');
  const pages = [];
  for await (const page of client.streamEntities({ query: { kind: 'component' }, pageSize: 1 })) pages.push(page.map((e) => e.metadata.name));
  assert.deepEqual(pages.flat().sort(), ['billing', 'storefront']);
  const byRefs = await client.getEntitiesByRefs({ entityRefs: ['component:default/billing', 'component:default/storefront'], query: { 'spec.type': 'website' } });
  assert.deepEqual(byRefs.items.map((e) => e?.metadata.name), [undefined, 'storefront']);
  const { facets } = await client.getEntityFacets({ facets: ['kind'], query: { 'spec.owner': { $exists: true } } });
  assert.deepEqual(facets.kind, [{ value: 'API', count: 1 }, { value: 'Component', count: 2 }]);
  await assert.rejects(client.queryEntities({ query: { kind: { $regex: '.*' } } }), (e) => {
    assert.equal(e.name, 'ResponseError');
    assert.equal(e.body.error.name, 'InputError');
    assert.match(e.body.error.message, /unknown operator \$regex/);
    return true;
  });
});

test('getEntityFacets and getEntityAncestors', async () => {
  const { facets } = await client.getEntityFacets({ facets: ['spec.lifecycle', 'metadata.tags'], filter: { kind: 'component' } });
  assert.deepEqual(facets['spec.lifecycle'], [{ value: 'experimental', count: 1 }, { value: 'production', count: 1 }]);
  assert.deepEqual(facets['metadata.tags'], [{ value: 'java', count: 1 }]);
  const ancestry = await client.getEntityAncestors({ entityRef: 'component:default/billing' });
  assert.ok(ancestry.rootEntityRef.startsWith('location:default/generated-'));
  assert.deepEqual(ancestry.items.map((i) => i.entity.kind), ['Component', 'Location']);
  assert.deepEqual(ancestry.items[0].parentEntityRefs, [ancestry.rootEntityRef]);
});

test('locations: add (dry run and for real), get, by entity, by ref, refresh, query, stream, update, remove', async () => {
  const target = join(dir, 'extra', 'catalog-info.yaml');
  const dry = await client.addLocation({ type: 'file', target, dryRun: true });
  assert.equal(dry.exists, false);
  assert.ok(dry.entities.some((e) => e.metadata.name === 'extra-service'));
  assert.equal(await client.getEntityByRef('component:default/extra-service'), undefined);

  const added = await client.addLocation({ type: 'file', target });
  assert.equal(added.location.target, target);
  assert.deepEqual(added.entities.map((e) => e.metadata.name), ['extra-service']);
  await assert.rejects(client.addLocation({ type: 'file', target }), (e) => e.name === 'ConflictError' || e.response?.status === 409);

  const { items } = await client.getLocations();
  assert.ok(items.some((l) => l.id === added.location.id && l.type === 'file'));
  assert.deepEqual(await client.getLocationById(added.location.id), added.location);
  assert.equal(await client.getLocationById('no-such-id'), undefined);
  assert.deepEqual(await client.getLocationByEntity('component:default/extra-service'), added.location);
  assert.deepEqual(await client.getLocationByRef(`file:${target}`), added.location);

  await client.refreshEntity('component:default/extra-service');

  const queried = await client.queryLocations({ query: { type: 'file', target: { $hasPrefix: join(dir, 'extra') } } });
  assert.deepEqual(queried.items, [added.location]);
  assert.equal(queried.totalItems, 1);
  const streamed = [];
  for await (const page of client.streamLocations({ limit: 1 })) streamed.push(...page);
  assert.equal(streamed.length, 3, 'two config locations and the registered one');

  const movedTarget = join(dir, 'extra', 'moved.yaml');
  const moved = await client.updateLocation(added.location.id, { type: 'file', target: movedTarget });
  assert.deepEqual(moved, { id: added.location.id, type: 'file', target: movedTarget });
  assert.equal((await client.getEntityByRef('component:default/moved-service')).metadata.name, 'moved-service');
  const left = await client.getEntityByRef('component:default/extra-service');
  assert.equal(left.metadata.annotations['backstage.io/orphan'], 'true', 'what only the old target gave is orphaned');

  await client.removeLocationById(added.location.id);
  assert.equal(await client.getEntityByRef('component:default/moved-service'), undefined);
});

test('removeEntityByUid, validateEntity, analyzeLocation, and errors as ResponseError', async () => {
  const ada = await client.getEntityByRef('user:default/ada');
  await client.removeEntityByUid(ada.metadata.uid);
  assert.equal(await client.getEntityByRef('user:default/ada'), undefined);
  await client.refreshEntity('group:default/team-a');
  assert.equal((await client.getEntityByRef('user:default/ada')).metadata.name, 'ada', 'a refresh brings it back');

  const valid = await client.validateEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name: 's' }, spec: { owner: 'team-a' } }, 'url:https://example.com/catalog-info.yaml');
  assert.deepEqual(valid, { valid: true });
  const invalid = await client.validateEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name: 'not valid' }, spec: {} }, 'url:https://example.com/catalog-info.yaml');
  assert.equal(invalid.valid, false);
  assert.equal(invalid.errors.length, 2);

  const analysis = await client.analyzeLocation({ location: { type: 'file', target: join(dir, 'services.yaml') } });
  assert.equal(analysis.existingEntityFiles.length, 3);
  assert.ok(analysis.existingEntityFiles.every((f) => f.isRegistered));

  await assert.rejects(client.getEntities({ filter: { 'a b': 'c' } }), (e) => {
    assert.equal(e.name, 'ResponseError');
    assert.equal(e.body.error.name, 'InputError');
    return true;
  });
});
