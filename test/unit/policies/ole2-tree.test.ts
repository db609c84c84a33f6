// OLE2 directory trees whose links loop: cfb follows them without a visited set and grows an array
// until V8 aborts, so policies/files/ole2-guard.ts walks the tree first. Each fixture is a valid file
// with one directory link changed.

import { expect } from 'chai';
import { inspectFile, type InspectState } from '../../../policies/files/inspect.js';
import { attachmentsCheck, fileRulesFrom } from '../../../policies/checks/attachments.js';
import { fixture } from '../../helpers/policy.js';

const rules = fileRulesFrom(attachmentsCheck.options.parse({}));

/** Byte offset of each directory entry, in id order (directory chain through the header's FAT sectors). */
function directoryEntries(data: Buffer): { offset: number; name: string; type: number }[] {
  const ssz = 1 << data.readUInt16LE(0x1e);
  const fat = (n: number): number => {
    const fatSector = data.readUInt32LE(0x4c + Math.floor((n * 4) / ssz) * 4);
    return data.readUInt32LE(ssz + fatSector * ssz + ((n * 4) % ssz));
  };
  const out: { offset: number; name: string; type: number }[] = [];
  for (let dir = data.readUInt32LE(0x30), guard = 0; dir < 0xfffffffa && guard < 1000; dir = fat(dir), guard++) {
    for (let e = ssz + dir * ssz; e < ssz + (dir + 1) * ssz; e += 128) {
      const len = data.readUInt16LE(e + 64);
      out.push({ offset: e, name: data.subarray(e, e + Math.max(0, len - 2)).toString('utf16le'), type: data[e + 66] });
    }
  }
  return out;
}

function patched(name: string, change: (data: Buffer, entries: ReturnType<typeof directoryEntries>) => void): Buffer {
  const data = Buffer.from(fixture(name));
  change(data, directoryEntries(data));
  return data;
}

const LEFT = 68;
const RIGHT = 72;
const CHILD = 76;

async function findings(name: string, data: Buffer) {
  const state: InspectState = { counter: { inflated: 0 }, findings: [], maxFindings: 5 };
  await inspectFile(name, name, data, rules, state);
  return state.findings;
}

describe('OLE2 directory tree loops', function () {
  it('the unpatched fixtures pass', async () => {
    expect(await findings('qd-05.doc', fixture('qd-05.doc'))).to.deep.equal([]);
  });

  const cases: [string, string, (d: Buffer, e: ReturnType<typeof directoryEntries>) => void][] = [
    // qd-05.doc: root → CompObj (1) with left Ole (2), right (4); Ole's right is 1Table (3).
    ['a sibling pointing to an ancestor', 'qd-05.doc', (d, e) => d.writeUInt32LE(1, e[3].offset + LEFT)],
    ['an entry its own sibling', 'qd-05.doc', (d, e) => d.writeUInt32LE(2, e[2].offset + RIGHT)],
    ['a sibling pointing to the root', 'qd-05.doc', (d, e) => d.writeUInt32LE(0, e[3].offset + RIGHT)],
    ['a sibling id past the directory', 'qd-05.doc', (d, e) => d.writeUInt32LE(100_000, e[3].offset + RIGHT)],
    [
      'a storage child pointing to the root',
      'macro.doc',
      (d, e) => {
        const storage = e.find((x) => x.type === 1);
        if (!storage) throw new Error('macro.doc has no storage');
        d.writeUInt32LE(0, storage.offset + CHILD);
      },
    ],
  ];
  for (const [what, base, change] of cases) {
    it(`refuses ${what} as attachment-content-mismatch`, async () => {
      const result = await findings('qd-05.doc', patched(base, change));
      expect(result.map((f) => f.code)).to.deep.equal(['attachment-content-mismatch']);
      expect(JSON.stringify(result[0].details)).to.match(/directory (tree loops|entry \d+ out of range)/);
    });
  }
});
