// A bad configuration stops the start and `docgate config check` with `file:line: field: vi / en` and
// exit code 2; a good one passes.

import { expect } from 'chai';
import { writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { runCli } from '../helpers/child.js';

function write(env: TestEnv, file: string, text: string): void {
  writeFileSync(path.join(env.configDir, file), text);
}

const GOOD_AGENCIES = `agencies:
  - id: 000.00.00.H27
    name: Ủy ban nhân dân tỉnh Hà Tĩnh
    domain: ubnd.hatinh.gov.vn
    addresses: [vanthu@ubnd.hatinh.gov.vn]
    leaders: []
    relay: null
`;

interface Case {
  name: string;
  file: 'docgate.yaml' | 'agencies.yaml' | 'policy.yaml';
  text?: string;
  remove?: boolean;
  expect: RegExp;
}

const CASES: Case[] = [
  {
    name: 'YAML syntax error',
    file: 'agencies.yaml',
    text: 'agencies:\n  - id: [unclosed\n',
    expect: /agencies\.yaml:\d+: lỗi cú pháp YAML: .* \/ YAML syntax error: /,
  },
  { name: 'missing file', file: 'policy.yaml', remove: true, expect: /policy\.yaml:0: không tìm thấy tệp cấu hình \/ configuration file not found/ },
  {
    name: 'invalid agency identifier',
    file: 'agencies.yaml',
    text: GOOD_AGENCIES.replace('000.00.00.H27', '00.00.H27'),
    expect: /agencies\.yaml:2: agencies\[0\]\.id: mã định danh phải có dạng NNN\.NN\.NN\.XNN .* \/ agency identifier must look like NNN\.NN\.NN\.XNN/,
  },
  {
    name: 'duplicate agency identifier',
    file: 'agencies.yaml',
    text: GOOD_AGENCIES + GOOD_AGENCIES.replace('agencies:\n', '').replace('ubnd.hatinh', 'khac.hatinh').replace('vanthu@ubnd', 'vanthu@khac'),
    expect: /agencies\.yaml:8: agencies\[1\]\.id: mã định danh trùng với cơ quan thứ 1 \/ duplicate agency identifier/,
  },
  {
    name: 'missing required field',
    file: 'agencies.yaml',
    text: GOOD_AGENCIES.replace('    domain: ubnd.hatinh.gov.vn\n', ''),
    expect: /agencies\.yaml:2: agencies\[0\]\.domain: thiếu trường bắt buộc \/ required field is missing/,
  },
  {
    name: 'invalid e-mail address',
    file: 'agencies.yaml',
    text: GOOD_AGENCIES.replace('[vanthu@ubnd.hatinh.gov.vn]', '[not-an-address]'),
    expect: /agencies\.yaml:5: agencies\[0\]\.addresses\[0\]: địa chỉ thư không hợp lệ \/ invalid e-mail address/,
  },
  {
    name: 'unknown key',
    file: 'docgate.yaml',
    text: 'hostnme: x\nsmtp:\n  listeners: [{ host: 127.0.0.1, port: 0, tls: starttls }]\n',
    expect: /docgate\.yaml:1: khóa không được hỗ trợ: hostnme \/ unknown key\(s\): hostnme/,
  },
  {
    name: 'wrong type',
    file: 'docgate.yaml',
    text: 'smtp:\n  listeners: [{ host: 127.0.0.1, port: "many", tls: starttls }]\n',
    expect: /docgate\.yaml:2: smtp\.listeners\[0\]\.port: phải là số \/ must be a number/,
  },
  {
    name: 'value not in the list',
    file: 'docgate.yaml',
    text: 'smtp:\n  listeners:\n    - { host: 127.0.0.1, port: 0, tls: ssl3 }\n',
    expect:
      /docgate\.yaml:3: smtp\.listeners\[0\]\.tls: giá trị không hợp lệ, chọn một trong: starttls, implicit \/ invalid value, expected one of: starttls, implicit/,
  },
  {
    name: 'bad size',
    file: 'docgate.yaml',
    text: 'smtp:\n  listeners: [{ host: 127.0.0.1, port: 0, tls: starttls }]\n  maxMessageSize: 25 potatoes\n',
    expect: /docgate\.yaml:3: smtp\.maxMessageSize: kích thước không hợp lệ .* \/ invalid size/,
  },
  {
    name: 'bad database URL',
    file: 'docgate.yaml',
    text: 'database:\n  url: mysql://x\nsmtp:\n  listeners: [{ host: 127.0.0.1, port: 0, tls: starttls }]\n',
    expect: /docgate\.yaml:2: database\.url: phải bắt đầu bằng sqlite: hoặc postgres:\/\/ \/ must start with sqlite: or postgres:\/\//,
  },
  {
    name: 'no listener',
    file: 'docgate.yaml',
    text: 'hostname: x.test\n',
    expect: /docgate\.yaml:1: smtp\.listeners: cần ít nhất 1 phần tử \/ needs at least 1 item/,
  },
  {
    name: 'unknown check',
    file: 'policy.yaml',
    text: 'checks:\n  - id: sender-header\n  - id: no-such-check\n',
    expect: /policy\.yaml:3: checks\[1\]\.id: không có kiểm tra tên "no-such-check" .* \/ no check named "no-such-check"/,
  },
  {
    name: 'unknown reason code',
    file: 'policy.yaml',
    text: 'checks: []\nactions:\n  not-a-code: warn\n',
    expect: /policy\.yaml:3: actions\.not-a-code: mã lý do không tồn tại: not-a-code \/ unknown reason code: not-a-code/,
  },
  {
    name: 'bad action',
    file: 'policy.yaml',
    text: 'checks: []\nactions:\n  duplicate: shrug\n',
    expect: /policy\.yaml:3: actions\.duplicate: giá trị không hợp lệ, chọn một trong: reject, warn, quarantine, ignore/,
  },
];

describe('Configuration errors', function () {
  this.timeout(60_000);
  let env: TestEnv;
  beforeEach(() => {
    env = createTestEnv();
  });
  afterEach(() => env.cleanup());

  it('accepts the test configuration and the sample configuration', async () => {
    const ok = await runCli(['config', 'check', '--config', env.configDir, '--data', env.dataDir]);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout).to.match(/^Cấu hình hợp lệ: 3 cơ quan, 1 kiểm tra .* \/ Configuration is valid: 3 agencies, 1 checks/);
    const sample = await runCli(['config', 'check'], undefined, { DOCGATE_DATA: env.dataDir });
    expect(sample.code, sample.stderr).to.equal(0);
  });

  it('a bad size or duration in policy.yaml is one "vi / en" problem line, each language once', async () => {
    write(
      env,
      'policy.yaml',
      'checks:\n  - id: attachments\n    options:\n      archives:\n        maxMemberSize: 5 potatoes\n  - id: smime-signature\n    options:\n      signingTimeSkew: soon\n',
    );
    const result = await runCli(['config', 'check', '--config', env.configDir, '--data', env.dataDir]);
    expect(result.code).to.equal(2);
    const problems = result.stderr.split('\n').filter((line) => line.includes('policy.yaml:'));
    expect(problems, result.stderr).to.have.length(2);
    expect(problems[0]).to.match(
      /policy\.yaml:5: checks\[0\]\.options\.archives\.maxMemberSize: kích thước không hợp lệ \(ví dụ: [^)]+\) \/ invalid size \(e\.g\. [^)]+\)$/,
    );
    expect(problems[1]).to.match(
      /policy\.yaml:8: checks\[1\]\.options\.signingTimeSkew: thời lượng không hợp lệ \(ví dụ: [^)]+\) \/ invalid duration \(e\.g\. [^)]+\)$/,
    );
    for (const line of problems) {
      expect(line.split(' / '), line).to.have.length(2);
      expect(line.match(/không hợp lệ/g), line).to.have.length(1);
      expect(line.match(/invalid/g), line).to.have.length(1);
    }
  });

  for (const c of CASES) {
    it(`reports ${c.name} with file:line and exit code 2`, async () => {
      if (c.remove) rmSync(path.join(env.configDir, c.file));
      else write(env, c.file, c.text!);
      const result = await runCli(['config', 'check', '--config', env.configDir, '--data', env.dataDir]);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(/^Cấu hình không hợp lệ \/ Invalid configuration:\n/);
      expect(result.stderr).to.match(c.expect);
    });
  }

  it('stops `docgate serve` with the same report and exit code 2, starting nothing', async () => {
    write(env, 'agencies.yaml', GOOD_AGENCIES.replace('000.00.00.H27', 'H27'));
    const result = await runCli(['serve', '--config', env.configDir, '--data', env.dataDir]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(/agencies\.yaml:2: agencies\[0\]\.id: /);
    expect(result.stdout).to.not.contain('docgate is running');
  });

  it('reads the directories from DOCGATE_CONFIG and DOCGATE_DATA', async () => {
    write(env, 'policy.yaml', 'checks:\n  - id: nope\n');
    const result = await runCli(['config', 'check'], undefined, { DOCGATE_CONFIG: env.configDir, DOCGATE_DATA: env.dataDir });
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain('no check named "nope"');
  });
});
