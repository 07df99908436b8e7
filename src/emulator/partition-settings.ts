/** A setting each partition may have its own of, kept in memory (like faults): one never set has the default. */
export class PartitionSettings<T> {
  private readonly settings = new Map<string, T>();

  constructor(private readonly defaults: T) {}

  of(partitionId: string): T {
    return this.settings.get(partitionId) ?? this.defaults;
  }

  set(partitionId: string, value: T): T {
    this.settings.set(partitionId, value);
    return value;
  }

  clear(): void {
    this.settings.clear();
  }
}
