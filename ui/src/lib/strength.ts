// How hard a passphrase is to guess, roughly: the bits of its length over the kinds of
// characters it uses, less for repeats and well-known passwords. A guide for the person
// choosing it, not a guarantee; the key file's scrypt makes every guess slow as well.

const COMMON = ["password", "passwort", "contraseña", "123456", "qwerty", "azerty", "letmein", "welcome", "tradeseal", "admin", "iloveyou", "monkey", "dragon", "sunshine"];

export type Strength = { bits: number; level: 0 | 1 | 2 | 3 };

export function strength(pass: string): Strength {
  if (!pass) return { bits: 0, level: 0 };
  let pool = 0;
  if (/[a-z]/.test(pass)) pool += 26;
  if (/[A-Z]/.test(pass)) pool += 26;
  if (/[0-9]/.test(pass)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(pass)) pool += 33;
  // Runs of one character and the same few characters count once.
  const distinct = new Set(pass).size;
  const effective = Math.min([...pass].length, distinct * 2);
  let bits = effective * Math.log2(Math.max(pool, 2));
  const lower = pass.toLowerCase();
  if (COMMON.some((c) => lower.includes(c))) bits = Math.min(bits, 20);
  const level = bits < 40 ? 0 : bits < 60 ? 1 : bits < 80 ? 2 : 3;
  return { bits: Math.round(bits), level };
}
