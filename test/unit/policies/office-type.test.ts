// The Office type the register records, from the package structure: OOXML by its main part, read
// through positioned reads (central directory + [Content_Types].xml only), OLE2 by its stream.

import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { officeType } from '../../../policies/files/office-type.js';
import { sniff } from '../../../policies/files/sniff.js';
import { makeDocx } from '../../helpers/documents.js';
import { fixture } from '../../helpers/policy.js';
import { deflatedZip, storedZip } from '../../helpers/zip.js';

function reader(data: Buffer) {
  let bytes = 0;
  return {
    read: async (position: number, length: number) => {
      bytes += Math.min(length, Math.max(0, data.length - position));
      return data.subarray(position, position + length);
    },
    get bytes() {
      return bytes;
    },
  };
}

const TYPES = (main: string) =>
  `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/x.xml" ContentType="${main}"/></Types>`;

describe('office type from structure', () => {
  it('fixtures: docx, xlsx, doc, xls; a plain zip and a PDF keep their magic-number type', async () => {
    for (const [file, type] of [
      ['qd-05.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      ['bang-ke.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      ['qd-05.doc', 'application/msword'],
      ['bang-ke.xls', 'application/vnd.ms-excel'],
      ['two-pdfs.zip', null],
      ['qd-05.pdf', null],
      ['truncated.zip', null],
    ] as const) {
      const data = fixture(file);
      const r = reader(data);
      expect(await officeType(sniff(data.subarray(0, 8192), data.length), data.length, r.read), file).to.equal(type);
    }
  });

  it('a macro-enabled main part is recorded as such (stored and deflated [Content_Types].xml)', async () => {
    const xml = Buffer.from(TYPES('application/vnd.ms-word.document.macroEnabled.main+xml'));
    for (const zip of [
      storedZip([{ name: '[Content_Types].xml', data: xml }]),
      deflatedZip([{ name: '[Content_Types].xml', packed: deflateRawSync(xml), size: xml.length }]),
    ]) {
      expect(await officeType('zip', zip.length, reader(zip).read)).to.equal('application/vnd.ms-word.document.macroEnabled.12');
    }
  });

  it('a 6 MiB .docx is typed after reading a few KiB of it', async () => {
    const docx = await makeDocx(['Quyết định'], 'Times New Roman');
    // A large incompressible member ahead of the central directory, as a picture would be.
    const big = storedZip([
      { name: 'word/media/image1.png', data: randomBytes(6 * 1024 * 1024) },
      { name: '[Content_Types].xml', data: Buffer.from(TYPES('application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml')) },
    ]);
    const r = reader(big);
    expect(await officeType('zip', big.length, r.read)).to.equal('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(r.bytes).to.be.lessThan(80 * 1024);
    expect(await officeType('zip', docx.length, reader(docx).read)).to.equal('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  });
});
