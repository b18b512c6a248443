/**
 * A source build's `conf/extra/httpd-vhosts.conf` ships two example `<VirtualHost *:80>` blocks
 * for dummy-host.example.com. Once the recipe enables the Include they are live: the first one
 * becomes the default vhost for every request whose Host matches no ServerName, so the balancer
 * would only answer for its own ServerName, and Apache logs warnings for their missing docs dirs.
 * We comment them out, but only while they are the unmodified shipped text; an edited block is
 * the user's configuration and stays as it is.
 */
import { fromLines, insertLines, toLines } from './lines.ts';

/** Body lines of a shipped example, trimmed; DocumentRoot's prefix is the install prefix. */
function shipped(host: string, alias: boolean): RegExp[] {
  const h = host.replace(/\./g, '\\.');
  return [
    new RegExp(`^ServerAdmin webmaster@${h}$`),
    new RegExp(`^DocumentRoot "[^"]*/docs/${h}"$`),
    new RegExp(`^ServerName ${h}$`),
    ...(alias ? [new RegExp(`^ServerAlias www\\.${h}$`)] : []),
    new RegExp(`^ErrorLog "logs/${h}-error_log"$`),
    new RegExp(`^CustomLog "logs/${h}-access_log" common$`),
  ];
}

const EXAMPLES = [shipped('dummy-host.example.com', true), shipped('dummy-host2.example.com', false)];

/** The note put above each block we comment out. */
export const EXAMPLE_NOTE = '# provision: the shipped example below is disabled (it would be the default vhost for *:80)';

function isShipped(body: string[]): boolean {
  const trimmed = body.map((l) => l.trim());
  return EXAMPLES.some((ex) => ex.length === trimmed.length && ex.every((re, i) => re.test(trimmed[i]!)));
}

/** Comment out the unmodified shipped example vhosts; returns the text unchanged when there are none. */
export function neutralizeShippedExamples(text: string): string {
  const doc = toLines(text);
  for (let i = doc.body.length - 1; i >= 0; i--) {
    if (doc.body[i]!.trim() !== '<VirtualHost *:80>') continue;
    const close = doc.body.findIndex((l, j) => j > i && l.trim() === '</VirtualHost>');
    if (close < 0 || !isShipped(doc.body.slice(i + 1, close))) continue;
    for (let j = i; j <= close; j++) doc.body[j] = `#${doc.body[j]}`;
    insertLines(doc, i - 1, [EXAMPLE_NOTE]);
  }
  return fromLines(doc);
}
