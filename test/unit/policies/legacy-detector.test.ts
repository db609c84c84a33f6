// The legacy-encoding detector on text really encoded in TCVN3 (iconv-lite's table) and VNI (the VNI
// code table), read as windows-1252 and iso-8859-1: detected with the right encoding and decoded
// back exactly; Unicode Vietnamese, French, English and German text pass.

import { expect } from 'chai';
import { detectLegacyText } from '../../../policies/encoding/legacy.js';
import { decodeVni, encodeVni } from '../../../policies/encoding/vni.js';
import { legacyBytes, misread, MUST_PASS, VIETNAMESE } from '../../helpers/legacy-text.js';

describe('legacy-encoding detector', () => {
  it('VNI table: the examples of DOMAIN.md, both ways', () => {
    expect(encodeVni('Quyết định số 123/QĐ-UBND Hà Tĩnh')).to.equal('Quyeát ñònh soá 123/QÑ-UBND Haø Tónh');
    expect(decodeVni('Quyeát ñònh soá 123/QÑ-UBND Haø Tónh')).to.equal('Quyết định số 123/QĐ-UBND Hà Tĩnh');
    expect(decodeVni(encodeVni('người được ưu tiên; ĂN ỔN ĐỊNH, Ỵ'))).to.equal('người được ưu tiên; ĂN ỔN ĐỊNH, Ỵ');
  });

  it('TCVN3 bytes are the ABC ones (DOMAIN.md example)', () => {
    expect(legacyBytes('Quyết định số 123/QĐ-UBND Hà Tĩnh', 'tcvn3').toString('latin1')).to.equal('QuyÕt ®Þnh sè 123/Q§-UBND Hµ TÜnh');
  });

  for (const encoding of ['tcvn3', 'vni'] as const) {
    for (const label of ['windows-1252', 'iso-8859-1'] as const) {
      it(`${encoding} read as ${label}: detected, decoded back exactly`, () => {
        for (const text of VIETNAMESE) {
          const seen = misread(text, encoding, label);
          const found = detectLegacyText(seen);
          expect(found, seen).to.not.equal(null);
          expect(found!.encoding, seen).to.equal(encoding);
          expect(found!.preview, seen).to.equal(text.slice(0, 200));
        }
      });
    }
    it(`${encoding}: a short Subject ("V/v triển khai") is detected`, () => {
      expect(detectLegacyText(misread('V/v triển khai', encoding))?.encoding).to.equal(encoding);
      expect(detectLegacyText(misread('Giấy mời họp', encoding))?.encoding).to.equal(encoding);
      // Only Latin-1 letters once decoded ("Báo cáo"): two syllables are enough.
      expect(detectLegacyText(misread('Báo cáo', encoding))?.encoding).to.equal(encoding);
    });
  }

  it('text holding the Latin-1 letters legacy text shows (è é ê ò ó ô õ ý à á â ã ì í ù ú) is not proof of Unicode', () => {
    const vni = misread('Quyết định về việc tiếp nhận văn bản', 'vni');
    expect(vni).to.match(/[âáàãêéèòóôõùúýì]/);
    expect(detectLegacyText(vni)?.encoding).to.equal('vni');
  });

  it('Unicode Vietnamese, French, English and German text pass', () => {
    for (const text of MUST_PASS) expect(detectLegacyText(text), text).to.equal(null);
  });

  it('~250 common accented French, Spanish, Portuguese and German words pass, alone and together', () => {
    const words =
      'à où là déjà été être très après près où çà voilà ça garçon français leçon reçu café thé né né élève école église étude étranger événement fenêtre forêt tête fête même bête rêve arrêt côté hôtel hôpital tôt bientôt plutôt drôle rôle pôle contrôle âge âme pâte château gâteau théâtre île dîner maître naître connaître goût coût août sûr mûr dû piqûre naïve maïs mosaïque Noël Citroën aïeul où crème père mère frère lumière première dernière entière problème système thème modèle fidèle zèle succès procès accès progrès exprès décès près très après sí más él tú mí sé té dé qué cómo está están también así aquí allí después además acción nación canción corazón razón estación información educación señor niño año España mañana pequeño diseño sueño baño único público música página rápido último médico número teléfono política económico histórico não são mãe irmã manhã amanhã pão mão cão então ação coração informação educação você avó avô pé fé já lá há só nó pó dó vó três mês português inglês francês café até é à às pôr pôde está também através für über schön grün müde früh Tür Mädchen Häuser Bär Käse spät ähnlich Öl hören können möchte Größe Straße groß weiß Fuß süß'.split(
        ' ',
      );
    expect(detectLegacyText(words.join(' '))).to.equal(null);
    for (let i = 0; i + 1 < words.length; i++) expect(detectLegacyText(`${words[i]} ${words[i + 1]}`), `${words[i]} ${words[i + 1]}`).to.equal(null);
  });

  it('Unicode Vietnamese with one pasted legacy line is still legacy; one stray legacy word in a long Unicode text is not', () => {
    const mixed = `${misread(VIETNAMESE[0], 'tcvn3')}\n${misread(VIETNAMESE[1], 'tcvn3')}\nTrân trọng.`;
    expect(detectLegacyText(mixed)?.encoding).to.equal('tcvn3');
    expect(detectLegacyText(`${VIETNAMESE.join('\n')} ${misread('việc', 'vni')}`)).to.equal(null);
  });
});
