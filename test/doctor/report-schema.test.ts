import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/doctor/render-json.js';
import type { Report } from '../../src/doctor/report.js';
import { scanLogsDirectory } from '../../src/ops/logs-scan.js';
import { ROOT } from '../helpers/spawn.js';
import { reportSchemaErrors } from '../helpers/report-schema.js';

const report: Report = {
  command: 'check',
  sections: [
    {
      target: '10.0.0.1:8848',
      data: { ip: '10.0.0.1', port: 8848 },
      findings: [
        { check: 'tcp.client-grpc', status: 'fail', title: 'refused', cause: 'GRPC_PORT_CLOSED', explanation: 'x', fix: 'y', elapsedMs: 0.4, data: { port: 9848, errno: null } },
        { check: 'lint.key', status: 'warn', title: 'old key', location: { file: 'application.properties', line: 3 } },
      ],
    },
  ],
};

function json(value: Report): unknown {
  return JSON.parse(renderJson(value, { version: '0.0.0', now: new Date(0) }));
}

describe('docs/report.schema.json', () => {
  it('accepts the JSON of a report with data maps, and passes section data through', () => {
    const document = json(report) as { sections: { data: unknown }[] };
    expect(reportSchemaErrors(document)).toEqual([]);
    expect(document.sections[0]!.data).toEqual({ ip: '10.0.0.1', port: 8848 });
  });

  it('refuses what the schema rules out, so the validation can fail', () => {
    const document = json(report) as Record<string, unknown> & { sections: { findings: Record<string, unknown>[] }[] };
    document.sections[0]!.findings[0]!.status = 'broken';
    document.sections[0]!.findings[0]!.cause = 'lower case';
    document.sections[0]!.findings[0]!.data = { nested: { no: true } };
    document.extra = true;
    const errors = reportSchemaErrors(document);
    expect(errors.some((line) => line.includes('/sections/0/findings/0/status'))).toBe(true);
    expect(errors.some((line) => line.includes('/sections/0/findings/0/cause'))).toBe(true);
    expect(errors.some((line) => line.includes('/sections/0/findings/0/data/nested'))).toBe(true);
    expect(errors.some((line) => line.includes('"additionalProperty":"extra"'))).toBe(true);
  });

  it('covers the other doctor commands too (logs)', async () => {
    const logs = await scanLogsDirectory(`${ROOT}test/fixtures/nacos-logs/broken`);
    expect(reportSchemaErrors(json(logs))).toEqual([]);
  });
});
