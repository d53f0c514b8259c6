import {
  DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DocumentClient,
} from './document-client';
import type { Entity as ElectroEntity } from 'electrodb';

/*
 * The entities of ./entities.ts at run time. ElectroDB is the schema language and the types (every
 * `EntityItem`, every builder's signature); this module runs the part of its API the access
 * modules call, from the same schema objects, so no function bundle carries ElectroDB (190 KB
 * and most of a cold start; see README "Performance"). test/unit/entity-runtime-parity.test.ts
 * proves each operation's request and each parsed item equal to ElectroDB's own, for every entity.
 *
 * What is here: get / put / create / delete / update / patch (set, add, remove, delete, where) /
 * query.<index> (params, and go over all pages) / parse / ownsItem; defaults, required, read-only
 * and type checks; sparse indexes by `condition`; sets as DynamoDB sets. Nothing else.
 */

type Json = Record<string, unknown>;

interface AttributeDef {
  type: string | readonly string[];
  required?: boolean;
  readOnly?: boolean;
  default?: unknown;
  field?: string;
  items?: unknown;
}

interface KeyDef {
  field: string;
  composite: readonly string[];
  template: string;
}

interface IndexDef {
  index?: string;
  pk: KeyDef;
  sk: KeyDef;
  condition?: (attributes: Json) => boolean;
}

interface Schema {
  model: { entity: string; service: string; version: string };
  attributes: Record<string, AttributeDef>;
  indexes: Record<string, IndexDef>;
}

interface Binding {
  client?: DocumentClient;
  table?: string;
}

const IDENTIFIERS = { entity: '__edb_e__', version: '__edb_v__' } as const;

/** An item or a request the schema refuses: a deterministic failure (a TypeError), never worth a retry. */
export class ItemShapeError extends TypeError {
  override readonly name = 'ItemShapeError';
}

const typeOf = (value: unknown) => (Array.isArray(value) ? 'array' : typeof value);

function checkValue(entity: string, name: string, def: AttributeDef, value: unknown): void {
  const refuse = (why: string) => {
    throw new ItemShapeError(`${entity}.${name}: ${why}`);
  };
  if (Array.isArray(def.type)) {
    if (!(def.type as readonly string[]).includes(value as string)) refuse(`not one of ${(def.type as readonly string[]).join(', ')}`);
    return;
  }
  switch (def.type) {
    case 'string':
    case 'number':
    case 'boolean':
      if (typeof value !== def.type) refuse(`expected ${def.type}, got ${typeOf(value)}`);
      return;
    case 'list':
      if (!Array.isArray(value)) refuse(`expected a list, got ${typeOf(value)}`);
      return;
    default:
      return; // 'set' (a single value is a set of one) and 'any'
  }
}

/** A value as DynamoDB stores it: a set attribute's value (an array, or one value) becomes a set. */
function stored(def: AttributeDef, value: unknown): unknown {
  if (def.type !== 'set' || value instanceof Set) return value;
  return new Set(Array.isArray(value) ? value : [value]);
}

/** Fills a key template (`CH#${channelId}`) from its composite attributes; every one must be given. */
function keyValue(entity: string, key: KeyDef, values: Json): string {
  const missing = key.composite.filter((name) => values[name] === undefined || values[name] === null);
  if (missing.length) throw new ItemShapeError(`${entity}: key attributes missing: ${missing.join(', ')}`);
  return key.template.replace(/\$\{(\w+)\}/g, (_, name: string) => String(values[name]));
}

/**
 * The sort-key condition of a query: equality when every composite is given, otherwise
 * `begins_with` the template up to the first composite not given (nothing when that is empty).
 */
function sortCondition(key: KeyDef, values: Json): { op: 'eq' | 'begins'; value: string } | undefined {
  let prefix = '';
  for (const part of key.template.split(/(\$\{\w+\})/)) {
    const composite = /^\$\{(\w+)\}$/.exec(part)?.[1];
    if (composite === undefined) prefix += part;
    else if (values[composite] !== undefined) prefix += String(values[composite]);
    else return prefix ? { op: 'begins', value: prefix } : undefined;
  }
  return { op: 'eq', value: prefix };
}

/** Builds a condition from ElectroDB's `where` callback: attribute references and operators. */
class ConditionBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private readonly counts = new Map<string, number>();

  constructor(private readonly schema: Schema) {}

  build(callback: (attributes: Json, operations: Json) => string): string {
    const attributes = new Proxy({}, { get: (_, name: string) => ({ name }) });
    const ref = (a: { name: string }) => {
      const field = this.schema.attributes[a.name]?.field ?? a.name;
      this.names[`#${field}`] = field;
      return `#${field}`;
    };
    const value = (a: { name: string }, v: unknown) => {
      const n = this.counts.get(a.name) ?? 0;
      this.counts.set(a.name, n + 1);
      this.values[`:${a.name}${n}`] = v;
      return `:${a.name}${n}`;
    };
    const compare = (op: string) => (a: { name: string }, v: unknown) => `${ref(a)} ${op} ${value(a, v)}`;
    const operations = {
      eq: compare('='), ne: compare('<>'), lt: compare('<'), lte: compare('<='), gt: compare('>'), gte: compare('>='),
      exists: (a: { name: string }) => `attribute_exists(${ref(a)})`,
      notExists: (a: { name: string }) => `attribute_not_exists(${ref(a)})`,
      begins: (a: { name: string }, v: unknown) => `begins_with(${ref(a)}, ${value(a, v)})`,
      contains: (a: { name: string }, v: unknown) => `contains(${ref(a)}, ${value(a, v)})`,
    };
    return callback(attributes as Json, operations as unknown as Json);
  }
}

const EXISTS = 'attribute_exists(#pk) AND attribute_exists(#sk)';
const NOT_EXISTS = 'attribute_not_exists(#pk) AND attribute_not_exists(#sk)';

class RuntimeEntity {
  private readonly primary: IndexDef;
  private readonly secondary: Array<[string, IndexDef]>;
  readonly query: Record<string, (values: Json) => { params: () => Json; go: (options?: { pages?: 'all' }) => Promise<{ data: Json[] }> }>;

  constructor(
    private readonly schema: Schema,
    private readonly binding: Binding = {},
  ) {
    this.primary = schema.indexes.primary;
    this.secondary = Object.entries(schema.indexes).filter(([name]) => name !== 'primary');
    this.query = Object.fromEntries(
      Object.entries(schema.indexes).map(([name, index]) => [name, (values: Json) => this.queryOn(index, values)]),
    );
  }

  /** The same entity on a client and a table (ElectroDB's Service does this for its entities). */
  bound(binding: Binding): RuntimeEntity {
    return new RuntimeEntity(this.schema, binding);
  }

  private get entity() {
    return this.schema.model.entity;
  }

  private get table(): string {
    if (!this.binding.table) throw new ItemShapeError(`${this.entity}: no table bound`);
    return this.binding.table;
  }

  private get client(): DocumentClient {
    if (!this.binding.client) throw new ItemShapeError(`${this.entity}: no client bound`);
    return this.binding.client;
  }

  private keyOf(values: Json): Json {
    return {
      [this.primary.pk.field]: keyValue(this.entity, this.primary.pk, values),
      [this.primary.sk.field]: keyValue(this.entity, this.primary.sk, values),
    };
  }

  private identifiers(): Json {
    return { [IDENTIFIERS.entity]: this.entity, [IDENTIFIERS.version]: this.schema.model.version };
  }

  ownsItem(item: Json): boolean {
    return item?.[IDENTIFIERS.entity] === this.entity && item?.[IDENTIFIERS.version] === this.schema.model.version;
  }

  /** An item as its entity reads it: the schema's attributes only, sets as arrays. */
  private format(item: Json): Json {
    const out: Json = {};
    for (const [name, def] of Object.entries(this.schema.attributes)) {
      const value = item[def.field ?? name];
      if (value === undefined) continue;
      out[name] = def.type === 'set' && value instanceof Set ? [...value] : value;
    }
    return out;
  }

  /** A raw read (`Item` of a get, `Items` of a query, `Attributes` of an update) as its entity reads it. */
  parse(input: { Item?: Json; Items?: Json[]; Attributes?: Json }): { data: Json | Json[] | null } {
    if (input.Items) return { data: input.Items.map((item) => this.format(item)) };
    const item = input.Item ?? input.Attributes;
    return { data: item ? this.format(item) : null };
  }

  /** The item a put writes: defaults, checks, keys (sparse indexes by their condition) and identifiers. */
  private itemFor(input: Json): Json {
    const attributes: Json = {};
    for (const [name, def] of Object.entries(this.schema.attributes)) {
      let value = input[name];
      if (value === undefined && def.default !== undefined) value = typeof def.default === 'function' ? (def.default as () => unknown)() : def.default;
      if (value === undefined) {
        if (def.required) throw new ItemShapeError(`${this.entity}.${name}: required`);
        continue;
      }
      checkValue(this.entity, name, def, value);
      attributes[name] = value;
    }
    const item: Json = {};
    for (const [name, value] of Object.entries(attributes)) item[this.schema.attributes[name].field ?? name] = stored(this.schema.attributes[name], value);
    Object.assign(item, this.keyOf(attributes));
    for (const [, index] of this.secondary) {
      if (index.condition && !index.condition(attributes)) continue;
      item[index.pk.field] = keyValue(this.entity, index.pk, attributes);
      item[index.sk.field] = keyValue(this.entity, index.sk, attributes);
    }
    return Object.assign(item, this.identifiers());
  }

  /** A put (`put` or `create`): its request, and sending it answers the item as written. */
  private putOperation(params: () => Json) {
    return {
      params,
      go: async () => {
        const request = params();
        await this.client.send(new PutCommand(request as never));
        return { data: this.format(request.Item as Json) };
      },
    };
  }

  get(key: Json) {
    const params = () => ({ Key: this.keyOf(key), TableName: this.table });
    return {
      params,
      go: async (options: { consistent?: boolean } = {}) => {
        const out = await this.client.send(new GetCommand({ ...params(), ...(options.consistent ? { ConsistentRead: true } : {}) } as never));
        return { data: out.Item ? this.format(out.Item as Json) : null };
      },
    };
  }

  put(input: Json) {
    return this.putOperation(() => ({ Item: this.itemFor(input), TableName: this.table }));
  }

  /** A put that fails when the item exists. */
  create(input: Json) {
    return this.putOperation(() => ({ Item: this.itemFor(input), TableName: this.table, ConditionExpression: NOT_EXISTS, ExpressionAttributeNames: this.keyNames() }));
  }

  private keyNames(): Record<string, string> {
    return { '#pk': this.primary.pk.field, '#sk': this.primary.sk.field };
  }

  delete(key: Json) {
    let where: ((a: Json, o: Json) => string) | undefined;
    const params = (): Json => {
      const base: Json = { Key: this.keyOf(key), TableName: this.table };
      if (!where) return base;
      const condition = new ConditionBuilder(this.schema);
      const expression = condition.build(where);
      return { ...base, ConditionExpression: expression, ExpressionAttributeNames: condition.names, ...(Object.keys(condition.values).length ? { ExpressionAttributeValues: condition.values } : {}) };
    };
    const op = {
      where: (callback: (a: Json, o: Json) => string) => {
        where = callback;
        return op;
      },
      params,
      go: async () => {
        await this.client.send(new DeleteCommand(params() as never));
        return { data: null };
      },
    };
    return op;
  }

  /** An update that creates the item when missing (ElectroDB's `update`). */
  update(key: Json) {
    return this.updater(key, false);
  }

  /** An update of an item that must exist (ElectroDB's `patch`). */
  patch(key: Json) {
    return this.updater(key, true);
  }

  private updater(key: Json, mustExist: boolean) {
    const sets: Json = {};
    const adds: Json = {};
    const deletes: Json = {};
    const removes: string[] = [];
    let where: ((a: Json, o: Json) => string) | undefined;
    const primaryComposites = [...this.primary.pk.composite, ...this.primary.sk.composite];
    const defOf = (name: string) => {
      const def = this.schema.attributes[name];
      if (!def) throw new ItemShapeError(`${this.entity}.${name}: not an attribute`);
      if (def.readOnly) throw new ItemShapeError(`${this.entity}.${name}: read-only`);
      if (primaryComposites.includes(name)) throw new ItemShapeError(`${this.entity}.${name}: part of the key`);
      return def;
    };

    const params = (): Json => {
      const names: Record<string, string> = mustExist ? this.keyNames() : {};
      const values: Json = {};
      let condition = mustExist ? EXISTS : '';
      if (where) {
        const built = new ConditionBuilder(this.schema);
        const expression = built.build(where);
        Object.assign(names, built.names);
        Object.assign(values, built.values);
        condition = condition ? `${condition} AND ${expression}` : expression;
      }
      const placeholder = (field: string, value: unknown) => {
        names[`#${field}`] = field;
        values[`:${field}_u0`] = value;
        return `#${field} = :${field}_u0`;
      };
      const setParts: string[] = [];
      for (const [name, value] of Object.entries(sets)) {
        if (value === undefined) continue;
        const def = defOf(name);
        checkValue(this.entity, name, def, value);
        setParts.push(placeholder(def.field ?? name, stored(def, value)));
      }
      const removeParts: string[] = [];
      for (const name of removes) {
        const def = defOf(name);
        if (def.required) throw new ItemShapeError(`${this.entity}.${name}: required, cannot be removed`);
        const field = def.field ?? name;
        names[`#${field}`] = field;
        removeParts.push(`#${field}`);
      }
      // A secondary key follows the attributes it is made of: rebuilt when any of them is set (all
      // of them must be known then). A sparse index's two keys move together: both rebuilt, or
      // both removed when its condition no longer holds.
      const known = { ...key, ...sets };
      for (const [name, index] of this.secondary) {
        const isSet = (k: KeyDef) => k.composite.some((c) => sets[c] !== undefined);
        const touched = index.condition ? (isSet(index.pk) || isSet(index.sk) ? [index.pk, index.sk] : []) : [index.pk, index.sk].filter(isSet);
        if (!touched.length) continue;
        const missing = touched.flatMap((k) => k.composite).filter((c) => known[c] === undefined);
        if (missing.length) throw new ItemShapeError(`${this.entity}: updating index ${index.index ?? name} needs ${missing.join(', ')}`);
        const holds = !index.condition || index.condition(known);
        for (const k of touched) {
          if (holds) setParts.push(placeholder(k.field, keyValue(this.entity, k, known)));
          else {
            names[`#${k.field}`] = k.field;
            removeParts.push(`#${k.field}`);
          }
        }
      }
      for (const name of primaryComposites) setParts.push(placeholder(this.schema.attributes[name].field ?? name, key[name]));
      for (const [field, value] of Object.entries(this.identifiers())) setParts.push(placeholder(field, value));
      const pairs = (source: Json) =>
        Object.entries(source).map(([name, value]) => {
          const def = defOf(name);
          const field = def.field ?? name;
          names[`#${field}`] = field;
          values[`:${field}_u0`] = stored(def, value);
          return `#${field} :${field}_u0`;
        });
      const addParts = pairs(adds);
      const deleteParts = pairs(deletes);
      const clauses = [
        `SET ${setParts.join(', ')}`,
        removeParts.length ? `REMOVE ${removeParts.join(', ')}` : '',
        addParts.length ? `ADD ${addParts.join(', ')}` : '',
        deleteParts.length ? `DELETE ${deleteParts.join(', ')}` : '',
      ].filter(Boolean);
      return {
        UpdateExpression: clauses.join(' '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        TableName: this.table,
        Key: this.keyOf(key),
        ...(condition ? { ConditionExpression: condition } : {}),
      };
    };

    const builder = {
      set: (attributes: Json) => (Object.assign(sets, attributes), builder),
      add: (attributes: Json) => (Object.assign(adds, attributes), builder),
      delete: (attributes: Json) => (Object.assign(deletes, attributes), builder),
      remove: (attributes: string[]) => (removes.push(...attributes), builder),
      where: (callback: (a: Json, o: Json) => string) => ((where = callback), builder),
      params,
      go: async (options: { response?: 'all_new' } = {}) => {
        const out = await this.client.send(new UpdateCommand({ ...params(), ...(options.response === 'all_new' ? { ReturnValues: 'ALL_NEW' } : {}) } as never));
        return { data: out.Attributes ? this.format(out.Attributes as Json) : {} };
      },
    };
    return builder;
  }

  private queryOn(index: IndexDef, values: Json) {
    const params = (): Json => {
      const names: Record<string, string> = { '#pk': index.pk.field };
      const keyValues: Json = { ':pk': keyValue(this.entity, index.pk, values) };
      let expression = '#pk = :pk';
      const sort = sortCondition(index.sk, values);
      if (sort) {
        names['#sk1'] = index.sk.field;
        keyValues[':sk1'] = sort.value;
        expression += sort.op === 'eq' ? ' and #sk1 = :sk1' : ' and begins_with(#sk1, :sk1)';
      }
      return {
        KeyConditionExpression: expression,
        TableName: this.table,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: keyValues,
        ...(index.index ? { IndexName: index.index } : {}),
      };
    };
    return {
      params,
      /** Every page (the only way the access modules read through a query here); this entity's items only. */
      go: async () => {
        const data: Json[] = [];
        let start: Json | undefined;
        do {
          const out = await this.client.send(new QueryCommand({ ...params(), ExclusiveStartKey: start } as never));
          for (const item of (out.Items ?? []) as Json[]) if (this.ownsItem(item)) data.push(this.format(item));
          start = out.LastEvaluatedKey as Json | undefined;
        } while (start);
        return { data };
      },
    };
  }
}

/** ElectroDB's `Entity` as its types declare it, run by this module. */
export const Entity = RuntimeEntity as unknown as typeof ElectroEntity;

/** The entities on one client and table, as ElectroDB's `Service` gives them (`.entities`). */
export function bindEntities<E extends Record<string, object>>(entities: E, binding: { client: DocumentClient; table: string }): { entities: E } {
  return {
    entities: Object.fromEntries(Object.entries(entities).map(([name, entity]) => [name, (entity as unknown as RuntimeEntity).bound(binding)])) as E,
  };
}
