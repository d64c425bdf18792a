import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const work = mkdtempSync(join(tmpdir(), 'identity-package-'));
const consumer = join(work, 'consumer');
let tarball = '';

beforeAll(async () => {
  // `npm pack` runs the prepack build, exactly as `npm publish` would.
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, maxBuffer: 10 << 20 });
  tarball = join(work, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename);

  cpSync(join(import.meta.dirname, 'consumer'), consumer, { recursive: true });
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // @types/node: the emulator's declarations mention node:http. The cache is warm from our own install.
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, '@types/node@^20'], {
    cwd: consumer,
    maxBuffer: 10 << 20,
  });
}, 180000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const tsconfig = (resolution: 'node16' | 'bundler') => ({
  compilerOptions: {
    strict: true,
    noUncheckedIndexedAccess: true,
    target: 'ES2022',
    module: resolution === 'node16' ? 'node16' : 'esnext',
    moduleResolution: resolution,
    outDir: `out-${resolution}`,
    types: ['node'],
    skipLibCheck: false,
  },
  files: ['consumer.ts'],
});

describe('the packed npm package', () => {
  it('passes publint (strict)', async () => {
    const { stdout } = await run(bin('publint'), ['--strict', tarball], { cwd: root });
    expect(stdout).toContain('All good!');
  });

  it('passes Are the Types Wrong (ESM-only profile)', async () => {
    const { stdout } = await run(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'json'], { cwd: root, maxBuffer: 10 << 20 });
    const report = JSON.parse(stdout) as { analysis: { problems: Array<{ kind: string; resolutionKind?: string }> } };
    const relevant = report.analysis.problems.filter((p) => !['node10', 'node16-cjs'].includes(p.resolutionKind ?? ''));
    expect(relevant).toEqual([]);
  });

  it.each(['node16', 'bundler'] as const)('compiles a strict consumer under moduleResolution %s', async (resolution) => {
    writeFileSync(join(consumer, `tsconfig.${resolution}.json`), JSON.stringify(tsconfig(resolution)));
    const result = await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${resolution}.json`], {
      cwd: consumer,
    }).catch((err: { stdout: string }) => ({ stdout: err.stdout, failed: true }));
    expect(result.stdout).toBe('');
  });

  it('runs against the emulator started from the installed package', async () => {
    writeFileSync(join(consumer, 'tsconfig.node16.json'), JSON.stringify(tsconfig('node16')));
    await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.node16.json'], { cwd: consumer });
    const { stdout } = await run(process.execPath, ['out-node16/consumer.js'], { cwd: consumer });
    expect(JSON.parse(stdout.trim())).toEqual({
      found: ['Luna-bot'],
      memberCount: 1,
      gone: true,
      violations: 0,
      redisAdvice: expect.stringMatching(/^rateLimit\.redis: .*npm install redis$/),
    });
  });
});
