// The broker's API handler table: one place lists every API a broker serves (with the
// versions in each handler), for the broker's request router, and for the README's API table
// (scripts/api-table.ts), which therefore cannot drift from what is served.
import type { GroupCoordinator } from '../coordinator/group-coordinator.js';
import type { TransactionCoordinator } from '../coordinator/transaction-coordinator.js';
import type { ApiHandler } from './api-handler.js';
import { createAdminForwardHandlers } from './handlers/admin-forward.js';
import { createConsumerGroupHandlers } from './handlers/consumer-group-handlers.js';
import type { BrokerContext } from './handlers/broker-context.js';
import { createClientTelemetryHandlers } from './handlers/client-telemetry.js';
import { createDescribeClusterHandler } from './handlers/describe-cluster.js';
import { createDeleteRecordsHandler } from './handlers/delete-records.js';
import { createDescribeLogDirsHandler } from './handlers/describe-log-dirs.js';
import { createDescribeTopicPartitionsHandler } from './handlers/describe-topic-partitions.js';
import { createDescribeConfigsHandler } from './handlers/describe-configs.js';
import { createFetchHandler } from './handlers/fetch.js';
import { createGroupHandlers, type GroupHandlerDeps } from './handlers/group-handlers.js';
import { createInitProducerIdHandler } from './handlers/init-producer-id.js';
import { createListOffsetsHandler } from './handlers/list-offsets.js';
import { createMetadataHandler } from './handlers/metadata.js';
import { createOffsetForLeaderEpochHandler } from './handlers/offset-for-leader-epoch.js';
import { createProduceHandler } from './handlers/produce.js';
import { createTxnHandlers } from './handlers/txn-handlers.js';
import { createUpdateMetadataHandler } from './handlers/update-metadata.js';

export function createBrokerHandlers(ctx: BrokerContext, groupDeps: GroupHandlerDeps, coordinator: GroupCoordinator, txns?: TransactionCoordinator): ApiHandler[] {
  return [
    createProduceHandler(ctx),
    createFetchHandler(ctx),
    createListOffsetsHandler(ctx),
    createMetadataHandler(ctx),
    createInitProducerIdHandler(ctx, txns),
    createDescribeClusterHandler(ctx),
    createOffsetForLeaderEpochHandler(ctx),
    createUpdateMetadataHandler(ctx),
    createDeleteRecordsHandler(ctx),
    createDescribeLogDirsHandler(ctx),
    createDescribeTopicPartitionsHandler(ctx),
    createDescribeConfigsHandler(ctx),
    ...createAdminForwardHandlers(ctx),
    ...createClientTelemetryHandlers(ctx),
    ...createGroupHandlers(groupDeps, coordinator),
    ...createConsumerGroupHandlers(coordinator),
    ...(txns ? createTxnHandlers(ctx, txns, coordinator) : []),
  ];
}
