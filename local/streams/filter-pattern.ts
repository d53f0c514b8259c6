/*
 * EventBridge-style event filtering as Lambda applies it to event source records
 * (FilterCriteria.Filters[].Pattern): a record passes when it matches at least one pattern.
 * Supported: exact values, prefix, suffix, equals-ignore-case, exists, anything-but (value, list
 * or prefix), numeric comparisons, and $or.
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function matchesAnyPattern(event: unknown, patterns: unknown[]): boolean {
  return patterns.length === 0 || patterns.some((pattern) => matchesPattern(event, pattern));
}

export function matchesPattern(event: unknown, pattern: unknown): boolean {
  if (!isRecord(pattern)) throw new Error(`filter pattern must be an object: ${JSON.stringify(pattern)}`);
  return Object.entries(pattern).every(([key, rule]) => {
    if (key === '$or') {
      if (!Array.isArray(rule)) throw new Error('$or takes an array of patterns');
      return rule.some((sub) => matchesPattern(event, sub));
    }
    const value = isRecord(event) ? event[key] : undefined;
    if (isRecord(rule)) return matchesPattern(value, rule);
    if (!Array.isArray(rule)) throw new Error(`filter rule for ${key} must be an array or an object`);
    return matchesField(value, rule as Json[]);
  });
}

/** A leaf: the field (or, when the field is an array, any of its elements) matches any of the rules. */
function matchesField(value: unknown, rules: Json[]): boolean {
  return rules.some((rule) => {
    if (isRecord(rule) && 'exists' in rule) return (value !== undefined) === (rule.exists === true);
    if (value === undefined) return false;
    const values = Array.isArray(value) ? value : [value];
    return values.some((v) => matchesRule(v, rule));
  });
}

function matchesRule(value: unknown, rule: Json): boolean {
  if (!isRecord(rule)) return value === rule;
  if ('prefix' in rule) return typeof value === 'string' && typeof rule.prefix === 'string' && value.startsWith(rule.prefix);
  if ('suffix' in rule) return typeof value === 'string' && typeof rule.suffix === 'string' && value.endsWith(rule.suffix);
  if ('equals-ignore-case' in rule) {
    return typeof value === 'string' && typeof rule['equals-ignore-case'] === 'string' && value.toLowerCase() === rule['equals-ignore-case'].toLowerCase();
  }
  if ('anything-but' in rule) {
    const but = rule['anything-but'];
    if (isRecord(but)) return !matchesRule(value, but);
    return !(Array.isArray(but) ? but : [but]).includes(value as Json);
  }
  if ('numeric' in rule) return typeof value === 'number' && matchesNumeric(value, rule.numeric);
  throw new Error(`unsupported filter rule: ${JSON.stringify(rule)}`);
}

function matchesNumeric(value: number, spec: Json): boolean {
  if (!Array.isArray(spec) || spec.length % 2 !== 0) throw new Error(`bad numeric rule: ${JSON.stringify(spec)}`);
  for (let i = 0; i < spec.length; i += 2) {
    const [op, bound] = [spec[i], Number(spec[i + 1])];
    const ok = op === '=' ? value === bound : op === '<' ? value < bound : op === '<=' ? value <= bound : op === '>' ? value > bound : op === '>=' ? value >= bound : null;
    if (ok === null) throw new Error(`bad numeric operator ${String(op)}`);
    if (!ok) return false;
  }
  return true;
}
