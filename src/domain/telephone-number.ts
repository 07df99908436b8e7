import { z } from 'zod';

/** Toll-free NPAs of the North American Numbering Plan. */
export const TOLL_FREE_NPAS = ['800', '888', '877', '866', '855', '844', '833'] as const;

const E164_NANP = /^\+1([2-9][0-9]{2})([2-9][0-9]{2})([0-9]{4})$/;

export interface NumberParts {
  npa: string;
  nxx: string;
  line: string;
}

/**
 * Why `text` is not a NANP E.164 number, or undefined when it is one.
 * NPA and NXX start 2-9; N11 service codes are not area codes.
 */
export function telephoneNumberProblem(text: string): string | undefined {
  const match = E164_NANP.exec(text);
  if (!match) {
    return 'must be an E.164 NANP number: +1, then a 3-digit area code and a 7-digit number whose first digits are 2-9';
  }
  const npa = match[1] as string;
  if (npa[1] === '1' && npa[2] === '1') return `area code ${npa} is an N11 service code`;
  return undefined;
}

export function splitNumber(telephoneNumber: string): NumberParts {
  const digits = telephoneNumber.slice(2);
  return { npa: digits.slice(0, 3), nxx: digits.slice(3, 6), line: digits.slice(6) };
}

/** `+16077221234` → `(607) 722-1234`, the seed's `formatted`. */
export function formatNumber(telephoneNumber: string): string {
  const { npa, nxx, line } = splitNumber(telephoneNumber);
  return `(${npa}) ${nxx}-${line}`;
}

export function isTollFree(telephoneNumber: string): boolean {
  return (TOLL_FREE_NPAS as readonly string[]).includes(splitNumber(telephoneNumber).npa);
}

/** The rule `telephoneNumberProblem` checks, as one pattern for the OpenAPI document (no N11 area code). */
const E164_NANP_PATTERN = '^\\+1[2-9]([02-9][0-9]|1[02-9])[2-9][0-9]{6}$';

/** A NANP number in E.164, as `+16077221234`. */
export const telephoneNumber = z
  .string()
  .superRefine((text, ctx) => {
    const problem = telephoneNumberProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ pattern: E164_NANP_PATTERN, examples: ['+16077221234'] });

/**
 * A number in a query string: written as the seed writes it (`?telephoneNumber=+1607...`, a
 * bare `+`), it arrives with a space for the plus; without any plus it is taken too.
 */
export const telephoneNumberInQuery = z.codec(
  z
    .string()
    .meta({ pattern: E164_NANP_PATTERN.replace('^\\+', '^[ +]?'), examples: ['+16077221234'] }),
  telephoneNumber,
  { decode: (text) => text.replace(/^ ?(?=1[0-9]{10}$)/, '+'), encode: (number) => number },
);

/** A list of 1 to `max` numbers, none twice (the document says so with `uniqueItems`). */
export function distinctNumbers(number: z.ZodType<string>, max: number) {
  return z
    .array(number)
    .min(1)
    .max(max)
    .refine((numbers) => new Set(numbers).size === numbers.length, 'must not repeat a number')
    .meta({ uniqueItems: true });
}

/** A number a local order takes: toll-free ones have their own endpoint. */
export const localNumber = telephoneNumber
  .refine((number) => !isTollFree(number), {
    message: 'is toll-free: order it through /telephone-number/order/tollfree',
  })
  .meta({ not: { pattern: `^\\+1(${TOLL_FREE_NPAS.join('|')})` } });

export const tollFreeNumber = telephoneNumber
  .refine(isTollFree, { message: `must be toll-free (${TOLL_FREE_NPAS.join(', ')})` })
  .meta({
    pattern: `^\\+1(${TOLL_FREE_NPAS.join('|')})[2-9][0-9]{6}$`,
    examples: ['+18005550123'],
  });

export const npa = z
  .string()
  .regex(/^[2-9][0-9]{2}$/, 'must be a 3-digit area code starting 2-9')
  .meta({ examples: ['607'] });
export const nxx = z
  .string()
  .regex(/^[2-9][0-9]{2}$/, 'must be a 3-digit exchange starting 2-9')
  .meta({ examples: ['722'] });

/** A search pattern over the 10 national digits: digits and `*` wildcards, as `*0000` or `*1234*`. */
export const numberPattern = z
  .string()
  .max(12)
  .regex(/^\**[0-9][0-9*]*$/, 'must be digits with * wildcards, as *0000 or *1234*')
  .meta({ examples: ['*0000', '*1234*'] });

/** Does the 10-digit national number match a `*`-wildcard pattern? */
export function matchesPattern(telephoneNumber: string, pattern: string): boolean {
  const national = telephoneNumber.slice(2);
  const regex = new RegExp(`^${pattern.split('*').join('\\d*')}$`);
  return regex.test(national);
}
