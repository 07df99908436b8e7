/*
 * Comments on a port, from the customer (a partition's caller) or the losing carrier, as the
 * port workflow keeps them. Zod-free: workflow code imports it.
 */

/** The longest comment text, in characters. */
export const COMMENT_TEXT_MAX = 2_000;
/** The longest author name a caller gives. */
export const COMMENT_AUTHOR_MAX = 100;
/**
 * Comments one port takes: the port's history and its workflow's state stay bounded however
 * long it lives (each comment is in history once, as its Update's input or its poll's answer).
 */
export const MAX_COMMENTS_PER_PORT = 200;
/** The newest comments the port's memo holds, so most reads need no worker. */
export const COMMENTS_IN_MEMO = 10;

export type CommentAuthor =
  | { type: 'PARTITION'; partitionId: string; name: string }
  | { type: 'CARRIER'; carrier: string; name?: string };

export interface PortComment {
  /** Stable: the port's own sequence of comments (`cmt_1`, `cmt_2`, ...). */
  commentId: string;
  text: string;
  author: CommentAuthor;
  /** When portflow took it (a carrier's comment: when the port picked it up). */
  createdAt: string;
  /** The carrier's own id and time of a carrier's comment. */
  carrierCommentId?: string;
  carrierCreatedAt?: string;
}

/** A customer's comment as the API hands it to the port workflow. */
export interface NewPortComment {
  text: string;
  authorName: string;
}

/** A comment the losing carrier left on an upstream port, as the platform gives it. */
export interface CarrierComment {
  commentId: string;
  text: string;
  author?: string;
  createdAt: string;
}

/** What the port's memo holds of its comments: the newest few and how many there are. */
export interface CommentsMemo {
  total: number;
  newest: PortComment[];
}

export function toCommentsMemo(comments: PortComment[]): CommentsMemo {
  return { total: comments.length, newest: comments.slice(-COMMENTS_IN_MEMO) };
}
