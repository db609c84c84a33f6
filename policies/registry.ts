// Every policy check docgate knows, by id. policy.yaml picks which run and in what order.
// Explicit map: adding a check is one import and one line here (no side-effect registration).

import type { ServiceName } from './services.js';
import type { CheckDefinition, RegisteredCheck } from './types.js';
import { senderHeaderCheck } from './checks/sender-header.js';
import { smimeSignatureCheck } from './checks/smime-signature.js';
import { pdfSignatureCheck } from './checks/pdf-signature.js';
import { officeSignatureCheck } from './checks/office-signature.js';
import { mimeStructureCheck } from './checks/mime-structure.js';
import { attachmentsCheck } from './checks/attachments.js';
import { malwareCheck } from './checks/malware.js';
import { confidentialityCheck } from './checks/confidentiality.js';
import { legacyEncodingCheck } from './checks/legacy-encoding.js';
import { metadataCheck } from './checks/metadata.js';
import { classificationCheck } from './checks/classification.js';
import { duplicateCheck } from './checks/duplicate.js';
import { documentReferenceCheck } from './checks/document-reference.js';

/** Erases a check's option and service types: policy-file.ts validates options by the check's own schema, the engine provides its `needs`. */
function define<O, N extends ServiceName>(check: CheckDefinition<O, N>): RegisteredCheck {
  return check as unknown as RegisteredCheck;
}

export const CHECK_DEFINITIONS: Readonly<Record<string, RegisteredCheck>> = Object.freeze({
  [senderHeaderCheck.id]: define(senderHeaderCheck),
  [smimeSignatureCheck.id]: define(smimeSignatureCheck),
  [pdfSignatureCheck.id]: define(pdfSignatureCheck),
  [officeSignatureCheck.id]: define(officeSignatureCheck),
  [mimeStructureCheck.id]: define(mimeStructureCheck),
  [attachmentsCheck.id]: define(attachmentsCheck),
  [malwareCheck.id]: define(malwareCheck),
  [confidentialityCheck.id]: define(confidentialityCheck),
  [legacyEncodingCheck.id]: define(legacyEncodingCheck),
  [metadataCheck.id]: define(metadataCheck),
  [classificationCheck.id]: define(classificationCheck),
  [duplicateCheck.id]: define(duplicateCheck),
  [documentReferenceCheck.id]: define(documentReferenceCheck),
});
