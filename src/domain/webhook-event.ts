/** The body every portflow webhook carries; `id` is the same on every retry of one event. */
export interface WebhookEvent {
  id: string;
  type:
    | 'port.status_changed'
    | 'port.activation_ready'
    | 'port.number_removed'
    | 'port.comment_added'
    | 'order.completed'
    | 'number.aging_started'
    | 'number.released'
    | 'number.reclaimed';
  occurredAt: string;
  partitionId: string;
  data: Record<string, unknown>;
}
