// Native Excel charts added to a workbook exceljs wrote (exceljs writes no charts): the package is read
// (yauzl), each charted sheet gets a DrawingML chart part referencing its own cell ranges, a drawing
// part anchoring it beside the table, the relationships between them and the content types, and the
// package is written again (archiver). Excel and LibreOffice draw the chart from the referenced cells;
// the cached values let viewers that do not recalculate show it too.

import { ZipArchive } from 'archiver';
import { PassThrough } from 'node:stream';
import yauzl from 'yauzl';

export interface SheetChart {
  /** 1-based position of the sheet: exceljs writes xl/worksheets/sheet<n>.xml. */
  sheetIndex: number;
  sheetName: string;
  kind: 'column' | 'bar';
  title: string;
  /** 1-based rows of the first and last data row, and of the heading row (series names). */
  firstRow: number;
  lastRow: number;
  headingRow: number;
  /** 0-based columns. */
  category: { column: number; values: string[] };
  series: { column: number; name: string; values: number[] }[];
  /** 0-based column the chart's top-left corner is anchored at. */
  anchorColumn: number;
}

const NS = {
  c: 'http://schemas.openxmlformats.org/drawingml/2006/chart',
  a: 'http://schemas.openxmlformats.org/drawingml/2006/main',
  r: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
  xdr: 'http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing',
  rels: 'http://schemas.openxmlformats.org/package/2006/relationships',
};
const REL = {
  chart: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart',
  drawing: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing',
};
const TYPES = {
  chart: 'application/vnd.openxmlformats-officedocument.drawingml.chart+xml',
  drawing: 'application/vnd.openxmlformats-officedocument.drawing+xml',
};
const SERIES_COLOURS = ['1F6FB2', 'E07B24', '3A9D5D', 'B8334A'];
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Column letters of a 0-based index (0 → A, 26 → AA). */
function columnLetters(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/** An absolute reference to a column's rows on a sheet: 'Theo tháng'!$B$3:$B$14. */
function rangeRef(sheet: string, column: number, firstRow: number, lastRow?: number): string {
  const c = columnLetters(column);
  const cells = lastRow === undefined ? `$${c}$${firstRow}` : `$${c}$${firstRow}:$${c}$${lastRow}`;
  return `'${sheet.replace(/'/g, "''")}'!${cells}`;
}

function strCache(values: string[]): string {
  return `<c:strCache><c:ptCount val="${values.length}"/>${values.map((v, i) => `<c:pt idx="${i}"><c:v>${esc(v)}</c:v></c:pt>`).join('')}</c:strCache>`;
}

function numCache(values: number[]): string {
  return `<c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="${values.length}"/>${values
    .map((v, i) => `<c:pt idx="${i}"><c:v>${v}</c:v></c:pt>`)
    .join('')}</c:numCache>`;
}

function richText(text: string, size = 1200, bold = true): string {
  return `<c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="${size}" b="${bold ? 1 : 0}"/></a:pPr><a:r><a:rPr lang="vi-VN" sz="${size}" b="${bold ? 1 : 0}"/><a:t>${esc(text)}</a:t></a:r></a:p></c:rich></c:tx>`;
}

/** The chart part: a clustered bar chart (vertical columns or horizontal bars) with a legend and both axes. */
function chartXml(chart: SheetChart): string {
  const series = chart.series
    .map(
      (s, i) =>
        `<c:ser><c:idx val="${i}"/><c:order val="${i}"/>` +
        `<c:tx><c:strRef><c:f>${esc(rangeRef(chart.sheetName, s.column, chart.headingRow))}</c:f>${strCache([s.name])}</c:strRef></c:tx>` +
        `<c:spPr><a:solidFill><a:srgbClr val="${SERIES_COLOURS[i % SERIES_COLOURS.length]}"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>` +
        `<c:cat><c:strRef><c:f>${esc(rangeRef(chart.sheetName, chart.category.column, chart.firstRow, chart.lastRow))}</c:f>${strCache(chart.category.values)}</c:strRef></c:cat>` +
        `<c:val><c:numRef><c:f>${esc(rangeRef(chart.sheetName, s.column, chart.firstRow, chart.lastRow))}</c:f>${numCache(s.values)}</c:numRef></c:val>` +
        `</c:ser>`,
    )
    .join('');
  const horizontal = chart.kind === 'bar';
  return (
    XML_HEAD +
    `<c:chartSpace xmlns:c="${NS.c}" xmlns:a="${NS.a}" xmlns:r="${NS.r}"><c:roundedCorners val="0"/><c:chart>` +
    `<c:title>${richText(chart.title)}<c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>` +
    `<c:plotArea><c:layout/><c:barChart><c:barDir val="${horizontal ? 'bar' : 'col'}"/><c:grouping val="clustered"/><c:varyColors val="0"/>${series}` +
    `<c:gapWidth val="80"/><c:axId val="500001"/><c:axId val="500002"/></c:barChart>` +
    `<c:catAx><c:axId val="500001"/><c:scaling><c:orientation val="${horizontal ? 'maxMin' : 'minMax'}"/></c:scaling><c:delete val="0"/>` +
    `<c:axPos val="${horizontal ? 'l' : 'b'}"/><c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="out"/><c:minorTickMark val="none"/>` +
    `<c:tickLblPos val="nextTo"/><c:crossAx val="500002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>` +
    `<c:valAx><c:axId val="500002"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="${horizontal ? 't' : 'l'}"/>` +
    `<c:majorGridlines/><c:numFmt formatCode="#,##0" sourceLinked="0"/><c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>` +
    `<c:crossAx val="500001"/><c:crosses val="${horizontal ? 'max' : 'autoZero'}"/><c:crossBetween val="between"/></c:valAx></c:plotArea>` +
    `<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>`
  );
}

/** The drawing part: one chart anchored from the given column, row 2, 10 columns wide and 20 rows high. */
function drawingXml(chart: SheetChart, id: number): string {
  const anchor = (col: number, row: number) => `<xdr:col>${col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${row}</xdr:row><xdr:rowOff>0</xdr:rowOff>`;
  return (
    XML_HEAD +
    `<xdr:wsDr xmlns:xdr="${NS.xdr}" xmlns:a="${NS.a}"><xdr:twoCellAnchor editAs="oneCell">` +
    `<xdr:from>${anchor(chart.anchorColumn, 1)}</xdr:from><xdr:to>${anchor(chart.anchorColumn + 10, 22)}</xdr:to>` +
    `<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="${id + 1}" name="${esc(chart.title)}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>` +
    `<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData uri="${NS.c}">` +
    `<c:chart xmlns:c="${NS.c}" xmlns:r="${NS.r}" r:id="rId1"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>`
  );
}

function relsXml(rels: { id: string; type: string; target: string }[]): string {
  return (
    XML_HEAD +
    `<Relationships xmlns="${NS.rels}">${rels.map((r) => `<Relationship Id="${r.id}" Type="${r.type}" Target="${r.target}"/>`).join('')}</Relationships>`
  );
}

async function readZip(buffer: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  const files = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => {
          files.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return files;
}

async function writeZip(files: Map<string, Buffer>): Promise<Buffer> {
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    sink.on('end', () => resolve());
    archive.on('error', reject);
  });
  archive.pipe(sink);
  // [Content_Types].xml first, as Office writes it.
  const names = [...files.keys()].sort((a, b) => (a === '[Content_Types].xml' ? -1 : b === '[Content_Types].xml' ? 1 : 0));
  for (const name of names) archive.append(files.get(name)!, { name });
  await archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** The sheet's <drawing> goes after pageMargins/pageSetup/headerFooter and before legacyDrawing, tableParts, extLst (CT_Worksheet order). */
function withDrawing(sheetXml: string, relId: string): string {
  const element = `<drawing r:id="${relId}"/>`;
  const before = /<(legacyDrawing|legacyDrawingHF|picture|oleObjects|controls|webPublishItems|tableParts|extLst)[\s>/]|<\/worksheet>/.exec(sheetXml);
  if (!before) throw new Error('worksheet XML without an end tag');
  return sheetXml.slice(0, before.index) + element + sheetXml.slice(before.index);
}

/** The workbook package with one native chart per entry of `charts`. */
export async function addCharts(xlsx: Buffer, charts: SheetChart[]): Promise<Buffer> {
  const files = await readZip(xlsx);
  let types = files.get('[Content_Types].xml')?.toString('utf8');
  if (!types) throw new Error('not an OOXML package: no [Content_Types].xml');
  charts.forEach((chart, i) => {
    const n = i + 1;
    const sheetPath = `xl/worksheets/sheet${chart.sheetIndex}.xml`;
    const sheetRelsPath = `xl/worksheets/_rels/sheet${chart.sheetIndex}.xml.rels`;
    const sheet = files.get(sheetPath)?.toString('utf8');
    if (!sheet) throw new Error(`no ${sheetPath} in the workbook`);
    files.set(`xl/charts/chart${n}.xml`, Buffer.from(chartXml(chart)));
    files.set(`xl/drawings/drawing${n}.xml`, Buffer.from(drawingXml(chart, n)));
    files.set(`xl/drawings/_rels/drawing${n}.xml.rels`, Buffer.from(relsXml([{ id: 'rId1', type: REL.chart, target: `../charts/chart${n}.xml` }])));
    const relId = `rIdDocgateDrawing${n}`;
    const existing = files.get(sheetRelsPath)?.toString('utf8');
    const rel = `<Relationship Id="${relId}" Type="${REL.drawing}" Target="../drawings/drawing${n}.xml"/>`;
    files.set(
      sheetRelsPath,
      Buffer.from(
        existing
          ? existing.replace('</Relationships>', `${rel}</Relationships>`)
          : relsXml([{ id: relId, type: REL.drawing, target: `../drawings/drawing${n}.xml` }]),
      ),
    );
    files.set(sheetPath, Buffer.from(withDrawing(sheet, relId)));
    types = types!.replace(
      '</Types>',
      `<Override PartName="/xl/charts/chart${n}.xml" ContentType="${TYPES.chart}"/><Override PartName="/xl/drawings/drawing${n}.xml" ContentType="${TYPES.drawing}"/></Types>`,
    );
  });
  files.set('[Content_Types].xml', Buffer.from(types));
  return writeZip(files);
}
