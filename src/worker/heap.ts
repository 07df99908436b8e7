/**
 * The V8 heap limit a worker process is started with (`npm run start:worker`, docker-compose):
 * under Node's default (some 4 GiB here) the heap grows long before V8 collects, and a worker
 * holding 10,000 open ports or a 10,000-number port passed 500 MiB RSS (BENCHMARKS.md).
 */
export const WORKER_HEAP_MIB = 512;
