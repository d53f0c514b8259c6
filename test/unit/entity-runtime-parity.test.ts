import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Entity as ElectroEntity } from 'electrodb';
import * as entities from '../../lambdas/model/entities';

/*
 * The entity runtime (lambdas/model/entity-runtime.ts) against ElectroDB itself: for every entity
 * of lambdas/model/entities.ts, the same schema object given to both, each operation the access
 * modules use must build the same request (or both refuse it), and parse must give the same item.
 * This is what lets the functions run without ElectroDB while it stays the schema's reference.
 */

type Json = Record<string, unknown>;
interface AttributeDef { type: string | readonly string[]; required?: boolean; readOnly?: boolean; default?: unknown }
interface Schema {
  model: { entity: string };
  attributes: Record<string, AttributeDef>;
  indexes: Record<string, { pk: { composite: readonly string[] }; sk: { composite: readonly string[] }; condition?: unknown }>;
}
interface Runtime { schema: Schema; bound(b: object): Any }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
const TABLE = 'chat';
const NOW = 1_796_000_000_000;

const all = Object.entries(entities)
  .filter(([, value]) => typeof value === 'object' && value !== null && 'schema' in value)
  .map(([name, value]) => {
    const runtime = value as unknown as Runtime;
    return { name, schema: runtime.schema, ours: runtime.bound({ client, table: TABLE }), theirs: new ElectroEntity(runtime.schema as Any, { client, table: TABLE }) as Any };
  });

/** What an operation gives: its request, or that it was refused. */
function outcome(build: () => unknown): unknown {
  try {
    return { request: build() };
  } catch {
    return 'refused';
  }
}

function sample(name: string, def: AttributeDef): unknown {
  if (Array.isArray(def.type)) return def.type[0];
  switch (def.type) {
    case 'string': return `v-${name}`;
    case 'number': return 7;
    case 'boolean': return true;
    case 'list': return ['a', 'b'];
    case 'set': return ['a', 'b'];
    default: return { nested: { x: 1 } };
  }
}

const full = (schema: Schema): Json => Object.fromEntries(Object.entries(schema.attributes).map(([name, def]) => [name, sample(name, def)]));
const required = (schema: Schema): Json =>
  Object.fromEntries(Object.entries(schema.attributes).filter(([, def]) => def.required && def.default === undefined).map(([name, def]) => [name, sample(name, def)]));
const keyOf = (schema: Schema, item: Json): Json => {
  const { pk, sk } = schema.indexes.primary;
  return Object.fromEntries([...pk.composite, ...sk.composite].map((name) => [name, item[name]]));
};
const primaryComposites = (schema: Schema) => [...schema.indexes.primary.pk.composite, ...schema.indexes.primary.sk.composite];

/** Items worth writing: the full sample, the required attributes only, and each enum value (sparse indexes hang on them). */
function variants(schema: Schema): Json[] {
  const base = full(schema);
  const out = [base, required(schema)];
  for (const [name, def] of Object.entries(schema.attributes)) {
    if (Array.isArray(def.type)) for (const value of def.type) out.push({ ...base, [name]: value });
  }
  // A sparse index whose condition compares two attributes (a reply's threadTs with its ts).
  out.push(Object.fromEntries(Object.entries(base).map(([k, v]) => [k, typeof v === 'string' && !Array.isArray(schema.attributes[k].type) ? 'same' : v])));
  return out;
}

beforeAll(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
});
afterAll(() => jest.restoreAllMocks());

test('every entity of the model is checked', () => {
  expect(all.length).toBeGreaterThanOrEqual(25);
});

describe.each(all)('$name', ({ schema, ours, theirs }) => {
  test('get, put, create and delete build the same requests', () => {
    for (const item of variants(schema)) {
      const key = keyOf(schema, item);
      expect(outcome(() => ours.get(key).params())).toEqual(outcome(() => theirs.get(key).params()));
      expect(outcome(() => ours.put(item).params())).toEqual(outcome(() => theirs.put(item).params()));
      expect(outcome(() => ours.create(item).params())).toEqual(outcome(() => theirs.create(item).params()));
      expect(outcome(() => ours.delete(key).params())).toEqual(outcome(() => theirs.delete(key).params()));
    }
    // A key attribute missing is refused by both.
    const [first] = primaryComposites(schema);
    if (first) expect(outcome(() => ours.get({ ...keyOf(schema, full(schema)), [first]: undefined }).params())).toBe('refused');
  });

  test('values of the wrong type, unknown enum values and missing required attributes are refused', () => {
    const item = full(schema);
    for (const [name, def] of Object.entries(schema.attributes)) {
      if (def.type === 'any') continue;
      const wrong = def.type === 'string' || Array.isArray(def.type) ? 12 : 'twelve';
      expect(outcome(() => ours.put({ ...item, [name]: wrong }).params())).toEqual(outcome(() => theirs.put({ ...item, [name]: wrong }).params()));
      if (def.required && def.default === undefined) {
        const { [name]: _, ...without } = item;
        expect(outcome(() => ours.put(without).params())).toBe('refused');
      }
    }
  });

  test('parse gives the item as a get returns it', () => {
    for (const item of variants(schema)) {
      const written = outcome(() => theirs.put(item).params()) as { request?: { Item: Json } };
      if (!written.request) continue;
      const Item = { ...written.request.Item, somethingElse: 'dropped' };
      expect(ours.parse({ Item })).toEqual(theirs.parse({ Item }));
      expect(ours.parse({ Items: [Item] })).toEqual(theirs.parse({ Items: [Item] }));
      expect(ours.parse({ Attributes: Item })).toEqual(theirs.parse({ Attributes: Item }));
      expect(ours.ownsItem(Item)).toBe(theirs.ownsItem(Item));
    }
    expect(ours.parse({ Item: undefined })).toEqual({ data: null });
  });

  test('update and patch: set, remove, add and delete of each attribute, with index keys kept in step', () => {
    const item = full(schema);
    const key = keyOf(schema, item);
    const keyNames = new Set(primaryComposites(schema));
    const attributes = Object.entries(schema.attributes).filter(([name]) => !keyNames.has(name));
    for (const kind of ['update', 'patch'] as const) {
      for (const [name, def] of attributes) {
        const value = item[name];
        const same = (f: (e: Any) => unknown) => expect(outcome(() => f(ours))).toEqual(outcome(() => f(theirs)));
        same((e) => e[kind](key).set({ [name]: value }).params());
        if (!def.required) same((e) => e[kind](key).set({}).remove([name]).params());
        if (def.type === 'number') same((e) => e[kind](key).add({ [name]: 2 }).params());
        if (def.type === 'set') {
          same((e) => e[kind](key).add({ [name]: ['c'] }).params());
          same((e) => e[kind](key).set({}).delete({ [name]: ['c'] }).params());
        }
      }
      // Everything settable at once (index composites together, so their keys are rebuilt).
      const settable = Object.fromEntries(attributes.filter(([, def]) => !def.readOnly).map(([name]) => [name, item[name]]));
      for (const variant of variants(schema)) {
        const set = Object.fromEntries(Object.keys(settable).map((name) => [name, variant[name] ?? settable[name]]));
        expect(outcome(() => ours[kind](key).set(set).params())).toEqual(outcome(() => theirs[kind](key).set(set).params()));
      }
    }
  });

  test('queries of every index, with the partition only and with the whole sort key', () => {
    const item = full(schema);
    for (const [index, def] of Object.entries(schema.indexes)) {
      const partition = Object.fromEntries(def.pk.composite.map((name) => [name, item[name]]));
      const whole = { ...partition, ...Object.fromEntries(def.sk.composite.map((name) => [name, item[name]])) };
      for (const values of [partition, whole]) {
        expect(outcome(() => ours.query[index](values).params())).toEqual(outcome(() => theirs.query[index](values).params()));
      }
    }
  });
});

describe('conditions as the access modules write them', () => {
  const pick = (name: string) => all.find((e) => e.name === name)!;
  const same = (name: string, f: (e: Any) => unknown) => expect(f(pick(name).ours)).toEqual(f(pick(name).theirs));

  test('eq, lt, gt, exists and notExists', () => {
    same('Channel', (e) => e.patch({ channelId: 'C1' }).set({ archived: true, archivedBy: 'U' }).where((a: Any, { eq }: Any) => eq(a.archived, false)).params());
    same('UploadedFile', (e) => e.delete({ fileId: 'F' }).where((a: Any, { eq }: Any) => `${eq(a.userId, 'U')} AND ${eq(a.status, 'complete')}`).params());
    same('Pin', (e) => e.delete({ channelId: 'C', ts: '1' }).where((a: Any, { exists }: Any) => exists(a.pinnedBy)).params());
    same('CommandResponseUrl', (e) => e.patch({ urlHash: 'h' }).add({ uses: 1 }).where(({ uses, expiresAt }: Any, { lt, gt }: Any) => `${lt(uses, 5)} AND ${gt(expiresAt, 9)}`).params());
    same('App', (e) => e.patch({ teamId: 'T', appId: 'A' }).set({ eventsDisabledAt: 1 }).where(({ eventsDisabledAt }: Any, { notExists }: Any) => notExists(eventsDisabledAt)).params());
  });

  test('a rename rebuilds the sparse index for a public channel and removes it for a private one', () => {
    same('Channel', (e) => e.patch({ channelId: 'C1' }).set({ name: 'x', kind: 'public', teamId: 'T' }).params());
    same('Channel', (e) => e.patch({ channelId: 'C1' }).set({ name: 'x', kind: 'private', teamId: 'T' }).params());
    expect(outcome(() => pick('Channel').ours.patch({ channelId: 'C1' }).set({ name: 'x' }).params())).toBe('refused');
  });
});
