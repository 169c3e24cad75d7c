import { CONFIG_KEYS } from '@vidflow/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** The README is the manual: it must stay true to the code it describes. */
describe('README', () => {
  it('documents every configuration variable', () => {
    const undocumented = CONFIG_KEYS.filter((key) => !readme.includes(`\`${key}\``));
    expect(undocumented).toEqual([]);
  });

  it('starts with the two commands, and both exist', () => {
    const firstBlock = /```bash\n([\s\S]*?)```/.exec(readme)![1]!;
    const commands = firstBlock.split('\n').filter(Boolean).map((l) => l.split('#')[0]!.trim());
    expect(commands).toEqual(['npm run demo', 'npm test']);
    expect(pkg.scripts.demo).toBeDefined();
    expect(pkg.scripts.test).toBeDefined();
  });

  it('is what CI runs', () => {
    const ci = readFileSync(join(root, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/^npm test$/m);
  });
});
