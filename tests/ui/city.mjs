// Test cities for the browser tests: a lattice of grids with jittered inner corners (so
// that they look like real grids, yet share every edge: no gaps, no overlaps), grouped
// into communities and streets whose polygons are the exact unions of their grids, and a
// workers file with an A post and a B post for every grid.
import fs from 'node:fs';

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高';
const GIVEN = ['芳', '强', '敏', '静', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明', '超', '秀英', '华', '平', '刚', '桂英', '建华'];

function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

// options: cols, rows, origin [lon, lat], cell [dlon, dlat], jitter (share of a cell),
// community(col, row) → key, street(communityKey) → key, names (streetName(i),
// communityName(i), gridName(n, community), workerName(k)), seed.
export function buildCity(o) {
  const rnd = prng(o.seed ?? 7);
  const [lon0, lat0] = o.origin ?? [118.3, 24.6];
  const [dx, dy] = o.cell ?? [0.012, 0.01];
  const jitter = o.jitter ?? 0.18;
  const vertex = [];
  for (let i = 0; i <= o.cols; i++) {
    vertex.push([]);
    for (let j = 0; j <= o.rows; j++) {
      const inner = i > 0 && i < o.cols && j > 0 && j < o.rows;
      const jx = inner ? (rnd() * 2 - 1) * jitter * dx : 0;
      const jy = inner ? (rnd() * 2 - 1) * jitter * dy : 0;
      vertex[i].push([round(lon0 + i * dx + jx), round(lat0 + j * dy + jy)]);
    }
  }
  const district = o.district ?? { code: '350299', name: '翔安区（测试）' };
  const cells = [];
  for (let r = 0; r < o.rows; r++) for (let c = 0; c < o.cols; c++) cells.push({ c, r, community: o.community(c, r) });
  // Codes follow the administrative division codes: district, street (3), community (3), grid (2).
  const communityKeys = [...new Set(cells.map((x) => x.community))];
  const streetKeys = [...new Set(communityKeys.map((k) => o.street(k)))];
  const streets = streetKeys.map((k, i) => ({ key: k, code: `${district.code}${pad(i + 1, 3)}`, name: o.streetName?.(i) ?? `测试${i + 1}街道`, level: 'street' }));
  const streetByKey = new Map(streets.map((s) => [s.key, s]));
  const perStreet = new Map();
  const communities = communityKeys.map((k) => {
    const s = streetByKey.get(o.street(k));
    const n = (perStreet.get(s.code) ?? 0) + 1;
    perStreet.set(s.code, n);
    const index = communityKeys.indexOf(k);
    return { key: k, code: `${s.code}${pad(n, 3)}`, name: o.communityName?.(index) ?? `测试${index + 1}社区`, level: 'community', street: s };
  });
  const communityByKey = new Map(communities.map((c) => [c.key, c]));
  const perCommunity = new Map();
  for (const cell of cells) {
    const com = communityByKey.get(cell.community);
    const n = (perCommunity.get(com.code) ?? 0) + 1;
    perCommunity.set(com.code, n);
    cell.code = `${com.code}${pad(n, 2)}`;
    cell.name = o.gridName?.(n, com) ?? `第${n}网格`;
    cell.com = com;
    cell.ring = [vertex[cell.c][cell.r], vertex[cell.c + 1][cell.r], vertex[cell.c + 1][cell.r + 1], vertex[cell.c][cell.r + 1], vertex[cell.c][cell.r]];
    cell.population = 1100 + Math.floor(rnd() * 800);
    cell.centre = centre(cell.ring);
  }
  const union = (members) => ({ type: 'Polygon', coordinates: [unionRing(members, vertex)] });
  const features = [
    feature({ code: district.code, name: district.name, level: 'district' }, union(cells)),
    ...streets.map((s) => feature({ code: s.code, name: s.name, level: 'street', parent: district.code },
      union(cells.filter((x) => x.com.street === s)))),
    ...communities.map((c) => feature({ code: c.code, name: c.name, level: 'community', parent: c.street.code },
      union(cells.filter((x) => x.com === c)))),
    ...cells.map((x) => feature({ code: x.code, name: x.name, level: 'grid', parent: x.com.code, population: x.population },
      { type: 'Polygon', coordinates: [x.ring] })),
  ];
  // Workers: the owner of each grid (A post) is the backup (B post) of the next grid of the
  // same community; every community also has one worker without a post, for its pool.
  const workers = [];
  let w = 0;
  for (const com of communities) {
    const mine = cells.filter((x) => x.com === com);
    const ids = mine.map(() => `W${pad(++w, 4)}`);
    mine.forEach((x, i) => {
      x.owner = { id: ids[i], name: nameOf(w - mine.length + i) };
      x.backup = ids[(i + 1) % ids.length];
    });
    for (const [i, x] of mine.entries())
      workers.push({ id: x.owner.id, name: x.owner.name, community: com.code, owner_of: [x.code],
        backup_of: mine.length > 1 ? [mine[(i - 1 + mine.length) % mine.length].code] : [] });
    workers.push({ id: `W${pad(++w, 4)}`, name: nameOf(w - 1), community: com.code, owner_of: [], backup_of: [] });
  }
  function nameOf(k) {
    if (o.workerName) return o.workerName(k);
    return `${SURNAMES[k % SURNAMES.length]}${GIVEN[Math.floor(k / SURNAMES.length) % GIVEN.length]}`;
  }
  return { district, streets, communities, cells, workers, geojson: { type: 'FeatureCollection', features } };
}

export function writeCity(city, geojsonPath, csvPath) {
  fs.writeFileSync(geojsonPath, JSON.stringify(city.geojson));
  const lines = ['worker_id,name,phone,community,owner_of,backup_of'];
  city.workers.forEach((w, i) => lines.push([w.id, w.name, `139${pad(10000000 + i, 8)}`, w.community, w.owner_of.join(';'), w.backup_of.join(';')].join(',')));
  fs.writeFileSync(csvPath, lines.join('\n') + '\n');
}

// The small city of the flow test: 15 grids in 5 columns and 3 rows; street 1 holds the
// two western columns (one community), street 2 the rest (two communities). The map's
// centre falls in the grid of column 2, row 1.
export function smallCity() {
  return buildCity({
    cols: 5, rows: 3, seed: 11,
    community: (c, r) => (c < 2 ? 'west' : r < 2 ? 'east' : 'north'),
    street: (k) => (k === 'west' ? 's1' : 's2'),
    streetName: (i) => ['新店街道', '马巷街道'][i],
    communityName: (i) => ['洪前社区', '桐梓社区', '琼头社区'][i],
  });
}

// The small city's lattice with names that are markup (`payload(what)`, e.g. an <img>
// with an onerror handler): each street, community, the grids of the centre column and
// every worker. CSV needs no quoting as long as the payload holds no comma or quote.
export function hostileCity(payload) {
  return buildCity({
    cols: 5, rows: 3, seed: 11,
    community: (c, r) => (c < 2 ? 'west' : r < 2 ? 'east' : 'north'),
    street: (k) => (k === 'west' ? 's1' : 's2'),
    streetName: (i) => payload(`街道${i + 1}`),
    communityName: (i) => payload(`社区${i + 1}`),
    gridName: (n) => payload(`网格${n}`),
    workerName: (k) => payload(`网格员${k + 1}`),
  });
}

// A district of the demo's size: 550 grids, 99 communities, 9 streets.
export function bigCity() {
  return buildCity({
    cols: 25, rows: 22, seed: 5, cell: [0.008, 0.007], origin: [118.18, 24.55],
    community: (c, r) => `${Math.floor(c / 3)}:${Math.floor(r / 2)}`,
    street: (k) => {
      const [a, b] = k.split(':').map(Number);
      return `${Math.floor(a / 3)}:${Math.floor(b / 4)}`;
    },
  });
}

function feature(properties, geometry) {
  return { type: 'Feature', properties, geometry };
}

// The outline of a set of cells: every cell edge whose reverse is not also there, chained.
function unionRing(members, vertex) {
  const key = (i, j) => `${i},${j}`;
  const edges = new Map();
  for (const { c, r } of members) {
    const corners = [[c, r], [c + 1, r], [c + 1, r + 1], [c, r + 1]];
    for (let k = 0; k < 4; k++) {
      const [a, b] = [corners[k], corners[(k + 1) % 4]];
      const back = `${key(...b)}>${key(...a)}`;
      if (edges.has(back)) edges.delete(back);
      else edges.set(`${key(...a)}>${key(...b)}`, [a, b]);
    }
  }
  const next = new Map();
  for (const [a, b] of edges.values()) next.set(key(...a), b);
  const [start] = edges.values().next().value;
  const ring = [start];
  let at = next.get(key(...start));
  for (let guard = 0; at && key(...at) !== key(...start) && guard < 100000; guard++) {
    ring.push(at);
    at = next.get(key(...at));
  }
  ring.push(start);
  return ring.map(([i, j]) => vertex[i][j]);
}

function centre(ring) {
  let x = 0, y = 0;
  for (const p of ring.slice(0, -1)) { x += p[0]; y += p[1]; }
  return [x / (ring.length - 1), y / (ring.length - 1)];
}

const pad = (n, w) => String(n).padStart(w, '0');
const round = (v) => Math.round(v * 1e7) / 1e7;
