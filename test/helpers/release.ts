/** What a release removes from a number assigned to user_1 with E911, a directory listing and a caller ID name. */
export const EVERYTHING_REMOVED = [
  'assignment to END_USER user_1',
  'E911 registration',
  'directory listing',
  'caller ID name',
];

/** The statuses of a release that ages to the end, in order. */
export const AGED_TO_THE_END = ['RELEASING', 'AGING', 'RELEASED'];
