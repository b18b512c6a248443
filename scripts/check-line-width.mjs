// Fails when a source line is longer than prettier's printWidth: prettier cannot wrap a long
// string, template literal or comment, so those need a hand (split the string, shorten the comment).
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const width = JSON.parse(readFileSync(new URL('../.prettierrc.json', import.meta.url), 'utf8')).printWidth;
// Tracked TypeScript and JavaScript only (fixtures are other file types or ignored below).
const files = execFileSync('git', ['ls-files', '*.ts', '*.mjs', '*.js'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !f.startsWith('test/fixtures/') && !f.startsWith('src/lab/assets/'));
const long = [];
for (const f of files) {
  readFileSync(f, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if ([...line].length > width) long.push(`${f}:${i + 1}: ${[...line].length} characters`);
    });
}
if (long.length) {
  process.stderr.write(`${long.join('\n')}\n${long.length} line(s) over ${width} characters\n`);
  process.exit(1);
}
