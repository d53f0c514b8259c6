import { BINDINGS, checkNumber, NUMBER_SETTINGS, TEXT_SETTINGS, type NumberSettingName, type TextSettingName } from './settings';

/*
 * Typed reads of the settings in ./settings.ts. Read once at module load where a module keeps the
 * value: a missing binding or a value out of bounds fails the cold start, not a request.
 */

const raw = (name: string): string | undefined => {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
};

/** A number setting: its variable when set, else its default; out of bounds throws. */
export function numberSetting(name: NumberSettingName): number {
  const value = raw(NUMBER_SETTINGS[name].env);
  if (value === undefined) return NUMBER_SETTINGS[name].default;
  return checkNumber(name, Number(value));
}

/** A text setting: its variable when set, else its default. */
export function textSetting(name: TextSettingName): string {
  return raw(TEXT_SETTINGS[name].env) ?? TEXT_SETTINGS[name].default;
}

/** A binding the infrastructure sets (a table name, an endpoint); missing throws. */
export function binding(name: keyof typeof BINDINGS): string {
  const value = raw(BINDINGS[name]);
  if (value === undefined) throw new Error(`missing environment variable ${BINDINGS[name]}`);
  return value;
}

/** A variable outside the settings (the SDK's own, the local cloud's), or undefined. */
export const optionalVariable = raw;
