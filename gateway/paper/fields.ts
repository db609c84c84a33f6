// The register fields a paper document is given on the command line or the portal, apart from the
// intake that checks and registers it (which loads the whole policy engine).

/** The form lines a paper document's fields become (the labels intake reads). */
export const PAPER_FIELDS = {
  'so-ky-hieu': 'Số ký hiệu',
  'trich-yeu': 'Trích yếu',
  'ngay-ky': 'Ngày ký',
  'nguoi-ky': 'Người ký',
  'loai-van-ban': 'Loại văn bản',
  'do-khan': 'Độ khẩn',
  'do-mat': 'Độ mật',
  'han-xu-ly': 'Hạn xử lý',
} as const;

export type PaperField = keyof typeof PAPER_FIELDS;
