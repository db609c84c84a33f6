// The portal's output rules: html`` escapes every interpolation but its own results, download names
// follow RFC 6266 with a safe ASCII fallback, and the language follows the cookie, then Accept-Language.

import { expect } from 'chai';
import { html } from '../../../../gateway/web/html.js';
import { attachmentDisposition } from '../../../../gateway/web/files.js';
import { langOf } from '../../../../gateway/web/i18n.js';
import { dataTable, postButton } from '../../../../gateway/web/widgets.js';

describe('portal html``', () => {
  it('escapes interpolated text, attributes and arrays, and keeps nested html`` as markup', () => {
    const hostile = `<script>alert(1)</script>" onmouseover='x' \`y\` &amp;`;
    const nested = [hostile, html`<b>${hostile}</b>`];
    const out = html`<p title="${hostile}">${hostile}</p>
      ${nested}`.value;
    expect(out).not.to.contain('<script>');
    expect(out.replace(/\n */g, '')).to.equal(
      '<p title="&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&#39;x&#39; &#96;y&#96; &amp;amp;">' +
        '&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&#39;x&#39; &#96;y&#96; &amp;amp;</p>' +
        '&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&#39;x&#39; &#96;y&#96; &amp;amp;' +
        '<b>&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&#39;x&#39; &#96;y&#96; &amp;amp;</b>',
    );
    expect(html`${null}${undefined}${false}${0}`.value).to.equal('0');
  });
});

describe('portal table and form helper', () => {
  const hostile = '<img src=x onerror="alert(1)">';
  it('escapes headings, cells and the empty line, keeps html`` cells as markup, and spans the empty row', () => {
    const out = dataTable({
      className: 'x',
      headings: [hostile, 'B'],
      rows: [
        [hostile, html`<a href="/d">${hostile}</a>`],
        [{ num: 7 }, { actions: html`<i>a</i>` }],
      ],
      empty: hostile,
    }).value.replace(/\n */g, '');
    expect(out).not.to.contain('<img');
    expect(out).to.contain('<th>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</th>');
    expect(out).to.contain('<td><a href="/d">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</a></td>');
    expect(out).to.contain('<td class="num">7</td><td class="actions"><i>a</i></td>');
    const empty = dataTable({ headings: ['A', 'B', 'C'], rows: [], empty: hostile }).value.replace(/\n */g, '');
    expect(empty).to.contain('<td colspan="3">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</td>');
  });

  it('puts the CSRF token in every button form and escapes the action, label and confirmation', () => {
    const out = postButton('tok"en', `/a?"${hostile}`, hostile, html``, hostile).value;
    expect(out).to.contain('<input type="hidden" name="_csrf" value="tok&quot;en" />');
    expect(out).not.to.contain('<img');
    expect(out).to.contain('data-confirm="&lt;img');
  });
});

describe('portal download names', () => {
  it('gives filename* in UTF-8 and an ASCII fallback without quotes, separators or controls', () => {
    expect(attachmentDisposition('Quyết định 05-QĐ.pdf')).to.equal(
      `attachment; filename="Quyet dinh 05-QD.pdf"; filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%2005-Q%C4%90.pdf`,
    );
    const nasty = attachmentDisposition('../"a";\r\nX-Evil: 1\\b.exe');
    expect(nasty).not.to.match(/[\r\n]/);
    expect(nasty).to.match(/^attachment; filename="[^"\\/]*"; filename\*=UTF-8''[A-Za-z0-9%._~!-]*$/);
    expect(attachmentDisposition('')).to.match(/^attachment; filename="file"/);
  });
});

describe('portal language', () => {
  it('is Vietnamese unless the cookie or the browser asks for English first', () => {
    expect(langOf(undefined, undefined)).to.equal('vi');
    expect(langOf(undefined, 'en-US,en;q=0.9')).to.equal('en');
    expect(langOf(undefined, 'vi-VN,vi;q=0.9,en;q=0.8')).to.equal('vi');
    expect(langOf(undefined, 'fr, en;q=0.5, vi;q=0.7')).to.equal('vi');
    expect(langOf('vi', 'en')).to.equal('vi');
    expect(langOf('en', 'vi')).to.equal('en');
  });
});
