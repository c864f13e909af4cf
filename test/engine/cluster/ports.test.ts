import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPortsAvailable, findFreeBasePort, isPortFree, planPorts, portOwners } from '../../../src/engine/cluster/ports.js';

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function occupy(port = 0): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    servers.push(s);
    s.listen(port, '127.0.0.1', () => resolve((s.address() as net.AddressInfo).port));
  });
}

describe('planPorts', () => {
  it('follows the base-port scheme for brokers, controller, nimbus and supervisor slots', () => {
    expect(planPorts({ basePort: 9092, brokers: 3, supervisors: 2, slotsPerSupervisor: 4 })).toEqual({
      brokers: [9092, 9093, 9094],
      controller: 9192,
      nimbus: 9292,
      supervisorSlots: [[9392, 9393, 9394, 9395], [9396, 9397, 9398, 9399]],
      metrics: {
        brokers: [9193, 9194, 9195],
        controller: 9293,
        nimbus: 9294,
        workers: [[9400, 9401, 9402, 9403], [9404, 9405, 9406, 9407]],
      },
    });
  });

  it('rejects a base port that pushes ports past 65535', () => {
    expect(() => planPorts({ basePort: 65400, brokers: 1, supervisors: 1, slotsPerSupervisor: 4 })).toThrow(/outside 1-65535/);
  });
});

describe('checkPortsAvailable', () => {
  it('throws PORT_IN_USE naming the busy port and the process that wanted it', async () => {
    const port = await occupy();
    await expect(checkPortsAvailable('127.0.0.1', [{ port, owner: 'broker 1' }])).rejects.toMatchObject({
      code: 'PORT_IN_USE',
      message: expect.stringContaining(`Port ${port} on 127.0.0.1 is already in use; it is needed for broker 1`),
    });
  });

  it('passes when every port is free', async () => {
    const port = await occupy();
    await new Promise((r) => servers.pop()!.close(r));
    await expect(checkPortsAvailable('127.0.0.1', [{ port, owner: 'controller' }])).resolves.toBeUndefined();
  });

  it('reports a port as busy while something listens on it', async () => {
    const port = await occupy();
    expect(await isPortFree('127.0.0.1', port)).toBe(false);
  });
});

describe('findFreeBasePort', () => {
  it('returns a base whose whole port plan is free', async () => {
    const base = await findFreeBasePort({ brokers: 2, supervisors: 1, slotsPerSupervisor: 2 });
    const owners = portOwners(planPorts({ basePort: base, brokers: 2, supervisors: 1, slotsPerSupervisor: 2 }), true);
    for (const o of owners) expect(await isPortFree('127.0.0.1', o.port)).toBe(true);
  });

  it('hands out bases 500 apart below the ephemeral range, so two test clusters never share a port', async () => {
    for (let i = 0; i < 10; i++) {
      const base = await findFreeBasePort({ brokers: 3, supervisors: 2, slotsPerSupervisor: 4 });
      expect(base % 500).toBe(0);
      expect(base).toBeGreaterThanOrEqual(20000);
      expect(base + 500).toBeLessThanOrEqual(32768);
    }
  });

  it('refuses a test cluster too large for its 500-port range', async () => {
    await expect(findFreeBasePort({ brokers: 1, supervisors: 30, slotsPerSupervisor: 10 })).rejects.toMatchObject({ code: 'USAGE' });
  });
});
