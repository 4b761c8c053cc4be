// Generates src/shared/generated/protocol.ts from the control protocol's one description,
// engine/ipc/protocol.json (the C++ validator's tables come from the same file). The extension's
// code uses these types for every request, so a schema change it does not follow fails `tsc`.
//   node scripts/genprotocol.mjs [--schema FILE] [--out FILE]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? resolve(process.argv[i + 1]) : fallback;
};
const schemaPath = arg('--schema', join(here, '../../engine/ipc/protocol.json'));
const outPath = arg('--out', join(here, '../src/shared/generated/protocol.ts'));

const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
if (!Number.isInteger(schema.protocol)) throw new Error(`${schemaPath}: "protocol" must be a whole number`);

const ident = (name) => name.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_, __, c) => c.toUpperCase());
const quote = (s) => JSON.stringify(s);

function fieldType(where, field) {
  switch (field.type) {
    case 'string':
    case 'text':
      return 'string';
    case 'bool':
      return 'boolean';
    case 'count':
      return 'number';
    case 'strings':
      return 'string[]';
    case 'stringMap':
      return 'Record<string, string>';
    case 'enum':
      if (!Array.isArray(field.values) || field.values.length === 0) throw new Error(`${where}: an enum needs values`);
      return field.values.map(quote).join(' | ');
    case 'object':
      if (field.object === undefined) return '{ [key: string]: unknown }';
      if (!schema.objects?.[field.object]) throw new Error(`${where}: no object "${field.object}" is described`);
      return field.object;
    default:
      throw new Error(`${where}: unknown type "${field.type}"`);
  }
}

function body(where, fields) {
  const lines = Object.entries(fields).map(
    ([name, f]) => `  ${/^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name)}${f.required ? '' : '?'}: ${fieldType(`${where}.${name}`, f)};`,
  );
  return lines.length ? `{\n${lines.join('\n')}\n}` : '{}';
}

let out = `// Generated from engine/ipc/protocol.json by scripts/genprotocol.mjs. Do not edit: change the schema.\n\n`;
out += `export const protocolVersion = ${schema.protocol};\n\n`;
// Value sets the engine sends: a const list and its union type (enums.ServiceState ->
// serviceStateValues and ServiceState).
for (const [name, values] of Object.entries(schema.enums ?? {})) {
  if (!Array.isArray(values) || values.length === 0) throw new Error(`enums.${name}: an enum needs values`);
  const list = `${name[0].toLowerCase()}${name.slice(1)}Values`;
  out += `export const ${list} = [${values.map(quote).join(', ')}] as const;\n`;
  out += `export type ${name} = (typeof ${list})[number];\n\n`;
}
for (const [name, fields] of Object.entries(schema.objects ?? {})) {
  for (const [field, f] of Object.entries(fields))
    if (f.type === 'enum') out += `export const ${name[0].toLowerCase()}${name.slice(1)}${ident(field)}Values = [${f.values.map(quote).join(', ')}] as const;\n`;
  out += `export interface ${name} ${body(`objects.${name}`, fields)}\n\n`;
}
for (const group of ['methods', 'hostMethods']) {
  const methods = Object.entries(schema[group] ?? {});
  const mapName = group === 'methods' ? 'MethodParams' : 'HostMethodParams';
  for (const [name, fields] of methods) out += `export interface ${ident(name)}Params ${body(`${group}.${name}`, fields)}\n\n`;
  out += `export interface ${mapName} {\n${methods.map(([name]) => `  ${quote(name)}: ${ident(name)}Params;`).join('\n')}\n}\n\n`;
  out += `export const ${group === 'methods' ? 'appMethods' : 'hostMethods'} = [${methods.map(([n]) => quote(n)).join(', ')}] as const;\n\n`;
}
out += `export type AppMethod = keyof MethodParams;\nexport type HostMethod = keyof HostMethodParams;\n`;
out += `// Everything the extension may send over the native port: the app's methods and the host's own.\n`;
out += `export type AnyMethodParams = MethodParams & HostMethodParams;\nexport type AnyMethod = keyof AnyMethodParams;\n`;

mkdirSync(dirname(outPath), { recursive: true });
let old = '';
try {
  old = readFileSync(outPath, 'utf8');
} catch {
  // first run
}
if (old !== out) writeFileSync(outPath, out);
