// The `cluster start --ephemeral` fast path reads only plain, valid flags; everything else
// (help, bad values, other flags) must be left to oclif so its messages and exit codes apply.
import { describe, expect, it } from 'vitest';
import { fastEphemeralOptions, parseStartSettings } from '../../src/cli/ephemeral-run.js';

describe('fastEphemeralOptions', () => {
  it('reads the flags a test suite passes', () => {
    expect(fastEphemeralOptions(['--ephemeral', '--no-storm', '--brokers', '3', '--set', 'num.partitions=3', '--json'])).toEqual({
      brokers: 3,
      storm: false,
      supervisors: undefined,
      slots: undefined,
      basePort: undefined,
      settings: { 'num.partitions': '3' },
      json: true,
    });
    expect(fastEphemeralOptions(['--ephemeral', '--brokers=2', '--supervisors=2', '--slots', '4', '--base-port', '19092'])).toMatchObject({
      brokers: 2,
      supervisors: 2,
      slots: 4,
      basePort: 19092,
      storm: undefined,
      json: false,
    });
  });

  it.each([
    [['--ephemeral', '--help']],
    [['--ephemeral', '-h']],
    [['--ephemeral', '--brokers', 'abc']],
    [['--ephemeral', '--brokers', '101']],
    [['--ephemeral', '--slots', '0']],
    [['--ephemeral', '--base-port', '70000']],
    [['--ephemeral', '--set', 'nonsense']],
    [['--ephemeral', '--set', 'num.partitions=zero']],
    [['--ephemeral', '--dir', '/tmp/x']],
    [['--ephemeral', '--foreground']],
    [['--ephemeral', 'extra']],
    [['--brokers', '1']],
  ])('leaves %j to oclif', (args) => {
    expect(fastEphemeralOptions(args)).toBeUndefined();
  });
});

describe('parseStartSettings', () => {
  it('is a usage error naming the bad setting', () => {
    expect(() => parseStartSettings(['num.partitions=zero'])).toThrow(/Invalid --set: .*num\.partitions/);
    expect(parseStartSettings(['num.partitions = 3'])).toEqual({ 'num.partitions': '3' });
  });
});
