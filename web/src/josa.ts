// Korean particles chosen by the final consonant of the word before them ("버전 2를",
// "v1로", "문서를", "파일을"). Digits and Latin letters are read the way Koreans say them.

export type Particle = '을/를' | '이/가' | '은/는' | '과/와' | '으로/로' | '이에요/예요';

// Digits as read in Sino-Korean: 영 일 이 삼 사 오 육 칠 팔 구. 'l' marks a final ㄹ.
const DIGIT_FINAL = ['y', 'l', 'n', 'y', 'n', 'n', 'y', 'l', 'l', 'n'] as const;
// Latin letters by how a word ending in them is usually read: "app"(앱), "doc"(독), "file"(파일)
// end in a consonant sound; 'l' and 'r'-less vowels follow the same table.
const LATIN_FINAL: Record<string, 'y' | 'n' | 'l'> = {
  b: 'y', c: 'y', k: 'y', m: 'y', n: 'y', p: 'y', t: 'y', g: 'y', l: 'l',
};

type Final = 'y' | 'n' | 'l'; // yes (a batchim other than ㄹ), no batchim, ㄹ

function finalOf(word: string): Final {
  const s = word.replace(/[\s)\]"'’”.,!?]+$/u, '');
  const ch = s.at(-1) ?? '';
  const code = ch.charCodeAt(0);
  if (code >= 0xac00 && code <= 0xd7a3) {
    const jong = (code - 0xac00) % 28;
    return jong === 0 ? 'n' : jong === 8 ? 'l' : 'y';
  }
  if (/\d/.test(ch)) return DIGIT_FINAL[Number(ch)];
  return LATIN_FINAL[ch.toLowerCase()] ?? 'n';
}

/** The particle alone, for `word`. */
export function particle(word: string, pair: Particle): string {
  const [withFinal, without] = pair.split('/');
  const f = finalOf(word);
  if (pair === '으로/로') return f === 'y' ? withFinal : without;
  return f === 'n' ? without : withFinal;
}

/** `word` followed by its particle: josa('버전 2', '을/를') → "버전 2를". */
export function josa(word: string, pair: Particle): string {
  return `${word}${particle(word, pair)}`;
}
