import { z } from 'zod';
import { COMMENT_AUTHOR_MAX, COMMENT_TEXT_MAX } from './port-comments';
import { text } from './text';

export * from './port-comments';

/** A customer's comment on a port: its text and who wrote it (the partition is the token's). */
export const portCommentRequest = z.object({
  text: text(COMMENT_TEXT_MAX).meta({ examples: ['The customer can take the FOC date.'] }),
  authorName: text(COMMENT_AUTHOR_MAX).meta({ examples: ['Jane at Acme support'] }),
});
export type PortCommentRequest = z.output<typeof portCommentRequest>;

const commentAuthor = z.discriminatedUnion('type', [
  z.object({ type: z.literal('PARTITION'), partitionId: z.string(), name: z.string() }),
  z.object({ type: z.literal('CARRIER'), carrier: z.string(), name: z.string().optional() }),
]);

export const portComment = z.object({
  commentId: z.string(),
  text: z.string(),
  author: commentAuthor,
  createdAt: z.iso.datetime({ offset: true }),
  carrierCommentId: z.string().optional(),
  carrierCreatedAt: z.string().optional(),
});

export const portComments = z.object({
  portRequestId: z.string(),
  /** Every comment the port took, oldest first. */
  comments: z.array(portComment),
  total: z.number().int(),
  /** False when only the newest could be read (no worker answered for the older ones). */
  complete: z.boolean(),
});
export type PortCommentsAnswer = z.output<typeof portComments>;

/** A losing carrier's comment on an upstream port: a platform extension (the emulator has it). */
export const carrierComment = z.object({
  commentId: z.string().min(1),
  text: z.string().min(1).max(COMMENT_TEXT_MAX),
  author: z.string().max(COMMENT_AUTHOR_MAX).optional(),
  createdAt: z.iso.datetime({ offset: true }),
});
export const carrierComments = z.object({ comments: z.array(carrierComment) });
