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
const AGENCY_COLUMNS = [col('Mã cơ quan', 'Agency id', 'text', 16), col('Tên cơ quan', 'Agency', 'text', 36)];
const TOTAL_LABEL = 'Tổng cộng / Total';

type AgencyRow = Omit<ReportAgency, 'agencyId' | 'name'>;

function agencyTable(r: Report, id: string, sheet: string, title: ReportTable['title'], columns: TableColumn[], cells: (a: AgencyRow) => Cell[]): ReportTable {
  const rows: Cell[][] = r.agencies.map((a) => [a.agencyId, a.name, ...cells(a)]);
  if (r.agencies.length > 1) rows.push([TOTAL_LABEL, null, ...cells(r.totals)]);
  return { id, sheet, title, columns: [...AGENCY_COLUMNS, ...columns], rows };
}

const URGENCY_VI: Record<string, string> = { flash: 'Hỏa tốc', 'very-urgent': 'Thượng khẩn' };

function reasonTable(id: string, sheet: string, title: ReportTable['title'], reasons: ReportReason[], chart: boolean): ReportTable {
  return {
    id,
    sheet,
    title,
    columns: [col('Mã lý do', 'Reason code', 'text', 24), col('Lý do', 'Reason', 'text', 56), col('Số lượng', 'Count', 'int', 12)],
    rows: reasons.map((x) => [x.code, x.vi, x.count]),
    ...(chart ? { chart: { kind: 'bar' as const, title, category: 1, series: [2] } } : {}),
  };
}

export function reportTables(r: Report): ReportTable[] {
  return [
    agencyTable(
      r,
      'sending',
      'Gửi đi',
      { vi: 'Văn bản gửi đi', en: 'Documents sent' },
      [
        col('Đã gửi', 'Sent', 'int', 10),
        col('Bị từ chối', 'Refused', 'int', 11),
        col('Đang giữ', 'Held', 'int', 10),
        col('Ký số S/MIME', 'S/MIME signed', 'int', 13),
        col('Ký số PDF', 'PDF signed', 'int', 11),
        col('Có chữ ký số', 'Signed', 'int', 12),
        col('Tỷ lệ có chữ ký số', 'Share signed', 'percent', 14),
        col('Có ngày ký', 'With signing date', 'int', 12),
        col('Gửi trong ngày ký', 'Sent on signing day', 'int', 14),
        col('Tỷ lệ gửi trong ngày ký', 'Share sent on signing day', 'percent', 16),
        col('Cần gửi bản giấy', 'Paper copy required', 'int', 14),
        col('Bị nơi nhận trả lại', 'Returned by recipients', 'int', 14),
      ],
      (a) => [
        a.sent,
        a.refused,
        a.held,
        a.signedSmime,
        a.signedPdf,
        a.signed,
        a.signedShare,
        a.signedDateKnown,
        a.sentOnSigningDay,
        a.sentOnSigningDayShare,
        a.paperCopyRequired,
        a.returnedByRecipients,
      ],
    ),
    agencyTable(
      r,
      'receiving',
      'Nhận về',
      { vi: 'Văn bản đến', en: 'Documents received' },
      [
        col('Đã nhận', 'Received', 'int', 10),
        col('Đã vào sổ', 'Registered', 'int', 11),
        col('Đã trả lại', 'Returned', 'int', 11),
        col('Chưa xử lý', 'Pending', 'int', 11),
        col('Vào sổ (trạng thái 03)', 'Registrations (03)', 'int', 14),
        col('Thời gian đến → vào sổ, trung vị', 'Arrival → registration, median', 'duration', 18),
        col('Thời gian đến → vào sổ, P90', 'Arrival → registration, p90', 'duration', 18),
      ],
      (a) => [a.received, a.receivedRegistered, a.receivedReturned, a.receivedPending, a.filed, a.filingMedianSeconds, a.filingP90Seconds],
    ),
    agencyTable(
      r,
      'urgency',
      'Khẩn',
      { vi: 'Văn bản hỏa tốc, thượng khẩn và tin nhắn cảnh báo', en: 'Flash and very urgent documents, alerts' },
      [
        col('Hỏa tốc gửi', 'Flash sent', 'int', 11),
        col('Hỏa tốc nhận', 'Flash received', 'int', 12),
        col('Thượng khẩn gửi', 'Very urgent sent', 'int', 13),
        col('Thượng khẩn nhận', 'Very urgent received', 'int', 14),
        col('Cảnh báo đã gửi', 'Alerts sent', 'int', 13),
        col('Cảnh báo lỗi', 'Alerts failed', 'int', 12),
      ],
      (a) => [a.sentFlash, a.receivedFlash, a.sentVeryUrgent, a.receivedVeryUrgent, a.alertsSent, a.alertsFailed],
    ),
    {
      id: 'months',
      sheet: 'Theo tháng',
      title: { vi: 'Số văn bản theo tháng', en: 'Documents per month' },
      columns: [
        col('Tháng', 'Month', 'month', 10),
        col('Đã gửi', 'Sent', 'int', 10),
        col('Đã nhận', 'Received', 'int', 10),
        col('Bị từ chối', 'Refused', 'int', 11),
      ],
      rows: r.months.map((m) => [m.month, m.sent, m.received, m.refused]),
      chart: { kind: 'column', title: { vi: 'Số văn bản theo tháng', en: 'Documents per month' }, category: 0, series: [1, 2] },
    },
    reasonTable('refusals', 'Từ chối', { vi: 'Văn bản bị hệ thống từ chối, theo lý do', en: 'Refused by the gateway, by reason' }, r.refusals, true),
    reasonTable('returns', 'Trả lại', { vi: 'Văn bản bị nơi nhận trả lại, theo lý do', en: 'Returned by recipients, by reason' }, r.returns, false),
    {
      id: 'urgent',
      sheet: 'VB khẩn',
      title: { vi: 'Danh sách văn bản hỏa tốc, thượng khẩn', en: 'Flash and very urgent documents' },
      columns: [
        col('Thời điểm', 'Time', 'datetime', 17),
        col('Cơ quan', 'Agency', 'text', 16),
        col('Sổ', 'Book', 'text', 8),
        col('Số ký hiệu', 'Reference', 'text', 18),
        col('Trích yếu', 'Summary', 'text', 60),
        col('Độ khẩn', 'Urgency', 'text', 12),
        col('Nơi gửi', 'Sender', 'text', 16),
        col('Cảnh báo đã gửi', 'Alerts sent', 'int', 13),
        col('Cảnh báo lỗi', 'Alerts failed', 'int', 12),
        col('Mã theo dõi', 'Tracking id', 'text', 24),
      ],
      rows: r.urgent.map((u) => [
        u.registeredAt,
        u.agencyId,
        u.book === 'incoming' ? 'đến' : 'đi',
        u.documentNumber,
        u.summary,
        URGENCY_VI[u.urgency] ?? u.urgency,
        u.senderAgencyId,
        u.alertsSent,
        u.alertsFailed,
        u.trackingId,
      ]),
      ...(r.urgentTruncated
        ? { note: { vi: `Chỉ liệt kê ${r.urgent.length} văn bản đầu tiên`, en: `Only the first ${r.urgent.length} documents are listed` } }
        : {}),
    },
  ];
}

/** The heading text of a column: Vietnamese first, English after. */
export const heading = (c: TableColumn) => `${c.vi} / ${c.en}`;
