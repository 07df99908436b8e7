import { ApplicationFailure, upsertMemo } from '@temporalio/workflow';
import {
  MAX_COMMENTS_PER_PORT,
  toCommentsMemo,
  type CommentAuthor,
  type CommentsMemo,
  type PortComment,
} from '../domain/port-comments';
import { MEMO } from './definitions';

/**
 * A port's comments, the customer's and the losing carriers', in the order the port took them:
 * every one in the workflow (the `portComments` query), the newest few in the memo.
 */
export class PortComments {
  readonly all: PortComment[] = [];
  private changedSinceMemo = false;

  /**
   * `publishesItself`: each comment upserts the memo at once, as ports from before
   * WEBHOOK_ATTEMPTS_PATCH did; the others publish `memoIfChanged()` with the port.
   */
  constructor(private readonly options: { publishesItself: boolean }) {}

  get full(): boolean {
    return this.all.length >= MAX_COMMENTS_PER_PORT;
  }

  /** The refusal of a customer's comment, thrown by the Update's validator. */
  refuse(portEnded: boolean): void {
    if (portEnded) throw refusal('PORT_CLOSED', 'a port that has ended takes no comments');
    if (this.full) {
      throw refusal(
        'COMMENT_LIMIT_REACHED',
        `a port takes at most ${MAX_COMMENTS_PER_PORT} comments`,
      );
    }
  }

  add(
    text: string,
    author: CommentAuthor,
    carrier: Pick<PortComment, 'carrierCommentId' | 'carrierCreatedAt'> = {},
  ): PortComment {
    const comment: PortComment = {
      commentId: `cmt_${this.all.length + 1}`,
      text,
      author,
      createdAt: new Date().toISOString(),
      ...carrier,
    };
    this.all.push(comment);
    if (this.options.publishesItself) upsertMemo({ [MEMO.comments]: toCommentsMemo(this.all) });
    else this.changedSinceMemo = true;
    return comment;
  }

  /** The newest comments for the memo; undefined when none came since the last. */
  memoIfChanged(): CommentsMemo | undefined {
    if (!this.changedSinceMemo) return undefined;
    this.changedSinceMemo = false;
    return toCommentsMemo(this.all);
  }
}

function refusal(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}
