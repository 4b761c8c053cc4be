// JSON values as they cross the native port, and small readers that never trust their shape.
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(o: JsonObject | undefined, key: string, fallback = ''): string {
  const v = o?.[key];
  return typeof v === 'string' ? v : fallback;
}

export function num(o: JsonObject | undefined, key: string, fallback = 0): number {
  const v = o?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function bool(o: JsonObject | undefined, key: string): boolean {
  return o?.[key] === true;
}

export function obj(o: JsonObject | undefined, key: string): JsonObject | undefined {
  const v = o?.[key];
  return isObject(v) ? v : undefined;
}

export function arr(o: JsonObject | undefined, key: string): Json[] {
  const v = o?.[key];
  return Array.isArray(v) ? v : [];
}

export function strings(o: JsonObject | undefined, key: string): string[] {
  return arr(o, key).filter((v): v is string => typeof v === 'string');
}

export function objects(o: JsonObject | undefined, key: string): JsonObject[] {
  return arr(o, key).filter(isObject);
}
