/**
 * `npm run inspect` as a newcomer uses it: `--help` prints the usage and starts nothing, an unknown
 * option is refused, and stopping npm stops the relay it started.
 */
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function serverPids(): number[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout;
  return ps.split('\n').filter((line) => line.includes('inspector/build.mjs --run') && line.includes('--port 0'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

describe('npm run inspect', () => {
  it('prints its usage for --help and exits 0 without serving', () => {
    const run = spawnSync('npm', ['run', '--silent', 'inspect', '--', '--help'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('usage: npm run inspect');
    expect(run.stdout).not.toContain('callstate inspector: open');
  });

  it('refuses an unknown option with exit code 2', () => {
    const run = spawnSync('npm', ['run', '--silent', 'inspect', '--', '--bogus'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Unknown option '--bogus'");
  });

  it('stops the relay when npm is stopped', async () => {
    const npm = spawn('npm', ['run', '--silent', 'inspect', '--', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error('the inspector did not start')), 60_000);
      npm.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('callstate inspector: open')) { clearTimeout(timer); done(); }
      });
    });
    const servers = serverPids();
    expect(servers.length).toBeGreaterThan(0);
    npm.kill('SIGTERM');
    const until = Date.now() + 5000;
    while (servers.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(servers.filter(alive)).toEqual([]);
  }, 90_000);
});
