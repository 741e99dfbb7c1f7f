import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** Test helpers that hold an emulator's answers against the provider specs vendored in specs/. */
export const SPECS_DIR = path.resolve(__dirname, '..', '..', 'specs');

export interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  oneOf?: Schema[];
  allOf?: Schema[];
}

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export function loadSpec(fileName: string): OpenApiDocument {
  return parse(readFileSync(path.join(SPECS_DIR, fileName), 'utf8')) as OpenApiDocument;
}

/** Every declared operation as `METHOD /path/{param}`. */
export function declaredOperations(doc: OpenApiDocument): Set<string> {
  const operations = new Set<string>();
  for (const [pathTemplate, methods] of Object.entries(doc.paths)) {
    for (const method of Object.keys(methods)) operations.add(`${method.toUpperCase()} ${pathTemplate}`);
  }
  return operations;
}

/** The JSON schema of one declared response (`default` when the status is not listed). */
export function responseSchema(doc: OpenApiDocument, pathTemplate: string, method: string, status: string): Schema {
  const responses = doc.paths[pathTemplate]?.[method.toLowerCase()]?.responses ?? {};
  const schema = (responses[status] ?? responses.default)?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`no JSON schema for ${method} ${pathTemplate} ${status}`);
  return schema;
}

export function componentSchema(doc: OpenApiDocument, name: string): Schema {
  const schema = doc.components?.schemas?.[name];
  if (!schema) throw new Error(`no component schema ${name}`);
  return schema;
}

/**
 * The JSON paths of fields in `value` that `schema` does not declare. A key counts as declared
 * only when it is listed in `properties` (`additionalProperties: true` does not excuse it); an
 * object schema without `properties` is a free-form map whose values are checked against
 * `additionalProperties` when that is a schema.
 */
export function undeclaredFields(value: unknown, schema: Schema, doc: OpenApiDocument, at = '$'): string[] {
  const resolved = resolve(schema, doc);
  if (resolved.oneOf) {
    const attempts = resolved.oneOf.map((option) => undeclaredFields(value, option, doc, at));
    return attempts.find((problems) => problems.length === 0) ?? attempts.flat();
  }
  if (Array.isArray(value)) {
    if (resolved.type && resolved.type !== 'array') return [`${at} (an array where ${resolved.type} is declared)`];
    return resolved.items ? value.flatMap((item, index) => undeclaredFields(item, resolved.items!, doc, `${at}[${index}]`)) : [];
  }
  if (typeof value !== 'object' || value === null) return [];
  if (resolved.type === 'array') return [`${at} (an object where an array is declared)`];
  return Object.entries(value).flatMap(([key, field]) => {
    const declared = resolved.properties?.[key];
    if (declared) return undeclaredFields(field, declared, doc, `${at}.${key}`);
    if (resolved.properties) return [`${at}.${key}`];
    const valueSchema = resolved.additionalProperties;
    return typeof valueSchema === 'object' ? undeclaredFields(field, valueSchema, doc, `${at}.${key}`) : [];
  });
}

function resolve(schema: Schema, doc: OpenApiDocument): Schema {
  // allOf of object schemas: the fields any part declares.
  if (schema.allOf) {
    const parts = schema.allOf.map((part) => resolve(part, doc));
    return { type: 'object', properties: Object.assign({}, ...parts.map((part) => part.properties ?? {})) };
  }
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return resolve(componentSchema(doc, name), doc);
}
