// Where an OOXML package keeps its XML-DSig signatures (ECMA-376 Part 2, 12: the digital signature
// origin's relationship targets, by convention under _xmlsignatures/). Apart from the verifier so that
// a package without signatures never loads the XML-DSig stack.

/** The package's signature parts, in a stable order. */
export function signatureParts(names: readonly string[]): string[] {
  return names.filter((n) => /^_xmlsignatures\/[^/]+\.xml$/i.test(n)).sort();
}
