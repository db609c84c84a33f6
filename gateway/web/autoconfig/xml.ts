// Escaping for the XML documents of autoconfiguration (text and attribute values alike).

export function xmlText(value: string | number): string {
  return String(value).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}
