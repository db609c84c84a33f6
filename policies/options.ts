// Option schemas shared by checks: sizes written as in the other YAML files ("50MiB").

import { z } from 'zod';
import { parseSize } from '../config/units.js';

export const sizeOption = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const bytes = parseSize(value);
  if (bytes === null) {
    ctx.addIssue({ code: 'custom', message: 'kích thước không hợp lệ (ví dụ: 50MiB) / invalid size (e.g. 50MiB)' });
    return z.NEVER;
  }
  return bytes;
});
