import type { CarrierComment } from '../domain';
import type { EmulatorClock } from './clock';
import { newId } from './numbers';
import type { PortDesk } from './ports';
import type { EmulatorStore } from './store';

interface CommentRow {
  partition_id: string;
  port_request_id: string;
  comment_id: string;
  text: string;
  author: string | null;
  created_at: string;
}

/**
 * The losing carrier's comments on port requests (an extension: Bandwidth and Telnyx ports
 * carry notes from the losing carrier). A test or script posts one through `/_emulator`;
 * portflow reads them with the port.
 */
export class CarrierComments {
  private readonly statements;

  constructor(
    store: EmulatorStore,
    private readonly clock: EmulatorClock,
    private readonly ports: PortDesk,
  ) {
    this.statements = {
      insert: store.db.prepare<CommentRow>(
        `INSERT INTO port_comments (partition_id, port_request_id, comment_id, text, author, created_at)
         VALUES (@partition_id, @port_request_id, @comment_id, @text, @author, @created_at)`,
      ),
      ofPort: store.db.prepare<[string, string], CommentRow>(
        `SELECT * FROM port_comments WHERE partition_id = ? AND port_request_id = ? ORDER BY rowid`,
      ),
    };
  }

  /** The carrier comments on a port; the port is notified, as a status change is. */
  add(
    partitionId: string,
    portRequestId: string,
    comment: { text: string; author?: string },
  ): CarrierComment {
    const port = this.ports.get(partitionId, portRequestId);
    const row: CommentRow = {
      partition_id: partitionId,
      port_request_id: portRequestId,
      comment_id: newId('cc'),
      text: comment.text,
      author: comment.author ?? null,
      created_at: this.clock.now(),
    };
    this.statements.insert.run(row);
    this.ports.onStatusChange?.(partitionId, port);
    return toComment(row);
  }

  /** A port's comments, oldest first; a port the partition does not have is a 404. */
  of(partitionId: string, portRequestId: string): CarrierComment[] {
    this.ports.get(partitionId, portRequestId);
    return this.statements.ofPort.all(partitionId, portRequestId).map(toComment);
  }
}

function toComment(row: CommentRow): CarrierComment {
  return {
    commentId: row.comment_id,
    text: row.text,
    ...(row.author ? { author: row.author } : {}),
    createdAt: row.created_at,
  };
}
