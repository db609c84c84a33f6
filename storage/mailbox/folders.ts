// The folders every agency has. Their names are Vietnamese (NFC); IMAP encodes them for the wire.

export const FOLDERS = {
  inbox: { name: 'INBOX', specialUse: null },
  registered: { name: 'Đã vào sổ', specialUse: '\\Archive' },
  returned: { name: 'Trả lại', specialUse: null },
  sent: { name: 'Văn bản đi', specialUse: '\\Sent' },
  notices: { name: 'Thông báo', specialUse: null },
  /** The sender moves its copy here (from Văn bản đi) to recall the document (status 13 to each recipient). */
  recall: { name: 'Thu hồi', specialUse: null },
  /** A recipient files a recall request here to agree (15) … */
  recallAgreed: { name: 'Đồng ý thu hồi', specialUse: null },
  /** … or here to refuse (16). */
  recallRefused: { name: 'Từ chối thu hồi', specialUse: null },
} as const;

/** IMAP hierarchy delimiter of every folder name ("Đã vào sổ/2026"). */
export const HIERARCHY_DELIMITER = '/';

export const SPECIAL_FOLDER_NAMES: ReadonlySet<string> = new Set(Object.values(FOLDERS).map((f) => f.name));
