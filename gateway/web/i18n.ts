// Vietnamese first, English on request: a `lang` cookie set by the switch in the page header, else the
// browser's Accept-Language when it prefers English to Vietnamese.

export type Lang = 'vi' | 'en';

export const LANG_COOKIE = 'dg_lang';

export function langOf(cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  if (cookie === 'vi' || cookie === 'en') return cookie;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)).find(Boolean);
      return { tag: tag.split('-')[0], q: q ? Number(q[1]) : 1, i };
    })
    .filter((x) => x.tag === 'vi' || x.tag === 'en')
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked[0]?.tag === 'en' ? 'en' : 'vi';
}

/** A text in the page's language. */
export type Translate = (vi: string, en: string) => string;

export function translator(lang: Lang): Translate {
  return (vi, en) => (lang === 'en' ? en : vi);
}
