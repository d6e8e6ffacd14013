/** Validates `--json` output against docs/report.schema.json with Ajv (JSON Schema 2020-12). */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ROOT } from './spawn.js';

const schema = JSON.parse(readFileSync(`${ROOT}docs/report.schema.json`, 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
// Ajv leaves formats to ajv-formats; this one is all the schema uses.
ajv.addFormat('date-time', (text: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/.test(text) && !Number.isNaN(Date.parse(text)));
const validate = ajv.compile(schema);

/** The schema errors of a parsed report, as readable lines; empty when it is valid. */
export function reportSchemaErrors(document: unknown): string[] {
  if (validate(document)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}
