// The controller's Prometheus metrics, named as the JMX exporter names KRaft's
// kafka.controller:type=KafkaController beans (Value → kafka_controller_kafkacontroller_*):
// active controller count, active and fenced brokers, global topic and partition counts,
// offline (leaderless) and under-replicated partitions... read from the metadata store when
// scraped. Single-threaded.
import { Gauge, type Registry } from 'prom-client';
import type { MetadataStore } from './metadata-store.js';

export function registerControllerMetrics(registry: Registry, store: () => MetadataStore): void {
  const registers = [registry];
  const gauge = (name: string, help: string, value: (s: MetadataStore) => number) =>
    new Gauge({
      name: `kafka_controller_kafkacontroller_${name}`,
      help,
      registers,
      collect() {
        this.set(value(store()));
      },
    });
  const partitions = (s: MetadataStore) => s.listTopics().flatMap((t) => t.partitions);
  gauge('activecontrollercount', 'Always 1: this process is the active controller.', () => 1);
  gauge('activebrokercount', 'Registered brokers that are not fenced (heartbeating).', (s) => s.listBrokers().filter((b) => !b.fenced).length);
  gauge('fencedbrokercount', 'Registered brokers that are fenced (down or shut down).', (s) => s.listBrokers().filter((b) => b.fenced).length);
  gauge('globaltopiccount', 'Topics in the cluster, internal ones included.', (s) => s.listTopics().length);
  gauge('globalpartitioncount', 'Partitions in the cluster.', (s) => partitions(s).length);
  gauge('offlinepartitionscount', 'Partitions without a leader.', (s) => partitions(s).filter((p) => p.leader < 0).length);
  gauge('underreplicatedpartitionscount', 'Partitions whose ISR is smaller than their replica set.', (s) => partitions(s).filter((p) => p.isr.length < p.replicas.length).length);
}
