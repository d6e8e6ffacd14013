import { describe, expect, it } from 'vitest';
import { exitCodeOf, worstStatus, type Report } from '../../src/doctor/report.js';
import { REPORT_SCHEMA, renderJson } from '../../src/doctor/render-json.js';
import { renderText, textStyleFor } from '../../src/doctor/render-text.js';

const report: Report = {
  command: 'check',
  sections: [
    {
      target: '10.0.0.1:8848',
      findings: [
        { check: 'tcp.main', status: 'ok', title: 'TCP 8848 open', evidence: '0.4 ms' },
        {
          check: 'tcp.client-grpc',
          status: 'fail',
          title: 'TCP 9848 refused',
          cause: 'GRPC_PORT_CLOSED',
          explanation: 'clients dial P+1000 for gRPC',
          fix: 'forward 9848 as TCP:\nstream { ... }',
        },
      ],
    },
  ],
  summary: [{ check: 'summary', status: 'warn', title: 'one member only' }],
};

describe('report', () => {
  it('takes the worst status and maps it to the exit code', () => {
    expect(worstStatus([])).toBe('ok');
    expect(worstStatus([{ check: 'a', status: 'skipped', title: '' }, { check: 'b', status: 'warn', title: '' }])).toBe('warn');
    expect(exitCodeOf(report)).toBe(1);
    expect(exitCodeOf({ command: 'x', sections: [], summary: [{ check: 'a', status: 'warn', title: '' }] })).toBe(0);
  });

  it('renders text without colour when not on a TTY', () => {
    const text = renderText(report, textStyleFor({ isTTY: false }, {}));
    expect(text).not.toContain('\u001b[');
    expect(text).toContain('[ok  ] TCP 8848 open  (0.4 ms)');
    expect(text).toContain('[FAIL] TCP 9848 refused');
    expect(text).toContain('cause: clients dial P+1000 for gRPC');
    expect(text).toContain('fix:   forward 9848 as TCP:\n                stream { ... }');
  });

  it('honours NO_COLOR and colours a TTY otherwise', () => {
    expect(textStyleFor({ isTTY: true }, { NO_COLOR: '1' }).color).toBe(false);
    expect(textStyleFor({ isTTY: true }, {}).color).toBe(true);
    expect(renderText(report, { color: true })).toContain('\u001b[31mFAIL\u001b[0m');
  });

  it('renders the versioned JSON document', () => {
    const json = JSON.parse(renderJson(report, { version: '1.2.3', now: new Date(0) }));
    expect(json).toMatchObject({
      schema: REPORT_SCHEMA,
      tool: { name: 'nacos-doctor', version: '1.2.3' },
      command: 'check',
      generatedAt: '1970-01-01T00:00:00.000Z',
      status: 'fail',
      exitCode: 1,
    });
    expect(json.sections[0].status).toBe('fail');
    expect(json.sections[0].findings[1]).toEqual(report.sections[0]!.findings[1]);
    expect(json.summary).toHaveLength(1);
  });
});
