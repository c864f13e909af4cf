// DescribeLogDirs (api 35, v0–4): the broker's one log dir with, per hosted partition (all,
// or the topics and partitions asked), its size on disk and offset lag, as Kafka computes it
// (max(high watermark - log end offset, 0); a future replica never exists here), plus the
// file system's total and usable bytes (v4). A failed log dir answers KAFKA_STORAGE_ERROR.
import { statfsSync } from 'node:fs';
import { ApiKey } from '../../protocol/api-keys.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { defineHandler, type ApiHandler } from '../api-handler.js';
import type { Partition } from '../partition.js';
import type { BrokerContext } from './broker-context.js';

export function createDescribeLogDirsHandler(ctx: BrokerContext): ApiHandler {
  return defineHandler({
    apiKey: ApiKey.DescribeLogDirs,
    versions: [0, 4],
    handle(request) {
      const asked = request.body.topics;
      const wanted = asked === null ? null : new Map(asked.map((t) => [t.topic, new Set(t.partitions)]));
      const byTopic = new Map<string, Partition[]>();
      for (const p of ctx.replicaManager.partitions()) {
        if (wanted && !wanted.get(p.topic)?.has(p.partition)) continue;
        byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
      }
      const disk = diskSpace(ctx.logDir);
      const offline = ctx.replicaManager.logDirOffline;
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        results: [
          {
            errorCode: offline ? ErrorCode.KAFKA_STORAGE_ERROR : ErrorCode.NONE,
            logDir: ctx.logDir,
            topics: offline
              ? []
              : [...byTopic].map(([name, parts]) => ({
                  name,
                  partitions: parts
                    .sort((a, b) => a.partition - b.partition)
                    .map((p) => ({
                      partitionIndex: p.partition,
                      partitionSize: BigInt(p.log.size),
                      offsetLag: p.highWatermark > p.logEndOffset ? p.highWatermark - p.logEndOffset : 0n,
                      isFutureKey: false,
                    })),
                })),
            totalBytes: disk.totalBytes,
            usableBytes: disk.usableBytes,
          },
        ],
      };
    },
  });
}

/** The file system's size and free space (-1 each when unknown, as Kafka answers). */
function diskSpace(dir: string): { totalBytes: bigint; usableBytes: bigint } {
  try {
    const s = statfsSync(dir, { bigint: true });
    return { totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize };
  } catch {
    return { totalBytes: -1n, usableBytes: -1n };
  }
}
