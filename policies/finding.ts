// What a check detects: a reason code, what it is about, internal details (see DESIGN.md "Contracts").
// Its own file so low-level readers (S/MIME report, archives) need not import the engine's contracts.

import type { ReasonCode, ReasonSubject } from './reasons.js';

export interface Finding {
  code: ReasonCode;
  /** What the finding is about, shown to the sender (a file name, a field): plain text, never HTML. */
  subject?: ReasonSubject;
  /** Internal details for the register and logs; never sent on the wire. */
  details?: Record<string, unknown>;
  /**
   * The finding rejects whatever action policy.yaml gives its code: used where the code names the cause
   * the sender must hear (certificate-expired) but the fact disproves the document (a signature made
   * after the certificate expired), which no policy may accept.
   */
  mandatory?: boolean;
}
