import { z } from 'zod';
import { text } from './text';

export const US_STATES = [
  'AL',
  'AK',
  'AZ',
  'AR',
  'CA',
  'CO',
  'CT',
  'DE',
  'DC',
  'FL',
  'GA',
  'HI',
  'ID',
  'IL',
  'IN',
  'IA',
  'KS',
  'KY',
  'LA',
  'ME',
  'MD',
  'MA',
  'MI',
  'MN',
  'MS',
  'MO',
  'MT',
  'NE',
  'NV',
  'NH',
  'NJ',
  'NM',
  'NY',
  'NC',
  'ND',
  'OH',
  'OK',
  'OR',
  'PA',
  'RI',
  'SC',
  'SD',
  'TN',
  'TX',
  'UT',
  'VT',
  'VA',
  'WA',
  'WV',
  'WI',
  'WY',
  'PR',
  'VI',
  'GU',
  'AS',
  'MP',
] as const;

export const usState = z.enum(US_STATES, { message: 'must be a 2-letter US state code' });
export const zipCode = z
  .string()
  .regex(/^[0-9]{5}(-[0-9]{4})?$/, 'must be a ZIP code: 5 digits or 5+4');

/** A service address of a port request: where the number is used today. */
export const serviceAddress = z.object({
  street: text(100),
  city: text(60),
  state: usState,
  zipCode,
});
export type ServiceAddress = z.output<typeof serviceAddress>;

/** An E911 address: a service address with an optional location (suite, floor, desk). */
export const e911Address = serviceAddress.extend({
  location: text(100).optional(),
});
export type E911Address = z.output<typeof e911Address>;
