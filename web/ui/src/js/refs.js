// Reference data every screen needs to put names to codes: categories, workers,
// jurisdictions (streets and communities) and grids.
import { api } from './api.js';

export async function loadRefs({ grids = true } = {}) {
  const [categories, workers, jurisdictions, gridsGeo] = await Promise.all([
    api('/api/v1/categories'),
    api('/api/v1/workers'),
    api('/api/v1/jurisdictions'),
    // The shapes are kept by the browser and revalidated (ETag): unchanged, they cost a 304.
    grids ? api('/api/v1/grids', { cache: 'no-cache' }) : Promise.resolve({ features: [] }),
  ]);
  const refs = {
    categories: new Map(categories.categories.map((c) => [c.id, c])),
    workers: new Map(workers.workers.map((w) => [w.id, w])),
    jurisdictions: new Map(jurisdictions.jurisdictions.map((j) => [j.code, j])),
    grids: new Map(gridsGeo.features.map((f) => [String(f.id), f.properties])),
    gridsGeo,
  };
  refs.workerName = (id) => (id ? refs.workers.get(id)?.name || id : null);
  refs.areaName = (code) => (code ? refs.jurisdictions.get(code)?.name || refs.grids.get(code)?.name || code : null);
  refs.streets = () => [...refs.jurisdictions.values()].filter((j) => j.level === 'street');
  refs.communities = (street) =>
    [...refs.jurisdictions.values()].filter((j) => j.level === 'community' && (!street || j.parent === street));
  return refs;
}
