// Plain text of an HTML body (Outlook sends HTML only), for reading form lines: block elements and
// <br> end lines, entities are decoded by htmlparser2, script/style/head content is dropped.

import { Parser } from 'htmlparser2';

/** Elements whose start and end break the line (HTML's block-level and table elements). */
const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'caption',
  'dd',
  'details',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
  'body',
  'html',
]);
/** Elements whose text is not shown. */
const HIDDEN = new Set(['script', 'style', 'head', 'title', 'template', 'noscript']);

export function htmlToText(html: string): string {
  let out = '';
  let hidden = 0;
  let pre = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (HIDDEN.has(name)) hidden++;
        if (name === 'pre') pre++;
        if (name === 'br' || BLOCK.has(name)) out += '\n';
      },
      onclosetag(name) {
        if (HIDDEN.has(name)) hidden = Math.max(0, hidden - 1);
        if (name === 'pre') pre = Math.max(0, pre - 1);
        if (BLOCK.has(name)) out += '\n';
      },
      ontext(text) {
        if (hidden > 0) return;
        // Outside <pre>, source line breaks and runs of white space are one space; &nbsp; reads as a space.
        out += pre > 0 ? text.replace(/\u00a0/g, ' ') : text.replace(/[\s\u00a0]+/g, ' ');
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return out
    .split('\n')
    .map((line) => line.replace(/^ +| +$/g, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
