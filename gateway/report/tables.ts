// The report as tables: one per sheet of the XLSX, per section of the CSV and of the HTML page, with
// Vietnamese / English headings, a kind per column (so each writer formats numbers, shares, durations
// and dates its own way) and the chart a series table gets (documents per month, refusals by reason).

import type { Report, ReportAgency, ReportReason } from './model.js';

export type CellKind = 'text' | 'int' | 'percent' | 'duration' | 'datetime' | 'month';
export type Cell = string | number | null;

export interface TableColumn {
  vi: string;
  en: string;
  kind: CellKind;
  /** Column width in characters (XLSX). */
  width: number;
}

interface ChartSpec {
  kind: 'column' | 'bar';
  title: { vi: string; en: string };
  /** Column index of the categories and of each series (one series per column). */
  category: number;
  series: number[];
}

export interface ReportTable {
  id: string;
  /** Sheet name (at most 31 characters, no []:*?/\). */
  sheet: string;
  title: { vi: string; en: string };
  columns: TableColumn[];
  rows: Cell[][];
  chart?: ChartSpec;
  note?: { vi: string; en: string };
}

const col = (vi: string, en: string, kind: CellKind, width = 14): TableColumn => ({ vi, en, kind, width });
const TOTAL_LABEL = 'Tổng cộng / Total';

/** A column and how each item fills it: the heading and the value sit side by side, never in two lists. */
type Field<T> = [TableColumn, (item: T) => Cell];

/** The one way a table is built: its columns and rows from the same fields, a total row when asked. */
function table<T>(
  head: Pick<ReportTable, 'id' | 'sheet' | 'title'> & Partial<Pick<ReportTable, 'chart' | 'note'>>,
  fields: Field<T>[],
  items: readonly T[],
  total?: { label: Cell[]; item: T },
): ReportTable {
  const rows = items.map((item) => fields.map(([, value]) => value(item)));
  if (total) rows.push([...total.label, ...fields.slice(total.label.length).map(([, value]) => value(total.item))]);
  return { ...head, columns: fields.map(([c]) => c), rows };
}

type AgencyRow = Omit<ReportAgency, 'agencyId' | 'name'> & { agencyId?: string; name?: string | null };

/** A table of one row per agency (its id and name first), with the totals when there are several. */
function agencyTable(r: Report, head: Pick<ReportTable, 'id' | 'sheet' | 'title'>, fields: Field<AgencyRow>[]): ReportTable {
  const all: Field<AgencyRow>[] = [
    [col('Mã cơ quan', 'Agency id', 'text', 16), (a) => a.agencyId ?? null],
    [col('Tên cơ quan', 'Agency', 'text', 36), (a) => a.name ?? null],
    ...fields,
  ];
  return table(head, all, r.agencies, r.agencies.length > 1 ? { label: [TOTAL_LABEL, null], item: r.totals } : undefined);
}

const URGENCY_VI: Record<string, string> = { flash: 'Hỏa tốc', 'very-urgent': 'Thượng khẩn' };

const REASON_FIELDS: Field<ReportReason>[] = [
  [col('Mã lý do', 'Reason code', 'text', 24), (x) => x.code],
  [col('Lý do', 'Reason', 'text', 56), (x) => x.vi],
  [col('Số lượng', 'Count', 'int', 12), (x) => x.count],
];

function reasonTable(id: string, sheet: string, title: ReportTable['title'], reasons: ReportReason[], chart: boolean): ReportTable {
  return table({ id, sheet, title, ...(chart ? { chart: { kind: 'bar' as const, title, category: 1, series: [2] } } : {}) }, REASON_FIELDS, reasons);
}

export function reportTables(r: Report): ReportTable[] {
  return [
    agencyTable(r, { id: 'sending', sheet: 'Gửi đi', title: { vi: 'Văn bản gửi đi', en: 'Documents sent' } }, [
      [col('Đã gửi', 'Sent', 'int', 10), (a) => a.sent],
      [col('Bị từ chối', 'Refused', 'int', 11), (a) => a.refused],
      [col('Đang giữ', 'Held', 'int', 10), (a) => a.held],
      [col('Ký số S/MIME', 'S/MIME signed', 'int', 13), (a) => a.signedSmime],
      [col('Ký số PDF', 'PDF signed', 'int', 11), (a) => a.signedPdf],
      [col('Có chữ ký số', 'Signed', 'int', 12), (a) => a.signed],
      [col('Tỷ lệ có chữ ký số', 'Share signed', 'percent', 14), (a) => a.signedShare],
      [col('Có ngày ký', 'With signing date', 'int', 12), (a) => a.signedDateKnown],
      [col('Gửi trong ngày ký', 'Sent on signing day', 'int', 14), (a) => a.sentOnSigningDay],
      [col('Tỷ lệ gửi trong ngày ký', 'Share sent on signing day', 'percent', 16), (a) => a.sentOnSigningDayShare],
      [col('Cần gửi bản giấy', 'Paper copy required', 'int', 14), (a) => a.paperCopyRequired],
      [col('Bị nơi nhận trả lại', 'Returned by recipients', 'int', 14), (a) => a.returnedByRecipients],
    ]),
    agencyTable(r, { id: 'receiving', sheet: 'Nhận về', title: { vi: 'Văn bản đến', en: 'Documents received' } }, [
      [col('Đã nhận', 'Received', 'int', 10), (a) => a.received],
      [col('Đã vào sổ', 'Registered', 'int', 11), (a) => a.receivedRegistered],
      [col('Đã trả lại', 'Returned', 'int', 11), (a) => a.receivedReturned],
      [col('Chưa xử lý', 'Pending', 'int', 11), (a) => a.receivedPending],
      [col('Vào sổ (trạng thái 03)', 'Registrations (03)', 'int', 14), (a) => a.filed],
      [col('Thời gian đến → vào sổ, trung vị', 'Arrival → registration, median', 'duration', 18), (a) => a.filingMedianSeconds],
      [col('Thời gian đến → vào sổ, P90', 'Arrival → registration, p90', 'duration', 18), (a) => a.filingP90Seconds],
    ]),
    agencyTable(
      r,
      { id: 'urgency', sheet: 'Khẩn', title: { vi: 'Văn bản hỏa tốc, thượng khẩn và tin nhắn cảnh báo', en: 'Flash and very urgent documents, alerts' } },
      [
        [col('Hỏa tốc gửi', 'Flash sent', 'int', 11), (a) => a.sentFlash],
        [col('Hỏa tốc nhận', 'Flash received', 'int', 12), (a) => a.receivedFlash],
        [col('Thượng khẩn gửi', 'Very urgent sent', 'int', 13), (a) => a.sentVeryUrgent],
        [col('Thượng khẩn nhận', 'Very urgent received', 'int', 14), (a) => a.receivedVeryUrgent],
        [col('Cảnh báo đã gửi', 'Alerts sent', 'int', 13), (a) => a.alertsSent],
        [col('Cảnh báo lỗi', 'Alerts failed', 'int', 12), (a) => a.alertsFailed],
      ],
    ),
    table(
      {
        id: 'months',
        sheet: 'Theo tháng',
        title: { vi: 'Số văn bản theo tháng', en: 'Documents per month' },
        chart: { kind: 'column', title: { vi: 'Số văn bản theo tháng', en: 'Documents per month' }, category: 0, series: [1, 2] },
      },
      [
        [col('Tháng', 'Month', 'month', 10), (m) => m.month],
        [col('Đã gửi', 'Sent', 'int', 10), (m) => m.sent],
        [col('Đã nhận', 'Received', 'int', 10), (m) => m.received],
        [col('Bị từ chối', 'Refused', 'int', 11), (m) => m.refused],
      ],
      r.months,
    ),
    reasonTable('refusals', 'Từ chối', { vi: 'Văn bản bị hệ thống từ chối, theo lý do', en: 'Refused by the gateway, by reason' }, r.refusals, true),
    table(
      {
        id: 'refusals-agency',
        sheet: 'Từ chối theo cơ quan',
        title: { vi: 'Văn bản bị hệ thống từ chối, theo cơ quan và lý do', en: 'Refused by the gateway, by agency and reason' },
      },
      [[col('Mã cơ quan', 'Agency id', 'text', 16), (x) => x.agencyId], [col('Tên cơ quan', 'Agency', 'text', 36), (x) => x.name], ...REASON_FIELDS],
      r.refusalsByAgency,
    ),
    reasonTable('returns', 'Trả lại', { vi: 'Văn bản bị nơi nhận trả lại, theo lý do', en: 'Returned by recipients, by reason' }, r.returns, false),
    table(
      {
        id: 'urgent',
        sheet: 'VB khẩn',
        title: { vi: 'Danh sách văn bản hỏa tốc, thượng khẩn', en: 'Flash and very urgent documents' },
        ...(r.urgentTruncated
          ? { note: { vi: `Chỉ liệt kê ${r.urgent.length} văn bản đầu tiên`, en: `Only the first ${r.urgent.length} documents are listed` } }
          : {}),
      },
      [
        [col('Thời điểm', 'Time', 'datetime', 17), (u) => u.registeredAt],
        [col('Cơ quan', 'Agency', 'text', 16), (u) => u.agencyId],
        [col('Sổ', 'Book', 'text', 8), (u) => (u.book === 'incoming' ? 'đến' : 'đi')],
        [col('Số ký hiệu', 'Reference', 'text', 18), (u) => u.documentNumber],
        [col('Trích yếu', 'Summary', 'text', 60), (u) => u.summary],
        [col('Độ khẩn', 'Urgency', 'text', 12), (u) => URGENCY_VI[u.urgency] ?? u.urgency],
        [col('Nơi gửi', 'Sender', 'text', 16), (u) => u.senderAgencyId],
        [col('Cảnh báo đã gửi', 'Alerts sent', 'int', 13), (u) => u.alertsSent],
        [col('Cảnh báo lỗi', 'Alerts failed', 'int', 12), (u) => u.alertsFailed],
        [col('Mã theo dõi', 'Tracking id', 'text', 24), (u) => u.trackingId],
      ],
      r.urgent,
    ),
  ];
}

/** The heading text of a column: Vietnamese first, English after. */
export const heading = (c: TableColumn) => `${c.vi} / ${c.en}`;
