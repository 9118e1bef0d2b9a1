import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'fledge-ci-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('.ci/stop-debian-prometheus', () => {
  it("stops only Debian's service: a prometheus process of the current user keeps running", async () => {
    // A process named exactly "prometheus", owned by us, as a developer's or a test's own server would be.
    const fake = join(dir, 'prometheus');
    copyFileSync('/bin/sleep', fake);
    const ours = spawn(fake, ['30'], { stdio: 'ignore' });
    // No service manager answers (as in a container), so the script reaches its last resort.
    const bin = join(dir, 'bin');
    spawnSync('mkdir', ['-p', bin]);
    for (const tool of ['systemctl', 'service']) {
      writeFileSync(join(bin, tool), '#!/bin/sh\nexit 1\n');
      chmodSync(join(bin, tool), 0o755);
    }
    try {
      const run = spawnSync('.ci/stop-debian-prometheus', { env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: 'utf8' });
      expect(run.status).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(ours.exitCode).toBeNull();
      expect(ours.signalCode).toBeNull();
    } finally {
      ours.kill();
    }
  });
});
